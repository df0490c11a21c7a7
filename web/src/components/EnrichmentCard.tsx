/**
 * What ctwatch learned about a hit's names from DNS, RDAP and the web. Every string in it came
 * from the network (registrar, DNS names, titles, server headers, URLs) and is attacker-
 * controlled: the lines are built by the same function the alert channels use
 * (notify/format/enrichment-lines.ts: controls escaped, defanged, bounded) and shown as text,
 * never as a link.
 */
import { enrichmentLines } from '../../../src/notify/format/enrichment-lines.js';
import { displayText } from '../../../src/notify/format/sanitize.js';
import type { Enrichment } from '../types.js';
import { fmtTime } from '../format.js';
import { SeverityBadge } from './bits.js';

function roundLabel(e: Enrichment): string {
  return e.round === 0 ? 'first look' : `re-check ${e.round}`;
}

function Lines({ e }: { e: Enrichment }) {
  const lines = enrichmentLines(e);
  return (
    <>
      {e.severity !== e.base_severity ? (
        <p>
          Severity <SeverityBadge severity={e.base_severity} /> → <SeverityBadge severity={e.severity} /> after this check.
        </p>
      ) : null}
      {e.reasons.length ? (
        <ul class="enrich-reasons">
          {e.reasons.map((r, i) => (
            <li key={i}>
              <bdi>{displayText(r, 300)}</bdi>
            </li>
          ))}
        </ul>
      ) : null}
      {lines.length ? (
        <ul class="enrich-lines">
          {lines.map((l, i) => (
            <li key={i}>
              <bdi>{l}</bdi>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Every check is switched off.</p>
      )}
    </>
  );
}

export function EnrichmentCard({ latest, history }: { latest: Enrichment | null | undefined; history: Enrichment[] }) {
  const older = history.filter((e) => !latest || e.checked_at !== latest.checked_at || e.round !== latest.round);
  // Enrichment is off by default: no card at all rather than an empty one on every hit.
  if (!latest && older.length === 0) return null;
  return (
    <section class="card wide" aria-labelledby="h-enrich">
      <h2 id="h-enrich">Enrichment</h2>
      {!latest ? (
        <p class="muted">No current check.</p>
      ) : (
        <>
          <p class="muted small">
            Checked {fmtTime(latest.checked_at)} ({roundLabel(latest)}).
          </p>
          <Lines e={latest} />
        </>
      )}
      {older.length ? (
        <details class="enrich-history">
          <summary>Earlier checks ({older.length})</summary>
          <ol>
            {older.map((e, i) => (
              <li key={i}>
                <span class="time">{fmtTime(e.checked_at)}</span> ({roundLabel(e)}) <SeverityBadge severity={e.severity} />
                <Lines e={e} />
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
