/**
 * Differential test on mutants: the fast name reader against @peculiar/x509 on deterministic
 * truncations, bit flips, insertions, deletions and appended bytes of every valid fixture.
 */
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/cert/full-parse.js';
import { loadCertDir } from './load-certs.js';
import { compareReaders, sameNames, tally, type Outcome } from './differential.js';
import { mutate } from './gen-certs.js';

const valid = loadCertDir('valid');

describe('fast reader vs full parse on mutated real certificates', () => {
  it('never disagrees, and when only the library fails the names are the unmutated ones', () => {
    const outcomes: Outcome[] = [];
    const problems: string[] = [];
    valid.forEach((f, i) => {
      const original = parseCertificate(f.der);
      for (const m of mutate(f.der, 1000 + i, 10)) {
        const c = compareReaders(m.der);
        outcomes.push(c.outcome);
        if (c.outcome === 'DISAGREE') problems.push(`${f.name} ${m.how}: disagree`);
        // The library rejected the mutant for a reason outside the names (e.g. a damaged
        // extension body it decodes): the fast reader may read the names, but only right.
        if (c.outcome === 'full-fail-fast-read' && !sameNames(c.fast!, original)) problems.push(`${f.name} ${m.how}: names changed`);
      }
    });
    const t = tally(outcomes);
    console.info('mutants', outcomes.length, JSON.stringify(t));
    expect(problems).toEqual([]);
    expect(outcomes.length).toBe(valid.length * 10);
    // The mutants must exercise both sides: some still parse and agree, some break.
    expect(t.agree ?? 0).toBeGreaterThan(200);
    expect(t['both-fail'] ?? 0).toBeGreaterThan(200);
  });
});

