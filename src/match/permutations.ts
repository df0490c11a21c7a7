/**
 * dnstwist-style permutations of one domain, for `ctwatch permutations DOMAIN` and for the
 * matcher's check that a distance-2 variant is made of two plausible typing or visual errors.
 * The fuzzer names and ideas follow dnstwist; the generators are written here (see
 * docs/detection.md for the counts next to dnstwist's).
 */
import { domainToASCII } from 'node:url';
import { ASCII_GLYPHS, CYRILLIC_GLYPHS, DIACRITIC_GLYPHS } from './glyphs.js';
import { keyboardNeighbours } from './keyboard.js';
import { splitDomain } from './psl.js';
import { normalizeConfiguredDomain } from './normalize.js';
import { DNSTWIST_ABUSED_TLDS, DNSTWIST_ENGLISH } from './data/lists.js';

export interface Permutation {
  fuzzer: string;
  domain: string;
}

/** Fuzzers in the order dnstwist runs them; a variant keeps the first fuzzer that made it. */
export const FUZZERS = [
  'addition', 'bitsquatting', 'cyrillic', 'homoglyph', 'hyphenation', 'insertion', 'omission', 'plural',
  'repetition', 'replacement', 'subdomain', 'transposition', 'vowel-swap', 'dictionary', 'tld-swap', 'various',
] as const;

const VOWELS = 'aeiou';
const LABEL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-';

function* addition(l: string): Iterable<string> {
  for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789') yield l + c;
}
function* bitsquatting(l: string): Iterable<string> {
  for (let i = 0; i < l.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const c = String.fromCharCode(l.charCodeAt(i) ^ (1 << bit));
      if (LABEL_CHARS.includes(c)) yield l.slice(0, i) + c + l.slice(i + 1);
    }
  }
}
function* cyrillic(l: string): Iterable<string> {
  // Every convertible letter at once, then each letter alone with each look-alike.
  let all = '';
  for (const ch of l) all += CYRILLIC_GLYPHS.get(ch)?.[0] ?? ch;
  if (all !== l) yield all;
  for (let i = 0; i < l.length; i++) for (const g of CYRILLIC_GLYPHS.get(l[i]) ?? []) yield l.slice(0, i) + g + l.slice(i + 1);
}
function* homoglyph(l: string): Iterable<string> {
  const singles: string[] = [];
  for (let i = 0; i < l.length; i++) {
    for (const g of [...(ASCII_GLYPHS[l[i]] ?? []), ...(DIACRITIC_GLYPHS.get(l[i]) ?? [])]) singles.push(l.slice(0, i) + g + l.slice(i + 1));
  }
  yield* singles;
  // Two single-character ASCII look-alikes at once ("myetherwa11et").
  const one = (c: string): string[] => (ASCII_GLYPHS[c] ?? []).filter((g) => g.length === 1);
  for (let i = 0; i < l.length; i++) {
    for (const g1 of one(l[i])) {
      for (let j = i + 1; j < l.length; j++) {
        for (const g2 of one(l[j])) yield l.slice(0, i) + g1 + l.slice(i + 1, j) + g2 + l.slice(j + 1);
      }
    }
  }
}
function* hyphenation(l: string): Iterable<string> {
  for (let i = 1; i < l.length; i++) yield l.slice(0, i) + '-' + l.slice(i);
}
function* insertion(l: string): Iterable<string> {
  for (let i = 1; i < l.length - 1; i++) {
    for (const c of keyboardNeighbours(l[i])) {
      yield l.slice(0, i) + c + l.slice(i);
      yield l.slice(0, i + 1) + c + l.slice(i + 1);
    }
  }
}
function* omission(l: string): Iterable<string> {
  for (let i = 0; i < l.length; i++) yield l.slice(0, i) + l.slice(i + 1);
}
function* plural(l: string): Iterable<string> {
  for (let i = 2; i < l.length - 2; i++) yield l.slice(0, i + 1) + ('sxz'.includes(l[i]) ? 'es' : 's') + l.slice(i + 1);
}
function* repetition(l: string): Iterable<string> {
  for (let i = 0; i < l.length; i++) yield l.slice(0, i) + l[i] + l.slice(i);
}
function* replacement(l: string): Iterable<string> {
  for (let i = 0; i < l.length; i++) for (const c of keyboardNeighbours(l[i])) yield l.slice(0, i) + c + l.slice(i + 1);
}
function* subdomain(l: string): Iterable<string> {
  for (let i = 1; i < l.length - 1; i++) if (l[i] !== '-' && l[i - 1] !== '-') yield l.slice(0, i) + '.' + l.slice(i);
}
function* transposition(l: string): Iterable<string> {
  for (let i = 0; i < l.length - 1; i++) if (l[i] !== l[i + 1]) yield l.slice(0, i) + l[i + 1] + l[i] + l.slice(i + 2);
}
function* vowelSwap(l: string): Iterable<string> {
  for (let i = 0; i < l.length; i++) {
    if (!VOWELS.includes(l[i])) continue;
    for (const v of VOWELS) if (v !== l[i]) yield l.slice(0, i) + v + l.slice(i + 1);
  }
}
function* dictionary(l: string): Iterable<string> {
  for (const w of DNSTWIST_ENGLISH) {
    yield `${l}-${w}`;
    yield `${l}${w}`;
    yield `${w}-${l}`;
    yield `${w}${l}`;
  }
}

