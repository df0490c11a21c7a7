/**
 * Differential test, generated data: the fast name reader against @peculiar/x509 on 2,000
 * deterministic certificates built by gen-certs.ts (random SAN counts, wildcard, IDN, latin1,
 * NUL, empty and overlong names, IP/email/URI/DN SAN entries, every CN string type, precert
 * poison, SCT lists, duplicate SAN extensions).
 */
import { describe, expect, it } from 'vitest';
import { compareReaders, tally, type Outcome } from './differential.js';
import { generateCerts } from './gen-certs.js';

const EXPECT_GIVE_UP = /risky-gn|dup-san|odd-cn/;

describe('fast reader vs full parse on generated certificates', () => {
  const certs = generateCerts(2000);

  it('never disagrees, and reads every certificate without a known give-up feature', () => {
    const outcomes: Outcome[] = [];
    const problems: string[] = [];
    for (const g of certs) {
      const c = compareReaders(g.der);
      outcomes.push(c.outcome);
      if (c.outcome === 'DISAGREE') problems.push(`#${g.id} (${g.note}): ${JSON.stringify(c.fast)} vs ${JSON.stringify(c.full?.dnsNames)}`);
      if (c.outcome === 'full-fail-fast-read') problems.push(`#${g.id} (${g.note}): library failed, fast reader did not`);
      if (!EXPECT_GIVE_UP.test(g.note) && c.outcome !== 'agree') problems.push(`#${g.id} (${g.note}): ${c.outcome} ${String(c.error)}`);
    }
    const t = tally(outcomes);
    console.info('generated', outcomes.length, JSON.stringify(t));
    expect(problems).toEqual([]);
    expect(t.agree ?? 0).toBeGreaterThan(1500);
  });

  it('covers precertificates, wildcards, multi-CN and large SAN lists', () => {
    const notes = certs.map((c) => c.note);
    expect(notes.filter((n) => n.includes('precert')).length).toBeGreaterThan(500);
    expect(notes.filter((n) => /san=(\d{3})/.test(n)).length).toBeGreaterThan(10);
    expect(notes.filter((n) => /cn=[23]/.test(n)).length).toBeGreaterThan(50);
  });
});
