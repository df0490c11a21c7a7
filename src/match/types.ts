/**
 * Types shared by the matcher and its callers. The matcher is pure: no I/O,
 * no clocks, no globals. Names given to it are attacker-controlled.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** Orders severities so routes can say "at least medium". */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** One rule that fired on one name. Several techniques on one name merge into one Match. */
export interface Match {
  /** The name as it appeared in the certificate (lower-cased, trailing dot removed). */
  name: string;
  /** Brand display name for brand rules, else null. */
  brand: string | null;
  /** Watch item (as configured, e.g. ".example.com") for own-domain rules, else null. */
  watch: string | null;
  /** Strongest technique, e.g. "keyword", "combosquat", "typosquat:omission", "own-domain". */
  technique: string;
  /** Every technique that fired on this name for this brand/watch item, strongest first. */
  techniques: string[];
  /**
   * The configured rules that fired, strongest first: `keyword:WORD`, `label:LABEL` (the label
   * of a brand domain: typo, homograph, TLD swap, embedding), `watch:ITEM`. Bounded by the config,
   * so safe as a metric label. Always set by the matcher; optional because stored hits
   * (HitRow) predate it.
   */
  rules?: string[];
  severity: Severity;
  /** 0..100 */
  score: number;
  /** One line a human understands; several reasons joined with "; ". */
  reason: string;
}

/** A rule that fired on a name but was dropped or discounted, and why (`check --explain`). */
export interface Dropped {
  brand: string | null;
  technique: string;
  /** Rule id as in Match.rules. */
  rule: string;
  /** `dropped` (no alert from it) or `discounted` (score lowered). */
  action: 'dropped' | 'discounted';
  /** One line a human understands (certificate text escaped as in reasons). */
  why: string;
}

/** A compiled rule set. Built once per config (re)load, then immutable. */
export interface Matcher {
  /**
   * Matches one certificate name. Pure and total: never throws, whatever the input;
   * returns [] when nothing fires. At most one Match per (brand|watch item).
   */
  matchName(name: string): Match[];
  /**
   * matchName, plus every rule that fired on the name but was dropped or discounted (generic
   * keyword without corroboration, typo that is an ordinary word, infrastructure, min_score...).
   * Slower (reasons for everything); for `check --explain` and `rules noise`. Pure and total.
   */
  explainName(name: string): { matches: Match[]; dropped: Dropped[] };
}
