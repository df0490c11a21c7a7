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

  // Dense rows up to depth 0 (every step sparse), 1, 2 and the default: the same answers.
  it.each([0, 1, 2, undefined])('agrees with a naive search on 300 random pattern sets and texts (dense depth %s)', (denseDepth) => {
    for (let round = 0; round < 300; round++) {
      const alphabet = round % 2 ? 'ab' : 'abc-.';
      const patterns = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => word(alphabet.replace(/[.]/g, ''), 1, 7));
      const text = word(alphabet, 0, 60);
      expect(scan(new AhoCorasick(patterns, denseDepth), text)).toEqual(naive(patterns, text));
    }
  });

  it('agrees with a naive search on many long patterns over the whole alphabet', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_';
    const base = Array.from({ length: 60 }, () => word('abcde', 3, 12));
    // Patterns that share prefixes and suffixes with each other, as brand keywords do.
    const patterns = base.flatMap((w) => [w, w.slice(1), `${w}x`, w.slice(0, -1)]).concat(Array.from({ length: 40 }, () => word(alphabet, 4, 16)));
    for (let round = 0; round < 40; round++) {
      const text = Array.from({ length: 8 }, () => (rand() < 0.5 ? base[Math.floor(rand() * base.length)]! : word('abcde.', 1, 10))).join('');
      expect(scan(new AhoCorasick(patterns), text)).toEqual(naive(patterns, text));
    }
  });

  it('holds far fewer bytes than a full transition table for thousands of keywords', () => {
    const patterns = Array.from({ length: 5000 }, () => word('abcdefghijklmnopqrstuvwxyz', 6, 14));
    const ac = new AhoCorasick(patterns);
    expect(ac.byteSize()).toBeLessThan((ac.states * 39 * 4) / 4);
  });

  it('with no patterns finds nothing (a config without brands)', () => {
    expect(scan(new AhoCorasick([]), 'paypal.com')).toEqual([]);
  });

  it('rejects patterns outside the alphabet', () => {
    expect(() => new AhoCorasick(['ok', 'not ok'])).toThrow(TypeError);
    expect(() => new AhoCorasick([''])).toThrow(TypeError);
  });
});
