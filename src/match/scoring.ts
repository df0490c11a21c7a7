/**
 * Scores, severities and the merging of several techniques on one name into one Match.
 */
import type { Match, Severity } from './types.js';

/** One technique that fired for one brand on one name. */
export interface Signal {
  technique: string;
  /** Base score of the technique before modifiers, 0..100. */
  score: number;
  reason: string;
  /** The configured rule that fired: `keyword:WORD`, `label:LABEL` (a brand domain's label), `watch:ITEM`. */
  rule: string;
  /**
   * Set when this signal alone must not alert (a generic keyword or label without
   * corroboration): why. The engine keeps it only when something else corroborates the name.
   */
  weak?: string;
}

/** Severity for a final score: >= 85 critical, >= 65 high, >= 40 medium, else low. */
export function severityFor(score: number): Severity {
  if (score >= 85) return 'critical';
  if (score >= 65) return 'high';
  if (score >= 40) return 'medium';
  return 'low';
}

/** One score modifier that applies to the whole name (suspicious TLD, hosting platform, ...). */
export interface Modifier {
  points: number;
  reason: string;
}

/**
 * Merges the signals of one brand on one name into one Match: technique = strongest signal,
 * techniques = every distinct technique strongest first, score = strongest + 5 per extra
 * technique + modifiers (capped at 100), reason = every reason joined with "; ".
 * `signals` must be non-empty.
 */
export function mergeSignals(
  name: string,
  brand: string | null,
  watch: string | null,
  signals: Signal[],
  modifiers: readonly Modifier[],
): Match {
  const sorted = [...signals].sort((a, b) => b.score - a.score);
  const techniques: string[] = [];
  const rules: string[] = [];
  const reasons: string[] = [];
  // Each signal's reason starts with the name ("pаypal.com: ..."): say the name once, first.
  const lead = sorted[0].reason.indexOf(': ');
  const prefix = lead > 0 ? sorted[0].reason.slice(0, lead + 2) : null;
  for (const s of sorted) {
    if (!techniques.includes(s.technique)) techniques.push(s.technique);
    if (!rules.includes(s.rule)) rules.push(s.rule);
    const r = reasons.length > 0 && prefix !== null && s.reason.startsWith(prefix) ? s.reason.slice(prefix.length) : s.reason;
    if (!reasons.includes(r)) reasons.push(r);
  }
  let score = sorted[0].score + 5 * (techniques.length - 1);
  for (const m of modifiers) {
    score += m.points;
    reasons.push(m.reason);
  }
  score = Math.max(0, Math.min(100, Math.round(score)));
  return {
    name,
    brand,
    watch,
    technique: techniques[0],
    techniques,
    rules,
    severity: severityFor(score),
    score,
    reason: reasons.join('; '),
  };
}

/**
 * Most characters of an issuer DN that are examined (and stored, see pipeline/processor.ts).
 * Real CA names are under 300 characters; the DN is attacker-influenced (a certificate logged
 * with a 1 MiB issuer is accepted by CT logs), so everything that reads it reads a bounded prefix.
 */
export const MAX_ISSUER_CHARS = 1000;

/** The issuer DN as examined and stored: at most MAX_ISSUER_CHARS characters. */
export function boundIssuer(issuer: string): string;
export function boundIssuer(issuer: string | null | undefined): string | null;
export function boundIssuer(issuer: string | null | undefined): string | null {
  if (typeof issuer !== 'string') return null;
  return issuer.length > MAX_ISSUER_CHARS ? issuer.slice(0, MAX_ISSUER_CHARS) : issuer;
}

/** Index of the first whole word `word` at or after `from` in lower-case `s`, or -1. Linear. */
function wordAt(s: string, word: string, from: number): number {
  const isWordChar = (c: string | undefined) => c !== undefined && /[a-z0-9_]/.test(c);
  for (let i = s.indexOf(word, from); i >= 0; i = s.indexOf(word, i + 1)) {
    if (!isWordChar(s[i - 1]) && !isWordChar(s[i + word.length])) return i;
  }
  return -1;
}

/** `a` followed (anywhere later) by one of `then`, in lower-case `s`. Linear: no backtracking. */
function followedBy(s: string, a: string, test: (rest: string, from: number) => boolean): boolean {
  const i = s.indexOf(a);
  return i >= 0 && test(s, i + a.length);
}

/**
 * Issuers of free, automated domain-validated certificates, tested on the lower-cased, bounded
 * issuer DN. Plain substring and word look-ups only: a backtracking pattern such as
 * `/buypass.*\bgo\b/` is quadratic on a long hostile DN (5.5 s on 280 KB).
 */
const FREE_DV_ISSUERS: readonly [(dn: string) => boolean, string][] = [
  [(dn) => dn.includes("let's encrypt") || dn.includes('lets encrypt'), "Let's Encrypt"],
  [(dn) => dn.includes('zerossl'), 'ZeroSSL'],
  [(dn) => followedBy(dn, 'buypass', (s, from) => wordAt(s, 'go', from) >= 0), 'Buypass Go'],
  [(dn) => dn.includes('google trust services'), 'Google Trust Services'],
  [(dn) => followedBy(dn, 'ssl.com', (s, from) => s.indexOf('free', from) >= 0 || s.indexOf('dv', from) >= 0), 'SSL.com DV'],
  [(dn) => dn.includes('cpanel'), 'cPanel AutoSSL'],
];

/**
 * Applies the free-DV-issuance modifier, known only after the certificate parse: a brand
 * match on a certificate from a free automated CA gets +5 and a reason. Own-domain matches
 * and unknown issuers are returned unchanged. Reads at most MAX_ISSUER_CHARS characters of the
 * issuer, in linear time. Pure: returns a new Match, never throws.
 */
export function withIssuer(match: Match, issuer: string | null | undefined): Match {
  if (match.brand === null || typeof issuer !== 'string') return match;
  const dn = boundIssuer(issuer).toLowerCase();
  const hit = FREE_DV_ISSUERS.find(([test]) => test(dn));
  if (hit === undefined) return match;
  const score = Math.min(100, match.score + 5);
  return { ...match, score, severity: severityFor(score), reason: `${match.reason}; free DV certificate (${hit[1]})` };
}
