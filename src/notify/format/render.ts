/**
 * Builds a neutral, medium-independent summary of one AlertMessage for human channels.
 * Every string in the result is already safe text: controls escaped, certificate-derived
 * content defanged, lengths bounded. Providers only add their medium's escaping and layout.
 * Pure: no I/O, no clock.
 */
import type { Severity } from '../../match/types.js';
import { SEVERITIES, severityRank } from '../../match/types.js';
import type { AlertMessage, HitAlert } from '../types.js';
import { enrichmentLines } from './enrichment-lines.js';
import { configText, displayName, displayText } from './sanitize.js';

export interface RenderedHit {
  /** Defanged, control-escaped, bounded. */
  name: string;
  /** Brand or watch item the hit belongs to (config text), or null. */
  target: string | null;
  technique: string;
  severity: Severity;
  score: number;
  reason: string;
  issuer: string | null;
  notBefore: string | null;
  sha256: string | null;
  precert: boolean;
  /** How many other names the certificate carries. */
  otherNames: number;
  /** One safe line each for registration, DNS and web when the hit was enriched (else empty). */
  enrichment: string[];
}

export interface RenderedFact {
  label: string;
  value: string;
}

export interface RenderedAlert {
  kind: AlertMessage['kind'];
  test: boolean;
  severity: Severity;
  /** One line, e.g. "TEST HIGH PayPal: 3 look-alike certificates". No newline. */
  title: string;
  /** Hits listed in full: at most maxHits, strongest first. Empty for health. */
  hits: RenderedHit[];
  /** Hits counted but not listed. */
  omitted: number;
  /** Label/value pairs (health details, digest counts). */
  facts: RenderedFact[];
  /** Free lines after the facts (health summary, digest feed health). */
  notes: string[];
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function maxSeverity(list: Severity[]): Severity {
  let best: Severity = 'low';
  for (const s of list) if (severityRank(s) > severityRank(best)) best = s;
  return best;
}

function renderHit(h: HitAlert): RenderedHit {
  const target = h.brand ?? h.watch;
  return {
    name: displayName(h.name),
    target: target === null ? null : configText(target),
    technique: configText(h.technique, 60),
    severity: h.severity,
    score: h.score,
    // The enrichment's severity reasons follow the match's own ("registered 2 days ago at ...").
    reason: displayText([h.reason, ...(h.enrichment?.reasons ?? [])].join('; '), 500),
    issuer: h.cert.issuer === null ? null : displayText(h.cert.issuer, 200),
    notBefore: h.cert.not_before === null ? null : configText(h.cert.not_before, 40),
    sha256: h.cert.sha256 === null ? null : configText(h.cert.sha256, 64),
    precert: h.cert.precert,
    otherNames: Math.max(0, h.names.length - 1),
    enrichment: h.enrichment ? enrichmentLines(h.enrichment) : [],
  };
}

/** The group label of a hits message: the common brand, else the common watch item, else null. */
function groupLabel(hits: HitAlert[]): { label: string | null; brand: boolean } {
  const brands = new Set(hits.map((h) => h.brand));
  if (brands.size === 1 && hits[0]?.brand) return { label: configText(hits[0].brand), brand: true };
  const watches = new Set(hits.map((h) => h.watch));
  if (watches.size === 1 && hits[0]?.watch) return { label: configText(hits[0].watch), brand: false };
  return { label: null, brand: false };
}

function countFacts(label: string, counts: Record<string, number>, limit = 10): RenderedFact | null {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return null;
  const shown = entries.slice(0, limit).map(([k, v]) => `${configText(k, 60)} ${v}`);
  if (entries.length > limit) shown.push(`+${entries.length - limit} more`);
  return { label, value: shown.join(', ') };
}

/** Severity counts, strongest severity first (not by count: "critical 1" must lead). */
function severityFact(counts: Record<string, number>): RenderedFact | null {
  const shown = [...SEVERITIES].reverse().filter((s) => (counts[s] ?? 0) > 0).map((s) => `${s} ${counts[s]}`);
  return shown.length ? { label: 'by severity', value: shown.join(', ') } : null;
}

/**
 * Renders `message` for a human channel, listing at most `maxHits` hits (or digest names).
 * Returns a RenderedAlert whose strings are safe text. Never throws on any content.
 */
export function renderAlert(message: AlertMessage, maxHits: number): RenderedAlert {
  const limit = Math.max(1, Math.floor(maxHits));
  if (message.kind === 'hits') {
    const test = message.test === true;
    const sorted = [...message.hits].sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.score - a.score,
    );
    const severity = maxSeverity(message.hits.map((h) => h.severity));
    const { label, brand } = groupLabel(message.hits);
    const n = message.hits.length;
    const what = brand
      ? plural(n, 'look-alike certificate')
      : label !== null
        ? `${plural(n, 'certificate')} issued`
        : plural(n, 'suspicious certificate');
    const title = `${test ? 'TEST ' : ''}${SEVERITY_LABEL[severity]} ${label !== null ? `${label}: ` : ''}${what}`;
    return {
      kind: 'hits',
      test,
      severity,
      title,
      hits: sorted.slice(0, limit).map(renderHit),
      omitted: Math.max(0, n - limit),
      facts: [],
      notes: test ? ['This is a test alert sent by `ctwatch notify test`; no certificate was found.'] : [],
    };
  }
  if (message.kind === 'update') {
    const u = message.update;
    const target = u.hit.brand ?? u.hit.watch;
    return {
      kind: 'update',
      test: false,
      severity: u.hit.severity,
      title: `${SEVERITY_LABEL[u.hit.severity]} ${target !== null ? `${configText(target)}: ` : ''}update on a look-alike`,
      hits: [renderHit(u.hit)],
      omitted: 0,
      facts: [],
      notes: u.changes.slice(0, 10).map((c) => displayText(c.text, 300)),
    };
  }
  if (message.kind === 'health') {
    const h = message.health;
    const facts = Object.entries(h.details)
      .slice(0, 20)
      .map(([k, v]) => ({ label: configText(k, 60), value: displayText(String(v), 200) }));
    return {
      kind: 'health',
      test: false,
      severity: h.severity,
      title: `${SEVERITY_LABEL[h.severity]} ctwatch health: ${configText(h.event, 60)}`,
      hits: [],
      omitted: 0,
      facts: [{ label: 'at', value: configText(h.at, 40) }, ...facts],
      notes: [displayText(h.summary, 500)],
    };
  }
  const d = message.digest;
  const names = [...d.highNames].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const hits: RenderedHit[] = names.slice(0, limit).map((x) => ({
    name: displayName(x.name),
    target: x.brand !== null ? configText(x.brand) : x.watch !== null ? configText(x.watch) : null,
    technique: '',
    severity: x.severity,
    score: 0,
    reason: '',
    issuer: null,
    notBefore: null,
    sha256: null,
    precert: false,
    otherNames: 0,
    enrichment: [],
  }));
  const facts = [
    { label: 'period', value: `${configText(d.from, 40)} to ${configText(d.to, 40)}` },
    { label: 'hits', value: String(d.total) },
    severityFact(d.bySeverity),
    countFacts('by brand', d.byBrand),
    countFacts('by technique', d.byTechnique),
  ].filter((f): f is RenderedFact => f !== null);
  const hh = d.health;
  return {
    kind: 'digest',
    test: false,
    severity: maxSeverity(names.map((x) => x.severity)),
    title: `ctwatch digest: ${plural(d.total, 'hit')}`,
    hits,
    omitted: Math.max(0, names.length - limit),
    facts,
    notes: [
      `Feed health: uptime ${Math.round(hh.uptimeSeconds / 36) / 100} h, ${plural(hh.reconnects, 'reconnect')}, ${plural(hh.gaps, 'gap')}, ${hh.dropped} dropped`,
      ...(d.ruleFirings ?? []).slice(0, 10).map(ruleFiringLine),
    ],
  };
}

/** "keyword `trust` (Trust Wallet) fired on 4,210 names, 0 acknowledged": rule and brand come from the config. */
export function ruleFiringLine(r: { brand: string; rule: string; fired: number; acknowledged: number }): string {
  const colon = r.rule.indexOf(':');
  const kind = colon > 0 ? r.rule.slice(0, colon) : 'rule';
  const what = colon > 0 ? r.rule.slice(colon + 1) : r.rule;
  return `${configText(kind, 20)} \`${configText(what, 60)}\` (${configText(r.brand, 60)}) fired on ${r.fired.toLocaleString('en-US')} names, ${r.acknowledged.toLocaleString('en-US')} acknowledged`;
}

/** One plain-text line describing a rendered hit (used by text bodies and fallbacks). */
export function hitLine(h: RenderedHit): string {
  const parts = [`${SEVERITY_LABEL[h.severity]} ${h.name}`];
  if (h.target !== null) parts.push(h.target);
  if (h.technique) parts.push(h.technique);
  if (h.score) parts.push(`score ${h.score}`);
  if (h.otherNames > 0) parts.push(`+${h.otherNames} other names`);
  return parts.join(' | ');
}
