/**
 * What an enrichment means for a hit: the severity after the signals, each with a reason, and
 * the state changes between two enrichments that are worth an update alert. Pure.
 */
import { SEVERITIES, severityRank, type Severity } from '../match/types.js';
import { mailExchangers, resolves } from './dns.js';
import type { Enrichment, WebRecord } from './types.js';

/** Registered fewer days ago than this: a fresh registration (raises severity). */
export const FRESH_REGISTRATION_DAYS = 30;
/** Registered at least this many days ago: an old registration (lowers it when nothing is served). */
export const OLD_REGISTRATION_DAYS = 365;

type Signals = Pick<Enrichment, 'registration' | 'dns' | 'web'>;

/** A page answered (2xx/3xx at the end of its redirects). */
export function isLive(w: WebRecord): boolean {
  return w.status === 'ok' && w.http_status !== null && w.http_status >= 200 && w.http_status < 400;
}

/** Whether `title` names the brand: one of `terms` (brand name, keywords), case-insensitive. */
export function titleNamesBrand(title: string | null, terms: readonly string[]): boolean {
  if (!title) return false;
  const t = title.toLowerCase();
  return terms.some((x) => x.length >= 3 && t.includes(x.toLowerCase()));
}

function step(s: Severity, by: number): Severity {
  const i = Math.min(SEVERITIES.length - 1, Math.max(0, severityRank(s) + by));
  return SEVERITIES[i]!;
}

/**
 * The hit's severity after the signals. Each raising signal (fresh registration, a live page whose
 * title names the brand, MX records) raises it one level, up to critical; an old registration with
 * no page served lowers it one level. Returns the severity and one reason per signal that counted.
 */
export function assess(base: Severity, s: Signals, brandTerms: readonly string[]): { severity: Severity; reasons: string[] } {
  let by = 0;
  const reasons: string[] = [];
  const reg = s.registration;
  const at = reg?.registrar ? ` at ${reg.registrar}` : '';
  if (reg?.status === 'ok' && reg.age_days !== null && reg.age_days < FRESH_REGISTRATION_DAYS) {
    by++;
    reasons.push(`registered ${reg.age_days === 0 ? 'today' : reg.age_days === 1 ? '1 day ago' : `${reg.age_days} days ago`}${at}`);
  }
  const branded = (s.web ?? []).find((w) => isLive(w) && titleNamesBrand(w.title, brandTerms));
  if (branded) {
    by++;
    reasons.push(`live page titled '${branded.title}'`);
  }
  const mx = [...new Set((s.dns ?? []).flatMap(mailExchangers))];
  if (mx.length) {
    by++;
    reasons.push(`receives mail (MX ${mx.slice(0, 3).join(', ')})`);
  }
  const served = (s.web ?? []).some(isLive);
  if (by === 0 && reg?.status === 'ok' && reg.age_days !== null && reg.age_days >= OLD_REGISTRATION_DAYS && s.web !== null && !served) {
    by--;
    reasons.push(`registered ${reg.age_days} days ago${at} and serves no web page`);
  }
  return { severity: step(base, by), reasons };
}

export type ChangeCode = 'resolving' | 'mx' | 'live' | 'brand_title';

export interface Change {
  code: ChangeCode;
  /** Raw text (may quote a page title): sanitise before showing it to a human. */
  text: string;
}

/**
 * The state changes from `prev` to `next` worth an update alert: the names start resolving, gain
 * MX, go live, or a page title starts naming the brand. A check that was switched off or failed
 * in `next` never counts as a change. Empty when nothing changed.
 */
export function changesBetween(prev: Signals, next: Signals, brandTerms: readonly string[]): Change[] {
  const out: Change[] = [];
  const anyResolves = (x: Signals) => (x.dns ?? []).some(resolves);
  if (next.dns && !anyResolves(prev) && anyResolves(next)) {
    const addrs = next.dns.flatMap((d) => [...d.a, ...d.aaaa]);
    out.push({ code: 'resolving', text: `started resolving${addrs.length ? ` (${addrs.slice(0, 3).join(', ')})` : ''}` });
  }
  const mx = (x: Signals) => (x.dns ?? []).flatMap(mailExchangers);
  if (next.dns && mx(prev).length === 0 && mx(next).length > 0) out.push({ code: 'mx', text: `gained MX (${[...new Set(mx(next))].slice(0, 3).join(', ')})` });
  const live = (x: Signals) => (x.web ?? []).filter(isLive);
  if (next.web && live(prev).length === 0 && live(next).length > 0) {
    const w = live(next)[0]!;
    out.push({ code: 'live', text: `went live (status ${w.http_status}${w.title ? `, title '${w.title}'` : ''})` });
  }
  const branded = (x: Signals) => live(x).find((w) => titleNamesBrand(w.title, brandTerms));
  const b = branded(next);
  if (next.web && !branded(prev) && b) out.push({ code: 'brand_title', text: `page title names the brand ('${b.title}')` });
  return out;
}

/** The words that mean "this brand" in a page title: the brand's name and keywords. Pure. */
export function brandTermsFrom(brands: readonly { name: string; keywords?: readonly (string | { word: string })[] }[]): (brand: string | null) => string[] {
  const byName = new Map(brands.map((b) => [b.name, [b.name, ...(b.keywords ?? []).map((k) => (typeof k === 'string' ? k : k.word))]]));
  return (brand) => (brand === null ? [] : (byName.get(brand) ?? [brand]));
}
