/**
 * UTS #39 confusable skeletons, lower-cased for domain names.
 *
 * skeleton(X) = NFD(X), each code point replaced by its confusables.txt prototype, NFD again;
 * then lower-cased, because domain names are case-insensitive and prototypes are sometimes
 * upper case ('0' -> 'O'). Two labels that look alike have the same skeleton:
 * skeleton("pаypal") (Cyrillic а) === skeleton("paypal") === "paypal", and skeleton("rnetamask")
 * === skeleton("metamask") === "rnetarnask".
 */
import { CONFUSABLES_DATA } from './data/confusables.js';

const TABLE = new Map<number, string>();
for (const [src, dst] of CONFUSABLES_DATA) TABLE.set(src.codePointAt(0) ?? 0, dst);

/** Skeleton of each ASCII character, lower-cased (index = char code). */
const ASCII_SKELETON: string[] = [];
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c).toLowerCase();
  ASCII_SKELETON.push((TABLE.get(ch.charCodeAt(0)) ?? ch).toLowerCase());
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** ASCII characters whose lower-cased skeleton is not themselves. */
const ASCII_CHANGED = new RegExp(
  '[' +
    ASCII_SKELETON.map((sk, c) => (sk === String.fromCharCode(c) ? '' : '\\x' + c.toString(16).padStart(2, '0'))).join('') +
    ']',
  'g',
);
const replaceAscii = (ch: string): string => ASCII_SKELETON[ch.charCodeAt(0)];

/** True when `s` uses only the characters of host names: a-z, 0-9, '.', '-', '_'. */
function isHostChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f) continue;
    return false;
  }
  return true;
}

/** Lower-cased UTS #39 skeleton of `s`. Pure, total, deterministic. */
export function skeleton(s: string): string {
  if (isHostChars(s)) {
    // Among host-name characters only 'm', '0' and '1' have other prototypes
    // (asserted against the table in the tests); native replaceAll beats a callback.
    let out = s;
    if (out.includes('m')) out = out.replaceAll('m', 'rn');
    if (out.includes('0')) out = out.replaceAll('0', 'o');
    if (out.includes('1')) out = out.replaceAll('1', 'l');
    return out;
  }
  if (isAscii(s)) return s.replace(ASCII_CHANGED, replaceAscii);
  let mapped = '';
  for (const ch of s.normalize('NFD')) {
    const cp = ch.codePointAt(0) ?? 0;
    mapped += cp < 128 ? ASCII_SKELETON[cp] : (TABLE.get(cp) ?? ch);
  }
  const lower = mapped.normalize('NFD').toLowerCase();
  // Lower-casing can expose a character that has its own prototype; one more ASCII pass
  // keeps skeleton idempotent on the ASCII range that domain labels mostly use.
  return isAscii(lower) ? skeleton(lower) : lower;
}

/** Host-name characters whose skeleton differs from themselves (for the fast-path test). */
export function changedHostChars(): string[] {
  const out: string[] = [];
  for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789.-_') if (ASCII_SKELETON[ch.charCodeAt(0)] !== ch) out.push(ch);
  return out;
}

/** Prototype of one code point (lower-cased), or null when it is not confusable. */
export function prototypeOf(cp: number): string | null {
  const p = TABLE.get(cp);
  return p === undefined ? null : p.toLowerCase();
}

const MARKS = /\p{Mn}/gu;

/** Digits commonly typed for letters ("paypa1", "p4ypal", "3th3r"), folded in match keys. */
const DIGIT_FOLDS: Readonly<Record<string, string>> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't' };

// Character classes for fold: 0 = not a host-name character, 1 = kept as it is,
// 2 = a digit typed for a letter, 3 = 'r' (of "rn"), 4 = 'v' (of "vv").
const HOST_CLASS = new Uint8Array(128);
for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789.-_') HOST_CLASS[ch.charCodeAt(0)] = 1;
for (const d of Object.keys(DIGIT_FOLDS)) HOST_CLASS[d.charCodeAt(0)] = 2;
HOST_CLASS[0x72] = 3;
HOST_CLASS[0x76] = 4;

