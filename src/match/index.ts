/**
 * Public entry point of the match stage.
 *
 * compileMatcher(rules) builds an immutable Matcher from the parsed rule sections;
 * matcher.matchName(name) is pure and total and returns at most one Match per brand and
 * per watch item, merging every technique that fired into one Match.
 */
import type { Dropped, Match, Matcher } from './types.js';
import { detectionSchema, type RulesConfig } from './config-schema.js';
import { normalizeName } from './normalize.js';
import { OwnDomainMatcher } from './own-domain.js';
import { BrandTable } from './brands.js';
import { BrandEngine, type DropRecord } from './engine.js';
import { mergeSignals, type Modifier } from './scoring.js';
import { RulesInvalidError } from './errors.js';

export { normalizeName, type NormalizedName } from './normalize.js';
export { registrableDomain } from './psl.js';
export { RulesInvalidError } from './errors.js';
export { generatePermutations, countByFuzzer, FUZZERS, type Permutation } from './permutations.js';
export type { Dropped, Match, Matcher, Severity } from './types.js';
export { withIssuer, boundIssuer, MAX_ISSUER_CHARS } from './scoring.js';

/**
 * Compiles the rule sections into a Matcher. Throws RulesInvalidError (code 'RULES_INVALID',
 * message naming the item, e.g. `brands[2].domains[0]: "x y" is not a domain`) when an item
 * cannot be used. Deterministic: the same rules give a matcher with the same answers.
 */
export function compileMatcher(rules: RulesConfig): Matcher {
  // Tolerate hand-built rule objects: defaults of the detection section are applied here too.
  const parsed = detectionSchema.safeParse(rules.detection ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RulesInvalidError(`detection${issue?.path.map((p) => `.${String(p)}`).join('') ?? ''}`, issue?.message ?? 'invalid', parsed.error);
  }
  const detection = parsed.data;
  const own = new OwnDomainMatcher(rules.watch ?? []);
  const table = new BrandTable(rules.brands ?? [], rules.allow ?? [], detection);
  const engine = new BrandEngine(table, detection);
  const noModifiers: Modifier[] = [];

  /** Matches one name; with `drops`, records every rule dropped or discounted on the way. */
  function match(raw: string, drops: DropRecord[] | null): Match[] {
    const n = normalizeName(raw);
    if (n.host === '') return [];
    const matches: Match[] = [];
    const host = n.idnaValid ? n.ascii : n.host;
    for (const hit of own.match(host, n.wildcard)) {
      matches.push(mergeSignals(n.name, null, hit.watch, [{ technique: 'own-domain', score: 50, reason: hit.reason, rule: `watch:${hit.watch}` }], noModifiers));
    }
    if (table.brands.length > 0 && !table.isExempt(host, n.idnaValid ? n.parts.registrable : null)) {
      const signals = drops === null ? engine.run(n) : engine.explain(n, drops);
      const mods = signals.size > 0 ? engine.modifiers(n) : noModifiers;
      for (const [bi, list] of signals) {
        const m = mergeSignals(n.name, table.brands[bi].name, null, list, mods);
        if (m.score >= detection.min_score) matches.push(m);
        else if (drops !== null) {
          for (const sg of list) drops.push({ brand: bi, technique: sg.technique, rule: sg.rule, action: 'dropped', why: `score ${m.score} is below detection.min_score ${detection.min_score}` });
        }
      }
    }
    return matches;
  }

  return {
    matchName(name: string): Match[] {
      try {
        return match(name, null);
      } catch {
        // Total by contract: a bug on one hostile name must not stop the stream.
        return [];
      }
    },
    explainName(name: string): { matches: Match[]; dropped: Dropped[] } {
      const drops: DropRecord[] = [];
      try {
        const matches = match(name, drops);
        return { matches, dropped: drops.map((d) => ({ ...d, brand: table.brands[d.brand]?.name ?? null })) };
      } catch {
        return { matches: [], dropped: [] };
      }
    },
  };
}
