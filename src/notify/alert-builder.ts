/** Builds the provider-facing HitAlert from a stored hit. Pure. */
import type { HitRow } from '../store/types.js';
import type { HitAlert } from './types.js';
import type { Enrichment } from '../enrich/types.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `id` is stable per hit and notifier, so receivers can deduplicate across retries and restarts. */
export function hitAlertId(hitId: number, notifierId: string): string {
  return `ctw-hit-${hitId}-${idPart(notifierId)}`;
}

/** The id of a human message that carried `count` hits, the first of them delivery `firstDeliveryId`. */
export function groupAlertId(firstDeliveryId: number, count: number): string {
  return `ctw-grp-${firstDeliveryId}-${count}`;
}

/** Standard Webhooks signs "{id}.{timestamp}.{body}": keeps "." (and anything odd) out of message ids. */
export function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** `enrichment`: the hit's latest enrichment, if any; its severity replaces the hit's. */
export function buildHitAlert(hit: HitRow, notifierId: string, enrichment?: Enrichment | null): HitAlert {
  const alert: HitAlert = {
    id: hitAlertId(hit.id, notifierId),
    hitId: hit.id,
    name: hit.name,
    brand: hit.brand,
    watch: hit.watch,
    technique: hit.technique,
    severity: enrichment?.severity ?? hit.severity,
    score: hit.score,
    reason: hit.reason,
    names: hit.names,
    cert: {
      sha256: hit.sha256,
      issuer: hit.issuer,
      subject: hit.subject,
      serial: hit.serial,
      not_before: iso(hit.notBefore),
      not_after: iso(hit.notAfter),
      precert: hit.precert,
      log: hit.logUrl,
      index: hit.logIndex,
    },
    seen_at: new Date(hit.firstSeen).toISOString(),
  };
  if (enrichment !== undefined) alert.enrichment = enrichment;
  return alert;
}
