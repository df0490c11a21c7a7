import { describe, it, expect } from 'vitest';
import { DeletionIndex, hashSkip, osaDistance } from '../../src/match/typo-index.js';

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

  it('hashes a string with characters skipped like the string without them', () => {
    const s = 'myetherwallet';
    for (let i = 0; i < s.length; i++) {
      expect(hashSkip(s, i)).toBe(hashSkip(s.slice(0, i) + s.slice(i + 1)));
      for (let j = i + 1; j < s.length; j++) expect(hashSkip(s, i, j)).toBe(hashSkip(s.slice(0, i) + s.slice(i + 1, j) + s.slice(j + 1)));
    }
  });

  const idx = new DeletionIndex(16);
  idx.add(0, 'paypal', 1);
  idx.add(1, 'myetherwallet', 2);
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
