/**
 * The documented JSON result of matching one name: one line of `ctwatch check --json`, and the
 * answer of the dashboard's POST /api/v1/check. Pure.
 */
import type { Dropped, Match, Matcher } from './types.js';
import { normalizeConfiguredDomain } from './normalize.js';

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

/** A name to check, or why the input is not one. */
export type CheckInput = { ok: true; name: string } | { ok: false; error: string };

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
/** A plain ASCII hostname (the common case), checked without IDNA work: LDH labels of 1..63. */
const PLAIN_HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;

/**
 * What `check` and the dashboard's "test a name" match for one input: surrounding whitespace removed (it would change the score),
 * a URL replaced by its host, and anything that is not a hostname (optionally "*."-prefixed, in
 * Unicode or A-label form) refused with a reason. The accepted name keeps its Unicode form, so
 * homographs are matched as a certificate would carry them. Pure; never throws.
 */
export function checkInput(raw: string): CheckInput {
  let name = raw.trim();
  if (URL_LIKE.test(name)) {
    let host = '';
    try {
      host = new URL(name).hostname;
    } catch {
      // reported below
    }
    if (!host) return { ok: false, error: 'not a hostname (a URL without a host)' };
    name = host;
  }
  const bare = name.startsWith('*.') ? name.slice(2) : name;
  if (bare === '') return { ok: false, error: 'empty name' };
  if (bare.length <= 253 && PLAIN_HOST.test(bare)) return { ok: true, name };
  if (/[\s/\\?#@:]/u.test(bare) || normalizeConfiguredDomain(bare) === null) {
    return { ok: false, error: 'not a hostname (give a name like paypal-login.com, or a URL)' };
  }
  return { ok: true, name };
}
