import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registrableDomain } from '../../src/match/index.js';
import { splitDomain } from '../../src/match/psl.js';

/** checkPublicSuffix('input', 'expected') lines of the official PSL test file (comments skipped). */
function vectors(): [string | null, string | null][] {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'match', 'psl_test_vectors.txt'), 'utf8');
  const out: [string | null, string | null][] = [];
  const arg = (s: string): string | null => (s === 'null' ? null : s.slice(1, -1));
  for (const line of text.split('\n')) {
    const m = /^checkPublicSuffix\(((?:'[^']*')|null), ((?:'[^']*')|null)\);/.exec(line.trim());
    if (m) out.push([arg(m[1]), arg(m[2])]);
  }
  return out;
}

describe('registrableDomain: official PSL test vectors', () => {
  const all = vectors();
  it('reads every vector of the file', () => {
    expect(all.length).toBeGreaterThanOrEqual(70);
  });
  it.each(all)('%s -> %s', (input, expected) => {
    expect(registrableDomain(input)).toBe(expected);
  });
});

describe('private suffixes are registrable boundaries', () => {
  it.each([
    ['paypal-login.web.app', 'paypal-login.web.app', 'paypal-login', 'web.app'],
    ['x.evil.github.io', 'evil.github.io', 'evil', 'github.io'],
    ['a.worker.workers.dev', 'worker.workers.dev', 'worker', 'workers.dev'],
    ['login.paypal.com.evil.co.uk', 'evil.co.uk', 'evil', 'co.uk'],
  ])('%s', (host, registrable, label, suffix) => {
    const p = splitDomain(host);
    expect(p).toMatchObject({ registrable, label, publicSuffix: suffix });
  });
  it('an IP address has no registrable domain', () => {
    expect(splitDomain('192.0.2.1')).toMatchObject({ registrable: null, isIp: true });
  });
});
