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
  severity: Severity;
  /** 0..100 */
  score: number;
  /** One line a human understands; several reasons joined with "; ". */
  reason: string;
}

/** A compiled rule set. Built once per config (re)load, then immutable. */
export interface Matcher {
  /**
   * Matches one certificate name. Pure and total: never throws, whatever the input;
   * returns [] when nothing fires. At most one Match per (brand|watch item).
   */
  matchName(name: string): Match[];
}
