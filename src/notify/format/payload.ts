/**
 * The machine payloads (webhook body, exec JSON file), version 1. Names are raw: machine
 * receivers get exactly what the certificate said. Documented in docs/webhook-payload.md;
 * fields may be added, never renamed or removed, without bumping `version`.
 */
import type { AlertMessage, HitAlert } from '../types.js';
import { DeliveryError } from '../types.js';

export const PAYLOAD_VERSION = 1;

/** The object posted for one hit. `id` is the delivery id (stable across retries). */
export function hitPayload(id: string, hit: HitAlert, test: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: 'ctwatch.hit',
    version: PAYLOAD_VERSION,
    id,
    name: hit.name,
    brand: hit.brand,
    watch: hit.watch,
    technique: hit.technique,
    severity: hit.severity,
    score: hit.score,
    reason: hit.reason,
    names: hit.names,
    cert: {
      sha256: hit.cert.sha256,
      issuer: hit.cert.issuer,
      subject: hit.cert.subject,
      serial: hit.cert.serial,
      not_before: hit.cert.not_before,
      not_after: hit.cert.not_after,
      precert: hit.cert.precert,
      log: hit.cert.log,
      index: hit.cert.index,
    },
    seen_at: hit.seen_at,
    hit_id: hit.hitId,
  };
  if (test) body.test = true;
  return body;
}

/**
 * Builds the version-1 machine payload for `message`. For kind 'hits' exactly one hit is
 * required (machine channels are fed one hit per message by the dispatcher).
 * Throws DeliveryError('too_many_hits', permanent) for more than one hit and
 * DeliveryError('no_hits', permanent) for none: resending the same message cannot help.
 */
export function machinePayload(message: AlertMessage): Record<string, unknown> {
  if (message.kind === 'hits') {
    const [hit] = message.hits;
    if (message.hits.length !== 1 || hit === undefined) {
      throw new DeliveryError(
        message.hits.length === 0 ? 'no_hits' : 'too_many_hits',
        `machine channels take exactly one hit per message, got ${message.hits.length}`,
        { permanent: true },
      );
    }
    return hitPayload(message.id, hit, message.test === true);
  }
  if (message.kind === 'health') {
    const h = message.health;
    return {
      type: 'ctwatch.health',
      version: PAYLOAD_VERSION,
      id: message.id,
      event: h.event,
      severity: h.severity,
      summary: h.summary,
      details: h.details,
      at: h.at,
    };
  }
  const d = message.digest;
  return {
    type: 'ctwatch.digest',
    version: PAYLOAD_VERSION,
    id: message.id,
    from: d.from,
    to: d.to,
    total: d.total,
    by_brand: d.byBrand,
    by_technique: d.byTechnique,
    by_severity: d.bySeverity,
    high_names: d.highNames,
    rule_firings: d.ruleFirings ?? [],
    health: {
      uptime_seconds: d.health.uptimeSeconds,
      reconnects: d.health.reconnects,
      gaps: d.health.gaps,
      dropped: d.health.dropped,
    },
  };
}
