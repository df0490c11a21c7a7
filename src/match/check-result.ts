/**
 * The documented JSON result of matching one name: one line of `ctwatch check --json`, and the
 * answer of the dashboard's POST /api/v1/check. Pure.
 */
import type { Dropped, Match, Matcher } from './types.js';

/** The documented JSON shape of one match, with the rules that fired. */
export function publicMatch(m: Match) {
  return { brand: m.brand, watch: m.watch, technique: m.technique, techniques: m.techniques, rules: m.rules ?? [], severity: m.severity, score: m.score, reason: m.reason };
}

/** The JSON shape of one dropped or discounted rule (`check --json --explain`). */
export function publicDropped(d: Dropped) {
  return { brand: d.brand, technique: d.technique, rule: d.rule, action: d.action, why: d.why };
}

export type PublicMatch = ReturnType<typeof publicMatch>;

/** Runs the matcher on one name. Never throws (the matcher is total). */
export function checkName(matcher: Matcher, name: string): { name: string; matches: PublicMatch[] } {
  return { name, matches: matcher.matchName(name).map(publicMatch) };
}
