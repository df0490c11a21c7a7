import { describe, it, expect } from 'vitest';
import { DeletionIndex, osaDistance } from '../../src/match/typo-index.js';
import { prng } from '../../bench/lib/prng.js';

describe('deletion-neighbourhood index', () => {
  it.each([
    ['paypal', 'paypal', 0],
    ['paypal', 'paypa', 1],
    ['paypal', 'pyapal', 1],
    ['paypal', 'paypall', 1],
    ['paypal', 'pavpal', 1],
    ['myetherwallet', 'myetherwaiiet', 2],
    ['myetherwallet', 'meyetherwalllet', 2],
    ['myetherwallet', 'myeterwalet', 2],
    ['abc', 'xyz', 3],
  ])('osaDistance(%s, %s) = %i', (a, b, d) => {
    expect(osaDistance(a, b, 5)).toBe(d);
    expect(osaDistance(b, a, 5)).toBe(d);
    expect(osaDistance(a, b, d === 0 ? 0 : d - 1)).toBe(d === 0 ? 0 : d);
  });

  const idx = new DeletionIndex([
    { key: 'paypal', maxDist: 1 },
    { key: 'myetherwallet', maxDist: 2 },
  ]);
  it.each([
    ['paypal', 0],
    ['paypa', 0],
    ['paypall', 0],
    ['pyapal', 0],
    ['paxpal', 0],
    ['myetherwaiiet', 1],
    ['meyetherwalllet', 1],
    ['myeterwalet', 1],
    ['yetherwallett', 1],
  ])('finds %s near target %i', (q, id) => {
    expect(idx.candidates(q)?.has(id)).toBe(true);
  });
  it.each(['google', 'example', 'a', '', 'x'.repeat(2000)])('finds no target for %s', (q) => {
    const c = idx.candidates(q);
    // Collisions may add candidates; none of them may verify.
    for (const id of c ?? []) expect(osaDistance(q, id === 0 ? 'paypal' : 'myetherwallet', id === 0 ? 1 : 2)).toBeGreaterThan(id === 0 ? 1 : 2);
  });

  it('finds every key within its distance among 3,000 random keys (random edits), and skips distance 0', () => {
    const rand = prng(7);
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789-';
    const pick = () => letters[Math.floor(rand() * letters.length)]!;
    const keys = Array.from({ length: 3000 }, (_, i) => ({ key: Array.from({ length: 4 + Math.floor(rand() * 14) }, pick).join(''), maxDist: i % 3 }));
    const many = new DeletionIndex(keys);
    const edit = (s: string): string => {
      const i = Math.floor(rand() * s.length);
      switch (Math.floor(rand() * 4)) {
        case 0: return s.slice(0, i) + pick() + s.slice(i + 1); // substitution
        case 1: return s.slice(0, i) + pick() + s.slice(i); // insertion
        case 2: return s.slice(0, i) + s.slice(i + 1); // omission
        default: return i + 1 < s.length ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s; // swap
      }
    };
    let checked = 0;
    keys.forEach(({ key, maxDist }, id) => {
      let q = key;
      for (let d = 0; d < Math.max(1, maxDist); d++) q = edit(q);
      const within = osaDistance(q, key, maxDist) <= maxDist;
      const found = many.candidates(q)?.has(id) ?? false;
      if (maxDist === 0) expect(found).toBe(false);
      else if (within && q.length > 0) {
        expect(found, `${q} near ${key}`).toBe(true);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(1500);
  });
});

import { withinOneEdit } from '../../src/match/classify.js';
describe('withinOneEdit', () => {
  it.each([
    ['paypal', 'paypal', true],
    ['paypal', 'paypa', true],
    ['paypal', 'aypal', true],
    ['paypal', 'paypall', true],
    ['paypal', 'pyapal', true],
    ['paypal', 'paxpal', true],
    ['paypal', 'pxypxl', false],
    ['paypal', 'papyla', false],
    ['paypal', 'paypalxx', false],
    ['paypal', 'pypl', false],
    ['ab', 'ba', true],
    ['abc', 'bca', false],
  ])('%s / %s -> %s', (a, b, r) => {
    expect(withinOneEdit(a, b)).toBe(r);
    expect(withinOneEdit(b, a)).toBe(r);
  });
});
