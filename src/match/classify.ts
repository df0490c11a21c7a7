/**
 * Names the typing or visual error that turns a protected label into a candidate label,
 * using dnstwist's fuzzer names, and describes it for the reason line.
 */
import { areKeyboardNeighbours } from './keyboard.js';
import { isAsciiGlyphPair } from './glyphs.js';
import { escapeForReason } from './escape.js';

export interface EditClass {
  /** dnstwist fuzzer name, or "edit-distance" for an edit no fuzzer names. */
  fuzzer: string;
  /** Human description, e.g. "'l' replaced by '1'". */
  detail: string;
}

const VOWELS = 'aeiou';
const q = (s: string): string => `'${escapeForReason(s, 20)}'`;

function isBitFlip(a: string, b: string): boolean {
  const x = a.charCodeAt(0) ^ b.charCodeAt(0);
  return a.length === 1 && b.length === 1 && x !== 0 && (x & (x - 1)) === 0 && /^[a-z0-9-]$/.test(a);
}

/**
 * Classifies the single edit between `cand` and `brand` (both Unicode labels), or returns
 * null when they are not one edit apart. Pure.
 */
export function classifyEdit(cand: string, brand: string): EditClass | null {
  const a = [...cand];
  const b = [...brand];
  if (a.length === b.length + 1) {
    // One character inserted into the brand label.
    let i = 0;
    while (i < b.length && a[i] === b[i]) i++;
    if (a.slice(i + 1).join('') !== b.slice(i).join('')) return null;
    const c = a[i];
    if (c === '-') return { fuzzer: 'hyphenation', detail: `hyphen inserted` };
    if (c === a[i - 1] || c === a[i + 1]) return { fuzzer: 'repetition', detail: `${q(c)} repeated` };
    if (i === b.length && /^[a-z0-9]$/.test(c)) {
      if (c === 's') return { fuzzer: 'plural', detail: `'s' appended` };
      return { fuzzer: 'addition', detail: `${q(c)} appended` };
    }
    if (c === 's' || (a[i - 1] === 'e' && c === 's')) return { fuzzer: 'plural', detail: `'s' inserted` };
    if ((b[i] !== undefined && areKeyboardNeighbours(c, b[i])) || (b[i - 1] !== undefined && areKeyboardNeighbours(c, b[i - 1]))) {
      return { fuzzer: 'insertion', detail: `${q(c)} inserted next to a neighbouring key` };
    }
    return { fuzzer: 'edit-distance', detail: `${q(c)} inserted` };
  }
  if (a.length + 1 === b.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (b.slice(i + 1).join('') !== a.slice(i).join('')) return null;
    return { fuzzer: 'omission', detail: `${q(b[i])} left out` };
  }
  if (a.length !== b.length) return null;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  if (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]) {
    return { fuzzer: 'transposition', detail: `${q(b[diff[0]] + b[diff[1]])} swapped` };
  }
  if (diff.length !== 1) return null;
  const x = b[diff[0]];
  const y = a[diff[0]];
  const what = `${q(x)} replaced by ${q(y)}`;
  if (isAsciiGlyphPair(x, y)) return { fuzzer: 'homoglyph', detail: `${what} (looks alike)` };
  if (VOWELS.includes(x) && VOWELS.includes(y)) return { fuzzer: 'vowel-swap', detail: what };
  if (areKeyboardNeighbours(x, y)) return { fuzzer: 'replacement', detail: `${what} (neighbouring key)` };
  if (isBitFlip(x, y)) return { fuzzer: 'bitsquatting', detail: `${what} (one bit flipped)` };
  if (y.codePointAt(0)! > 0x7f) return { fuzzer: 'homoglyph', detail: what };
  return { fuzzer: 'edit-distance', detail: what };
}

/** True when `cand` is `brand` with one or more hyphens inserted (and nothing else). */
export function isHyphenated(cand: string, brand: string): boolean {
  return cand.includes('-') && cand.replace(/-/g, '') === brand && cand !== brand;
}

/**
 * Classifies a same-length pair whose every differing character is an ASCII look-alike
 * ("myetherwaiiet" for "myetherwallet") as `homoglyph`; null otherwise. Pure.
 */
export function classifyGlyphs(cand: string, brand: string): EditClass | null {
  const a = [...cand];
  const b = [...brand];
  if (a.length !== b.length) return null;
  const pairs: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (!isAsciiGlyphPair(a[i], b[i])) return null;
    pairs.push(`${q(b[i])} replaced by ${q(a[i])}`);
  }
  return pairs.length === 0 ? null : { fuzzer: 'homoglyph', detail: `${pairs.join(', ')} (look alike)` };
}

/**
 * True when `a` and `b` are at most one substitution, insertion, omission or adjacent swap
 * apart (UTF-16 units). Allocation-free pre-check before classifyEdit. Pure.
 */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let p = 0;
  const min = la < lb ? la : lb;
  while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  if (p === min) return true; // equal, or one extra character at the end
  let s = 0;
  while (s < min - p && a.charCodeAt(la - 1 - s) === b.charCodeAt(lb - 1 - s)) s++;
  if (la !== lb) return p + s >= min;
  if (p + s >= la - 1) return true; // one substitution
  return p + s === la - 2 && a.charCodeAt(p) === b.charCodeAt(p + 1) && a.charCodeAt(p + 1) === b.charCodeAt(p);
}
