/**
 * Look-alike characters used to generate (`ctwatch permutations`) and to name
 * (`typosquat:homoglyph`, `typosquat:cyrillic`) visual substitutions.
 */
import { CONFUSABLES_DATA } from './data/confusables.js';

/** ASCII look-alikes: each character and what it can pass for. */
export const ASCII_GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['o'],
  '1': ['l', 'i'],
  '3': ['e'],
  '5': ['s'],
  a: ['4'],
  b: ['d', 'lb'],
  d: ['b', 'cl'],
  e: ['3', 'c'],
  g: ['q', '9'],
  h: ['lh'],
  i: ['1', 'l'],
  k: ['lc', 'lk'],
  l: ['1', 'i'],
  m: ['rn', 'nn', 'n'],
  n: ['m', 'r'],
  o: ['0'],
  q: ['g'],
  s: ['5'],
  u: ['v'],
  v: ['u'],
  w: ['vv'],
};

const MARKS = ['\u0300', '\u0301', '\u0302', '\u0303', '\u0304', '\u0306', '\u0307', '\u0308', '\u030a', '\u030c', '\u0323', '\u0327', '\u0328'];

/** Latin letters with diacritics, by base letter: NFC(letter + mark) when that is one code point. */
export const DIACRITIC_GLYPHS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (let c = 0x61; c <= 0x7a; c++) {
    const base = String.fromCharCode(c);
    const list: string[] = [];
    for (const mark of MARKS) {
      const composed = (base + mark).normalize('NFC');
      if ([...composed].length === 1 && composed !== base) list.push(composed);
    }
    m.set(base, list);
  }
  return m;
})();

/**
 * Cyrillic look-alikes of Latin letters, derived from confusables.txt: every lower-case
 * Cyrillic letter whose prototype is a single Latin letter a-z.
 */
export const CYRILLIC_GLYPHS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  const cyrillic = /^\p{Script=Cyrillic}$/u;
  for (const [src, dst] of CONFUSABLES_DATA) {
    if (!cyrillic.test(src) || src.toLowerCase() !== src) continue;
    const proto = dst.toLowerCase();
    if (!/^[a-z]$/.test(proto)) continue;
    const list = m.get(proto) ?? [];
    list.push(src);
    m.set(proto, list);
  }
  return m;
})();

/** True when `a` can pass for `b` by the ASCII table (either direction). */
export function isAsciiGlyphPair(a: string, b: string): boolean {
  return ASCII_GLYPHS[a]?.includes(b) === true || ASCII_GLYPHS[b]?.includes(a) === true;
}
