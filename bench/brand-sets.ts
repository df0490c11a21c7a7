/**
 * Deterministic synthetic brand sets for benchmarks: pronounceable labels of 5 to 14
 * letters (syllables from a seeded PRNG), one to three domains under common suffixes, a
 * keyword (the label) for about half of them, so that a 10,000-brand set exercises the
 * keyword automaton and the deletion index the way a large real deployment would.
 */
import { brandSchema, type BrandConfig } from '../src/match/config-schema.js';

import { prng } from './lib/prng.js';

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'cr', 'tr', 'st', 'pl', 'gr', 'sh', 'ch', 'qu', ''];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'y', 'ea', 'io', 'ou', 'ai'];
const CODAS = ['', '', '', 'n', 'r', 's', 'x', 'l', 'm', 'nk', 'st', 'ck'];
const SUFFIXES = ['com', 'com', 'com', 'net', 'org', 'io', 'co', 'de', 'co.uk', 'fr', 'app', 'finance', 'bank', 'eu', 'com.au'];

/** `count` brands, the same for the same count and seed. */
export function syntheticBrands(count: number, seed = 42): BrandConfig[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const seen = new Set<string>();
  const brands: BrandConfig[] = [];
  while (brands.length < count) {
    const target = 5 + Math.floor(rnd() * 10);
    let label = '';
    while (label.length < target) label += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
    label = label.slice(0, 14);
    if (label.length < 5 || seen.has(label)) continue;
    seen.add(label);
    const domains = [`${label}.${pick(SUFFIXES)}`];
    if (rnd() < 0.3) domains.push(`${label}.${pick(SUFFIXES)}`);
    if (rnd() < 0.1) domains.push(`${label}-online.com`);
    const name = label[0].toUpperCase() + label.slice(1);
    brands.push(brandSchema.parse({ name, domains: [...new Set(domains)], keywords: rnd() < 0.5 ? [label] : [] }));
  }
  return brands;
}
