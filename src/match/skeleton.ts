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

/** Lower-cased UTS #39 skeleton of `s`. Pure, total, deterministic. */
export function skeleton(s: string): string {
  if (isAscii(s)) {
    let out = '';
    for (let i = 0; i < s.length; i++) out += ASCII_SKELETON[s.charCodeAt(i)];
    return out;
  }
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

/** Prototype of one code point (lower-cased), or null when it is not confusable. */
export function prototypeOf(cp: number): string | null {
  const p = TABLE.get(cp);
  return p === undefined ? null : p.toLowerCase();
}

const MARKS = /\p{Mn}/gu;

/**
 * The key the matcher compares labels by: the skeleton of `s` with nonspacing marks removed
 * first, so that diacritic look-alikes ("paypál", "pàypal") compare equal to the plain
 * letters as well as the UTS #39 confusables do. Pure, total.
 */
export function matchKey(s: string): string {
  if (isAscii(s)) return skeleton(s);
  return skeleton(s.normalize('NFD').replace(MARKS, ''));
}
