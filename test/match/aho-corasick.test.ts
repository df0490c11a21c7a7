/** The automaton finds exactly the occurrences a naive search finds. */
import { describe, expect, it } from 'vitest';
import { AhoCorasick } from '../../src/match/aho-corasick.js';
import { prng } from '../../bench/lib/prng.js';

function naive(patterns: string[], text: string): string[] {
  const out: string[] = [];
  // Characters outside the alphabet split the text: no pattern crosses them.
  const ok = (ch: string) => /[a-z0-9_-]/.test(ch);
  for (let end = 1; end <= text.length; end++) {
    patterns.forEach((p, id) => {
      const start = end - p.length;
      if (start < 0 || text.slice(start, end) !== p) return;
      for (let i = start; i < end; i++) if (!ok(text[i]!)) return;
      out.push(`${id}@${start}-${end}`);
    });
  }
  return out.sort();
}

function scan(ac: AhoCorasick, text: string): string[] {
  const out: string[] = [];
  ac.scan(text, (id, s, e) => out.push(`${id}@${s}-${e}`));
  return out.sort();
}

const rand = prng(99);
const word = (alphabet: string, min: number, max: number) => {
  const n = min + Math.floor(rand() * (max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
};

describe('AhoCorasick', () => {
  it.each([
    [['paypal', 'pal', 'a', 'ypa'], 'xpaypalx-paypal.com'],
    [['he', 'she', 'his', 'hers'], 'ushers'],
    [['aa', 'aaa'], 'aaaa'],
    [['ab', 'ab'], 'abab'],
    [['a-b', 'b_c'], 'a-b_c'],
    [['abc'], 'ab.c abc'],
  ])('%j in %s', (patterns, text) => {
    expect(scan(new AhoCorasick(patterns), text)).toEqual(naive(patterns, text));
  });

  it('agrees with a naive search on 300 random pattern sets and texts', () => {
    for (let round = 0; round < 300; round++) {
      const alphabet = round % 2 ? 'ab' : 'abc-.';
      const patterns = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => word(alphabet.replace(/[.]/g, ''), 1, 5));
      const text = word(alphabet, 0, 40);
      expect(scan(new AhoCorasick(patterns), text)).toEqual(naive(patterns, text));
    }
  });

  it('rejects patterns outside the alphabet', () => {
    expect(() => new AhoCorasick(['ok', 'not ok'])).toThrow(TypeError);
    expect(() => new AhoCorasick([''])).toThrow(TypeError);
  });
});
