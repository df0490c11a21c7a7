/**
 * The only way certificate-derived text reaches the page. Names, issuers and reasons are
 * attacker-controlled: they become Preact text nodes (never markup, never an href), with control
 * and bidi characters made visible (`\u{202E}`), dots defanged (`paypa1-login[.]com`) and the
 * whole run isolated in <bdi> so a right-to-left name cannot reorder the UI around it.
 */
import { displayText } from '../../../src/notify/format/sanitize.js';

/**
 * Longest name shown. Longer than the alert channels' cut (MAX_DISPLAY_NAME, 253) because
 * defanging lengthens a name and the browser wraps it: an analyst must still see the TLD.
 */
const MAX_NAME = 1024;
/** In tables (`short`): names longer than this lose their middle, so the registrable end stays. */
const SHORT_HEAD = 28;
const SHORT_TAIL = 34;

/** Cuts the middle out of `s` (by code point) when it is longer than head + tail + 1. */
export function middleCut(s: string, head = SHORT_HEAD, tail = SHORT_TAIL): string {
  const cps = Array.from(s);
  return cps.length <= head + tail + 1 ? s : cps.slice(0, head).join('') + '…' + cps.slice(cps.length - tail).join('');
}

/**
 * A certificate name, defanged. With `registrable` (the hit's registrable domain), that part is
 * shown in bold: it is who controls the name. `short` cuts long names in the middle (tables).
 */
export function Name({ name, registrable, short = false }: { name: string; registrable?: string | null; short?: boolean }) {
  const full = displayText(name, MAX_NAME);
  const reg = registrable && registrable !== name && name.endsWith('.' + registrable) ? registrable : registrable === name ? name : null;
  const prefix = reg ? name.slice(0, name.length - reg.length) : name;
  const shownPrefix = short ? middleCut(displayText(prefix, MAX_NAME)) : displayText(prefix, MAX_NAME);
  return (
    <bdi class="name" title={short ? full : undefined}>
      {prefix ? shownPrefix : null}
      {reg ? <strong class="reg">{displayText(reg, MAX_NAME)}</strong> : null}
    </bdi>
  );
}

/** Other certificate text (issuer or subject DN, a reason that quotes names), defanged. */
export function CertText({ text, clip = false }: { text: string | null | undefined; clip?: boolean }) {
  if (text === null || text === undefined || text === '') return <span class="muted">–</span>;
  const shown = displayText(text, 2000);
  return (
    <bdi class={clip ? 'certtext clip' : 'certtext'} title={clip ? shown : undefined}>
      {shown}
    </bdi>
  );
}

/** The CN of a DN ("C=US, O=Let's Encrypt, CN=R11" → "R11"), or null when it has none. */
export function commonName(dn: string): string | null {
  const m = /(?:^|,\s*)CN=((?:\\.|[^,\\])*)/.exec(dn);
  return m ? m[1].trim() || null : null;
}

/** An issuer by its CN (what tells CAs' intermediates apart), the full DN in the tooltip. */
export function IssuerShort({ dn }: { dn: string }) {
  const cn = commonName(dn);
  const full = displayText(dn, 2000);
  return (
    <bdi class="certtext" title={full}>
      {cn ? displayText(cn, 200) : full}
    </bdi>
  );
}
