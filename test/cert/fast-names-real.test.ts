/**
 * Differential test, real data: the fast name reader against @peculiar/x509 (parseCertificate)
 * on every certificate fixture (valid and malformed, PEM and DER). The 1,024 Navigli
 * precertificates and the mutants have their own files (so the two test workers share them).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readCertNames, strictBase64Decode } from '../../src/cert/fast-names.js';
import { loadCertDir } from './load-certs.js';
import { compareReaders, tally } from './differential.js';

const valid = loadCertDir('valid');
const malformed = loadCertDir('malformed');

describe('fast reader vs full parse on the certificate fixtures', () => {
  it.each(valid.map((f) => [f.name, f] as const))('valid %s: read by both, identically', (_n, f) => {
    const c = compareReaders(f.der);
    expect(c.outcome).toBe('agree');
  });

  it.each(malformed.map((f) => [f.name, f] as const))('malformed %s: null or identical, never a guess', (_n, f) => {
    const c = compareReaders(f.der);
    // Where the library cannot parse a real file, the fast reader must not claim it can.
    expect(['agree', 'fast-null', 'both-fail']).toContain(c.outcome);
  });

  it('also gives up on the raw bytes of PEM files (text is not DER)', () => {
    for (const f of [...valid, ...malformed].filter((x) => x.format === 'pem')) {
      expect(readCertNames(new Uint8Array(readFileSync(f.path)))).toBeNull();
    }
  });

  it('reads nearly all malformed-set certificates the library reads', () => {
    const t = tally(malformed.map((f) => compareReaders(f.der).outcome));
    expect(t.DISAGREE ?? 0).toBe(0);
    expect(t.agree ?? 0).toBeGreaterThanOrEqual(80);
  });
});

describe('strictBase64Decode', () => {
  it.each([
    ['', []],
    ['AA==', [0]],
    ['AAE=', [0, 1]],
    ['/+8=', [0xff, 0xef]],
    ['MIIB', [0x30, 0x82, 0x01]],
  ])('%j decodes', (s, bytes) => {
    expect(Array.from(strictBase64Decode(s)!)).toEqual(bytes);
  });

  it.each([
    ['A'],
    ['AA='],
    ['AA=A'],
    ['A===' ],
    ['AA\nAA=='],
    ['AA AA='],
    ['_-8='], // base64url
    ['AA*A'],
    ['::BASE64_DER_CERT::'],
    ['MIIB\u00e9AAA'],
    ['AAAA=AA='],
    ['AA=='.padStart(8, '=')],
    ['AAAAAAA\u0000'],
  ])('%j is rejected', (s) => {
    expect(strictBase64Decode(s)).toBeNull();
  });

  it('accepts exactly what a strict regular expression accepts, on fuzzed strings', () => {
    const strict = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n*.\u00e9';
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const len = rand(13);
      let s = '';
      // Mostly valid characters, so that both answers occur often.
      for (let j = 0; j < len; j++) s += rand(10) < 8 ? alphabet[rand(64)] : alphabet[rand(alphabet.length)];
      if (rand(3) === 0) s = s.slice(0, s.length - (s.length % 4));
      const got = strictBase64Decode(s);
      expect(got !== null, JSON.stringify(s)).toBe(strict.test(s));
      if (got) {
        accepted++;
        expect(Buffer.from(got).toString('base64')).toBe(s.length === 0 ? '' : Buffer.from(s, 'base64').toString('base64'));
      }
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});
