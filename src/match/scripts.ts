/**
 * Which Unicode scripts a label uses, for mixed-script detection (UTS #39 style, simplified):
 * characters of the Common and Inherited scripts (digits, hyphen, combining marks) are ignored;
 * a label is mixed-script when it has letters from two or more of the scripts below, or from
 * one of them plus a script not listed ("Other").
 */

const SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
];
const COMMON_OR_INHERITED = /[\p{Script=Common}\p{Script=Inherited}]/u;

/** Script name of one character ("Common" for digits, hyphen, marks; "Other" if unlisted). */
export function scriptOf(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) ? 'Latin' : 'Common';
  if (COMMON_OR_INHERITED.test(ch)) return 'Common';
  for (const [name, re] of SCRIPTS) if (re.test(ch)) return name;
  return 'Other';
}

/** Sorted list of the scripts used by `s`, Common excluded. Pure; never throws. */
export function scriptsOf(s: string): string[] {
  const found = new Set<string>();
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) {
    return /[a-z]/i.test(s) ? ['Latin'] : [];
  }
  for (const ch of s) {
    const sc = scriptOf(ch);
    if (sc !== 'Common') found.add(sc);
  }
  return [...found].sort();
}
