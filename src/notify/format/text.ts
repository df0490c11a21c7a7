/**
 * The plain-text rendering of a RenderedAlert shared by email bodies and the exec hook's
 * TEXT_FILENAME. Pure. Every line is safe text (no control characters, names defanged).
 */
import { hitLine, type RenderedAlert } from './render.js';

/** Returns the multi-line text body for `r`. */
export function plainTextBody(r: RenderedAlert): string {
  const out = [r.title, ''];
  for (const n of r.notes) out.push(n);
  for (const f of r.facts) out.push(`${f.label}: ${f.value}`);
  if (r.notes.length || r.facts.length) out.push('');
  for (const h of r.hits) {
    out.push(`- ${hitLine(h)}`);
    if (h.reason) out.push(`  reason: ${h.reason}`);
    for (const e of h.enrichment) out.push(`  ${e}`);
    if (h.issuer) out.push(`  issuer: ${h.issuer}`);
    if (h.notBefore) out.push(`  not before: ${h.notBefore}`);
    if (h.sha256) out.push(`  sha256: ${h.sha256}${h.precert ? ' (precertificate)' : ''}`);
  }
  if (r.omitted > 0) out.push(`+${r.omitted} more not listed`);
  out.push('', 'Names are defanged ([.] for dots, hxxp for http) and are not links. -- ctwatch');
  return out.join('\n');
}