/** Label-level generators of the single-edit fuzzers. */
const LABEL_FUZZERS: readonly [string, (l: string) => Iterable<string>][] = [
  ['addition', addition],
  ['bitsquatting', bitsquatting],
  ['cyrillic', cyrillic],
  ['homoglyph', homoglyph],
  ['hyphenation', hyphenation],
  ['insertion', insertion],
  ['omission', omission],
  ['plural', plural],
  ['repetition', repetition],
  ['replacement', replacement],
  ['subdomain', subdomain],
  ['transposition', transposition],
  ['vowel-swap', vowelSwap],
  ['dictionary', dictionary],
];

/** Plausible single typing errors of a label (no IDN, no dictionary): variant -> fuzzer. */
export function singleTypos(label: string): Map<string, string> {
  const out = new Map<string, string>();
  const gens: [string, (l: string) => Iterable<string>][] = [
    ['omission', omission],
    ['transposition', transposition],
    ['repetition', repetition],
    ['replacement', replacement],
    ['insertion', insertion],
    ['vowel-swap', vowelSwap],
    ['bitsquatting', bitsquatting],
    ['hyphenation', hyphenation],
    ['addition', addition],
    ['plural', plural],
  ];
  for (const [name, gen] of gens) for (const v of gen(label)) if (v !== label && !out.has(v)) out.set(v, name);
  for (let i = 0; i < label.length; i++) {
    for (const g of ASCII_GLYPHS[label[i]] ?? []) {
      const v = label.slice(0, i) + g + label.slice(i + 1);
      if (v !== label && !out.has(v)) out.set(v, 'homoglyph');
    }
  }
  return out;
}

/**
 * Every permutation of `domain` with the fuzzer that produced it, in A-label (punycode)
 * form, deduplicated (the first fuzzer wins), the original excluded. Returns [] for a name
 * that is not a usable domain. Deterministic; never throws.
 */
export function generatePermutations(domain: string): Permutation[] {
  const ascii = normalizeConfiguredDomain(domain);
  if (ascii === null) return [];
  const parts = splitDomain(ascii);
  if (parts.registrable === null || parts.label === '') return [];
  const sub = parts.subdomain === '' ? '' : `${parts.subdomain}.`;
  const label = parts.label;
  const suffix = parts.publicSuffix;
  const seen = new Set<string>([ascii]);
  const out: Permutation[] = [];
  const emit = (fuzzer: string, candidate: string): void => {
    let a: string;
    try {
      a = domainToASCII(candidate);
    } catch {
      return;
    }
    if (a === '' || seen.has(a)) return;
    if (!a.split('.').every((l) => l.length > 0 && l.length <= 63 && !l.startsWith('-') && !l.endsWith('-'))) return;
    seen.add(a);
    out.push({ fuzzer, domain: a });
  };
  for (const [name, gen] of LABEL_FUZZERS) for (const v of gen(label)) emit(name, `${sub}${v}.${suffix}`);
  for (const tld of DNSTWIST_ABUSED_TLDS) if (tld !== suffix) emit('tld-swap', `${sub}${label}.${tld}`);
  const last = suffix.split('.').pop() ?? suffix;
  if (suffix.includes('.')) {
    emit('various', `${sub}${label}.${last}`);
    emit('various', `${sub}${label}${suffix.replace(/\./g, '')}.${suffix}`);
  } else {
    emit('various', `${sub}${label}${suffix}.${suffix}`);
    if (suffix !== 'com') emit('various', `${sub}${label}-${suffix}.com`);
  }
  emit('various', `${sub}${label}.${suffix}.com`);
  if (parts.subdomain !== '') {
    emit('various', `${parts.subdomain.replace(/\./g, '')}${label}.${suffix}`);
    emit('various', `${parts.subdomain.replace(/\./g, '-')}-${label}.${suffix}`);
  }
  return out;
}

/** Counts per fuzzer (every fuzzer present, 0 when it made nothing new). */
export function countByFuzzer(perms: readonly Permutation[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(FUZZERS.map((f) => [f, 0]));
  for (const p of perms) counts[p.fuzzer] = (counts[p.fuzzer] ?? 0) + 1;
  return counts;
}
