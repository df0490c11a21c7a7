/**
 * Renders attacker-controlled text safely inside reason strings: printable ASCII is kept,
 * every other code point is shown as U+XXXX so that RTL overrides, control characters
 * and look-alike letters can neither hide nor disguise anything.
 */

/** Returns `s` with every code point outside printable ASCII replaced by `U+XXXX`; never throws. */
export function escapeForReason(s: string, maxLength = 200): string {
  let out = '';
  let count = 0;
  for (const ch of s) {
    if (++count > maxLength) {
      out += '…';
      break;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x21 && cp <= 0x7e && ch !== '`') out += ch;
    else out += codePointLabel(cp);
  }
  return out;
}

/** "U+0430" style label of one code point. */
export function codePointLabel(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}
