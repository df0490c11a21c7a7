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

/** A brand's favicon hashes (SHA-256 hex, brands[].favicons), for "serves the brand's favicon". */
export interface BrandFavicons {
  brand: string;
  hashes: readonly string[];
}

/** Whether live page `w` served one of the brand's favicons. */
export function servesBrandFavicon(w: WebRecord, fav: BrandFavicons | null | undefined): boolean {
  const h = w.favicon_sha256;
  return !!fav && !!h && isLive(w) && fav.hashes.some((x) => x.toLowerCase() === h);
}

function step(s: Severity, by: number): Severity {
  const i = Math.min(SEVERITIES.length - 1, Math.max(0, severityRank(s) + by));
  return SEVERITIES[i]!;
}

/**
 * The hit's severity after the signals. Each raising signal (fresh registration, a live page that
 * shows the brand: its title names it or it serves one of the brand's favicons, MX records)
 * raises it one level, up to critical; an old registration with no page served lowers it one
 * level. Returns the severity and one reason per signal that counted.
 */
export function assess(base: Severity, s: Signals, brandTerms: readonly string[], favicons?: BrandFavicons | null): { severity: Severity; reasons: string[] } {
  let by = 0;
  const reasons: string[] = [];
  const reg = s.registration;
  const at = reg?.registrar ? ` at ${reg.registrar}` : '';
  if (reg?.status === 'ok' && reg.age_days !== null && reg.age_days < FRESH_REGISTRATION_DAYS) {
    by++;
    reasons.push(`registered ${reg.age_days === 0 ? 'today' : reg.age_days === 1 ? '1 day ago' : `${reg.age_days} days ago`}${at}`);
  }
  const branded = (s.web ?? []).find((w) => isLive(w) && titleNamesBrand(w.title, brandTerms));
  const iconed = (s.web ?? []).find((w) => servesBrandFavicon(w, favicons));
  if (branded || iconed) {
    // One signal: the page shows the brand, by its title, its favicon or both.
    by++;
    const shows = [branded ? `live page titled '${branded.title}'` : null, iconed ? `${branded ? '' : 'live page '}serves ${favicons!.brand}'s favicon` : null];
    reasons.push(shows.filter((x) => x !== null).join(' and '));
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

export type ChangeCode = 'resolving' | 'mx' | 'live' | 'brand_title' | 'brand_favicon';

export interface Change {
  code: ChangeCode;
  /** Raw text (may quote a page title): sanitise before showing it to a human. */
  text: string;
}

/**
 * The state changes worth an update alert: `next` shows, for the first time in the hit's history
 * (`earlier`, any order), that its names resolve, have MX, serve a live page, serve a page
 * whose title names the brand, or serve one of the brand's favicons on a live page. "First time ever" means a flapping state (a transient timeout
 * between two live answers) never alerts twice. A check switched off or failed in `next` shows
 * nothing. Empty when nothing changed.
 */
export function changesBetween(earlier: readonly Signals[], next: Signals, brandTerms: readonly string[], favicons?: BrandFavicons | null): Change[] {
  const addrs = (x: Signals) => (x.dns ?? []).flatMap((d) => [...d.a, ...d.aaaa]);
  const mx = (x: Signals) => [...new Set((x.dns ?? []).flatMap(mailExchangers))];
  const live = (x: Signals) => (x.web ?? []).filter(isLive);
  const branded = (x: Signals) => live(x).find((w) => titleNamesBrand(w.title, brandTerms));
  const rules: { code: ChangeCode; has(x: Signals): boolean; text(): string }[] = [
    { code: 'resolving', has: (x) => (x.dns ?? []).some(resolves), text: () => `started resolving${addrs(next).length ? ` (${addrs(next).slice(0, 3).join(', ')})` : ''}` },
    { code: 'mx', has: (x) => mx(x).length > 0, text: () => `gained MX (${mx(next).slice(0, 3).join(', ')})` },
    {
      code: 'live',
      has: (x) => live(x).length > 0,
      text: () => {
        const w = live(next)[0]!;
        return `went live (status ${w.http_status}${w.title ? `, title '${w.title}'` : ''})`;
      },
    },
    { code: 'brand_title', has: (x) => branded(x) !== undefined, text: () => `page title names the brand ('${branded(next)!.title}')` },
    { code: 'brand_favicon', has: (x) => (x.web ?? []).some((w) => servesBrandFavicon(w, favicons)), text: () => `serves ${favicons!.brand}'s favicon` },
  ];
  return rules.filter((r) => r.has(next) && !earlier.some((e) => r.has(e))).map((r) => ({ code: r.code, text: r.text() }));
}

/** The favicon hashes of a hit's brand (brands[].favicons); null when it has none. Pure. */
export function brandFaviconsFrom(brands: readonly { name: string; favicons?: readonly string[] }[]): (brand: string | null) => BrandFavicons | null {
  const byName = new Map(brands.filter((b) => b.favicons?.length).map((b) => [b.name, { brand: b.name, hashes: b.favicons!.map((h) => h.toLowerCase()) }]));
  return (brand) => (brand === null ? null : (byName.get(brand) ?? null));
}

/** The words that mean "this brand" in a page title: the brand's name and keywords. Pure. */
export function brandTermsFrom(brands: readonly { name: string; keywords?: readonly (string | { word: string })[] }[]): (brand: string | null) => string[] {
  const byName = new Map(brands.map((b) => [b.name, [b.name, ...(b.keywords ?? []).map((k) => (typeof k === 'string' ? k : k.word))]]));
  return (brand) => (brand === null ? [] : (byName.get(brand) ?? [brand]));
}
