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
  const reasons: string[] = [];
  for (const s of sorted) {
    if (!techniques.includes(s.technique)) techniques.push(s.technique);
    if (!reasons.includes(s.reason)) reasons.push(s.reason);
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
    severity: severityFor(score),
    score,
    reason: reasons.join('; '),
  };
}
