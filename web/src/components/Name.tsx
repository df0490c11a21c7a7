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

/** A certificate name, defanged. `clip` cuts it to one line with an ellipsis (tables). */
export function Name({ name, clip = false }: { name: string; clip?: boolean }) {
  const shown = displayText(name, MAX_NAME);
  return (
    <bdi class={clip ? 'name clip' : 'name'} title={clip ? shown : undefined}>
      {shown}
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

/** Operator-supplied text (brand names, watch items): isolated, not defanged. */
export function ConfigText({ text }: { text: string | null | undefined }) {
  return <bdi class="cfg">{text ?? '–'}</bdi>;
}