/**
 * Folds digits for letters and the two-letter look-alikes "rn" (m) and "vv" (w), left to right
 * ("rnn" -> "mn"), in one pass; a string with nothing to fold comes back as it is. Characters
 * outside [a-z0-9._-] are kept, or (`hostOnly`) make it return null at once.
 */
function fold(s: string, hostOnly: boolean): string | null {
  let out: string | null = null;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? HOST_CLASS[c] : 0;
    if (k === 1) continue;
    if (k === 0) {
      if (hostOnly) return null;
      continue;
    }
    let folded: string;
    if (k === 2) folded = DIGIT_FOLDS[s[i]];
    else if (s.charCodeAt(i + 1) === (k === 3 ? 0x6e : 0x76)) folded = k === 3 ? 'm' : 'w';
    else continue;
    out = (out ?? '') + s.slice(last, i) + folded;
    i += k === 2 ? 0 : 1;
    last = i + 1;
  }
  return out === null ? s : out + s.slice(last);
}

/**
 * The match key of a string of host-name characters only ([a-z0-9._-]), which is just its
 * folding, or null as soon as another character shows up (then matchKey does the rest). Most
 * certificate names are such strings; about half of them fold nothing and come back as they are.
 */
export function foldHostChars(s: string): string | null {
  return fold(s, true);
}

/**
 * The key the matcher compares labels by, so that look-alikes compare equal:
 * the lower-cased UTS #39 skeleton with nonspacing marks removed first (diacritic
 * look-alikes: "paypál" and "pàypal" -> "paypal"), then digits folded to the letters they
 * imitate (0 o, 1 l, 3 e, 4 a, 5 s, 7 t) and "rn" contracted to "m", "vv" to "w".
 * Contracting (rather than expanding m to "rn" as UTS #39 does) keeps a key as long as
 * the label, so edit distances on keys stay those of the labels ("paypam" is one edit
 * from "paypal", not two). Pure, total.
 */
export function matchKey(s: string): string {
  const plain = foldHostChars(s);
  if (plain !== null) return plain;
  const base = isAscii(s) ? s : s.normalize('NFD').replace(MARKS, '');
  let sk = skeleton(base);
  if (!isHostChars(sk)) {
    // Prototypes can carry marks of their own (U+01A5 -> p + U+0314); drop them too, then
    // fold the few Latin letters that pass for another letter but that confusables.txt
    // leaves alone.
    sk = sk.normalize('NFD').replace(MARKS, '').replace(EXTRA_LATIN_RE, (c) => EXTRA_LATIN[c] ?? c);
  }
  return fold(sk, false) ?? sk;
}

/** Latin letters used as look-alikes (dnstwist's glyph list) that UTS #39 does not map. */
const EXTRA_LATIN: Readonly<Record<string, string>> = {
  '\u01bf': 'p', // ƿ wynn
  '\u00fe': 'p', // þ thorn
  '\u0259': 'a', // ə schwa
  '\u01dd': 'a', // ǝ turned e (the skeleton of ə)
  '\u0250': 'a', // ɐ turned a
  '\u0131': 'i', // ı dotless i
  '\u0269': 'i', // ɩ iota
  '\u0251': 'a', // ɑ alpha
  '\u0261': 'g', // ɡ script g
};
// Latin small capitals pass for lower-case letters in most fonts; UTS #39 maps only some.
for (const [cap, letter] of [
  ['\u1d00', 'a'], ['\u0299', 'b'], ['\u1d04', 'c'], ['\u1d05', 'd'], ['\u1d07', 'e'], ['\ua730', 'f'],
  ['\u0262', 'g'], ['\u029c', 'h'], ['\u026a', 'i'], ['\u1d0a', 'j'], ['\u1d0b', 'k'], ['\u029f', 'l'],
  ['\u1d0d', 'm'], ['\u0274', 'n'], ['\u1d0f', 'o'], ['\u1d18', 'p'], ['\u0280', 'r'], ['\ua731', 's'],
  ['\u1d1b', 't'], ['\u1d1c', 'u'], ['\u1d20', 'v'], ['\u1d21', 'w'], ['\u028f', 'y'], ['\u1d22', 'z'],
] as const) {
  (EXTRA_LATIN as Record<string, string>)[cap] = letter;
}
const EXTRA_LATIN_RE = new RegExp(`[${Object.keys(EXTRA_LATIN).join('')}]`, 'gu');
