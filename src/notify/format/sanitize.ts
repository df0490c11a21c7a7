/**
 * Content safety for attacker-controlled text (certificate names, DNs, reasons that quote
 * them). Pure functions, no I/O; every one is total (never throws) and idempotent where noted.
 *
 * Two separate steps, applied in this order by the renderers:
 *   1. escapeControls: make invisible or reordering characters visible as `\u{..}` escapes,
 *      so a terminal, mail client or chat renderer cannot be steered (ANSI escapes, CR/LF
 *      header injection, RTL override spoofing, zero-width look-alikes).
 *   2. defang: make a name unclickable and un-autolinkable (`paypa1-login[.]com`, `hxxp`).
 * Medium-specific escaping (Slack mrkdwn, HTML, Markdown) comes after both: see escape.ts.
 */

/**
 * C0 controls, DEL, C1 controls, the Arabic letter mark, zero-width and directional marks
 * (U+200B–U+200F), line/paragraph separators and bidi embeddings/overrides (U+2028–U+202E),
 * word joiner and bidi isolates (U+2060–U+2069), the BOM, and lone surrogates.
 */
const UNSAFE_CHARS =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Replaces every unsafe character (see UNSAFE_CHARS) with a visible `\u{HEX}` escape
 * (upper-case hex, e.g. U+202E becomes `\u{202E}`). Returns a string that contains no
 * control, bidi or zero-width character and no lone surrogate. Idempotent.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_CHARS, (ch) => `\\u{${ch.charCodeAt(0).toString(16).toUpperCase()}}`);
}

/**
 * Defangs a name or free text so no renderer turns it into a link or mention:
 * every `.` becomes `[.]`, `http` (any case) becomes `hxxp`, `://` becomes `[://]`,
 * `@` becomes `[@]`. Not idempotent (`[.]` would become `[[.]]`): apply it once, last
 * before medium escaping. Never throws.
 */
export function defang(text: string): string {
  return text
    .replace(/http/gi, (m) => m[0] + (m[1] === 't' ? 'x' : 'X') + (m[2] === 't' ? 'x' : 'X') + m[3])
    .replace(/:\/\//g, '[://]')
    .replace(/\./g, '[.]')
    .replace(/@/g, '[@]');
}

/** Longest name shown in a human channel; longer ones are cut with an ellipsis. */
export const MAX_DISPLAY_NAME = 253;

/**
 * Cuts `text` to at most `max` code points, appending `…` when cut. Never splits a
 * surrogate pair. Returns text unchanged when short enough.
 */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/**
 * The display form of an attacker-controlled name for any human channel: controls
 * escaped, defanged, cut to MAX_DISPLAY_NAME. Medium escaping is still the caller's job.
 */
export function displayName(name: string): string {
  return truncate(defang(escapeControls(name)), MAX_DISPLAY_NAME);
}

/**
 * The display form of other untrusted free text (issuer DN, reason, health summary):
 * controls escaped and defanged, cut to `max` code points.
 */
export function displayText(text: string, max = 500): string {
  return truncate(defang(escapeControls(text)), max);
}

/**
 * Text that comes from the operator's config (brand names, watch items): only controls
 * are escaped (a config may still carry a pasted control character), no defanging.
 */
export function configText(text: string, max = 200): string {
  return truncate(escapeControls(text), max);
}

/** Removes CR, LF and every other unsafe character outright (for one-line headers). */
export function oneLine(text: string): string {
  return escapeControls(text).replace(/\s+/g, ' ').trim();
}
