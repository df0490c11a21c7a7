/**
 * Word-segment substitution: is a look-alike of a brand label really another name made of
 * words? `opensee` and `openseal` keep `open` and put another word in place of `sea`;
 * `metamusk` puts `musk` in place of `mask`. A typist garbles letters (`myetherwalet`); a
 * business names itself with words. Judged with the ordinary-word model (word-model.ts).
 */
import { isWord, MAX_WORD_LENGTH } from './word-model.js';

/** Shortest word that counts as a segment: two-letter words (`my`, `on`) are everywhere. */
export const SEGMENT_MIN_LENGTH = 3;
/**
 * Shortest kept part: nearly every three-letter string is a word in one of the model's five
 * languages, so `pay|pal` says nothing about how a name is built (`paypat` is a typo).
 */
export const KEPT_MIN_LENGTH = 4;
/** Shortest replaced word when the kept part is not itself made of words (`crypto|kitties`). */
export const STEM_WORD_MIN_LENGTH = 4;
/** Shortest kept part that is not made of words: shorter ones are fragments (`ether|eum`), not stems. */
export const STEM_MIN_LENGTH = 5;

/**
 * Number of ordinary words of `min` letters or more that `s` splits into (fewest), or 0 when it
 * does not split so. Letters only.
 */
export function wordCount(s: string, min = SEGMENT_MIN_LENGTH): number {
  const n = s.length;
  if (n < min || !/^[a-z]+$/.test(s)) return 0;
  const best = new Int32Array(n + 1).fill(0);
  best[0] = 0;
  const ok = new Uint8Array(n + 1);
  ok[0] = 1;
  for (let i = min; i <= n; i++) {
    for (let j = Math.max(0, i - MAX_WORD_LENGTH); j <= i - min; j++) {
      if (ok[j] === 1 && (ok[i] === 0 || best[j] + 1 < best[i]) && isWord(s.slice(j, i))) {
        ok[i] = 1;
        best[i] = best[j] + 1;
      }
    }
  }
  return ok[n] === 1 ? best[n] : 0;
}

/** True when `s` splits into ordinary words of SEGMENT_MIN_LENGTH letters or more. Letters only. */
export function isWordSequence(s: string): boolean {
  return wordCount(s) > 0;
}

/**
 * True when `a` is `b` with whole words joined before or after it (`seashop` for `sea`): the brand
 * label is all there, joined with words (a combosquat or dictionary squat, judged as such), not replaced.
 */
function withWords(a: string, b: string): boolean {
  return (a.startsWith(b) && isWordSequence(a.slice(b.length))) || (a.endsWith(b) && isWordSequence(a.slice(0, a.length - b.length)));
}

/** One part of a brand label replaced by other words. */
export interface SegmentSwap {
  /** The part of the brand label that was replaced (`sea`). */
  from: string;
  /** What stands in its place (`see`). */
  to: string;
}

/** True when `a` is `b` with a plural ending (`masks` for `mask`): dnstwist's plural typo, not another word. */
function pluralOf(a: string, b: string): boolean {
  return a === `${b}s` || a === `${b}es`;
}

/**
 * True when `a` is `b` with two neighbouring letters swapped (`sae` for `sea`) or one letter
 * doubled (`pall` for `pal`): slips of the fingers, whatever word they happen to make.
 */
function fingerSlip(a: string, b: string): boolean {
  if (a.length === b.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  if (a.length !== b.length + 1) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return i > 0 && a[i] === a[i - 1] && a.slice(i + 1) === b.slice(i);
  }
  return false;
}

/**
 * When `candidate` is `brand` with exactly one word-part replaced by different ordinary words,
 * the swap; else null. Both are match keys. The brand label is cut as kept-prefix | word |
 * kept-suffix with at least one kept part, every kept part KEPT_MIN_LENGTH letters or more and
 * the replaced word SEGMENT_MIN_LENGTH or more:
 *  - when every kept part is itself made of ordinary words (`open|sea`, `meta|mask`), the
 *    stand-in must be made of ordinary words (`see`, `seal`, `musk`);
 *  - when a kept part is a stem that is not (`crypto|kitties`, `myether|wallet`; STEM_MIN_LENGTH
 *    letters or more, else it is a fragment and nothing is judged), the replaced
 *    word must have STEM_WORD_MIN_LENGTH letters or more and the stand-in must be a compound of
 *    two or more such words (`knit|ties`): a single changed word there is as often a typo.
 * The stand-in must differ from the replaced word and not be its plural (or singular), nor
 * the word with two letters swapped or one doubled (`opensae`, `paypall`: slips).
 * Pure; O(length²) word look-ups, called on candidates only.
 */
export function segmentSwap(candidate: string, brand: string): SegmentSwap | null {
  if (candidate === brand || !/^[a-z]+$/.test(candidate) || !/^[a-z]+$/.test(brand)) return null;
  const n = brand.length;
  for (let p = 0; p <= n - SEGMENT_MIN_LENGTH; p++) {
    if (p > 0 && p < KEPT_MIN_LENGTH) continue;
    const prefix = brand.slice(0, p);
    if (!candidate.startsWith(prefix)) break;
    for (let e = p + SEGMENT_MIN_LENGTH; e <= n; e++) {
      const suffixLen = n - e;
      if (suffixLen > 0 && suffixLen < KEPT_MIN_LENGTH) continue;
      if (p === 0 && suffixLen === 0) continue;
      const suffix = brand.slice(e);
      if (!candidate.endsWith(suffix) || candidate.length < p + suffixLen + SEGMENT_MIN_LENGTH) continue;
      const from = brand.slice(p, e);
      if (!isWord(from)) continue;
      const to = candidate.slice(p, candidate.length - suffixLen);
      if (to === from || pluralOf(to, from) || pluralOf(from, to) || fingerSlip(to, from) || withWords(to, from)) continue;
      const keptWords = [prefix, suffix].every((x) => x === '' || isWordSequence(x));
      if (!keptWords && [prefix, suffix].some((x) => x !== '' && x.length < STEM_MIN_LENGTH && !isWordSequence(x))) continue;
      if (keptWords ? isWordSequence(to) : from.length >= STEM_WORD_MIN_LENGTH && wordCount(to, STEM_WORD_MIN_LENGTH) >= 2) return { from, to };
    }
  }
  return null;
}
