/**
 * The only way certificate-derived text reaches the page. Names, issuers and reasons are
 * attacker-controlled: they become Preact text nodes (never markup, never an href), with control
 * and bidi characters made visible (`\u{202E}`), dots defanged (`paypa1-login[.]com`) and the
 * whole run isolated in <bdi> so a right-to-left name cannot reorder the UI around it.
 */
import { displayName, displayText } from '../../../src/notify/format/sanitize.js';

/** A certificate name, defanged. `clip` cuts it to one line with an ellipsis (tables). */
export function Name({ name, clip = false }: { name: string; clip?: boolean }) {
  const shown = displayName(name);
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
