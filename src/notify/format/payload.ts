/**
 * The machine payloads (webhook body, exec JSON file), version 1. Certificate text (names, DNs,
 * the reason that quotes them) follows the same rule as every other channel: control, bidi and
 * zero-width characters are written as visible `\u{..}` escapes (format/sanitize.ts). The exact
 * values the certificate carried are kept apart, in `raw`, for receivers that need them.
 * Documented in docs/webhook-payload.md; fields may be added, never renamed or removed, without
 * bumping `version`.
 */
import type { AlertMessage, HitAlert } from '../types.js';
import { DeliveryError } from '../types.js';
import { escapeControls } from './sanitize.js';

const safe = (s: string | null): string | null => (s === null ? null : escapeControls(s));

/** Every string inside `v` (objects, arrays) with escapeControls applied: for text from the web (page titles) and the feed. */
function escapeDeep<T>(v: T): T {
  if (typeof v === 'string') return escapeControls(v) as T;
  if (Array.isArray(v)) return v.map(escapeDeep) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDeep(x)])) as T;
  return v;
}

export const PAYLOAD_VERSION = 1;

/** The object posted for one hit. `id` is the delivery id (stable across retries). */
export function hitPayload(id: string, hit: HitAlert, test: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: 'ctwatch.hit',
    version: PAYLOAD_VERSION,
    id,
    name: escapeControls(hit.name),
    brand: hit.brand,
    watch: hit.watch,
    technique: hit.technique,
    severity: hit.severity,
    score: hit.score,
    reason: escapeControls(hit.reason),
    names: hit.names.map(escapeControls),
    cert: {
      sha256: hit.cert.sha256,
      issuer: safe(hit.cert.issuer),
      subject: safe(hit.cert.subject),
      serial: hit.cert.serial,
      not_before: hit.cert.not_before,
      not_after: hit.cert.not_after,
      precert: hit.cert.precert,
      log: hit.cert.log,
      index: hit.cert.index,
    },
    seen_at: hit.seen_at,
    hit_id: hit.hitId,
    // Structured enrichment (docs/enrichment.md); null when off or not finished when sent.
    // Page titles and DNS/RDAP text come from the attacker's side too.
    enrichment: escapeDeep(hit.enrichment ?? null),
    // Exactly as the certificate (or the feed) had them: untrusted, may hold any character.
    raw: { name: hit.name, names: hit.names, issuer: hit.cert.issuer, subject: hit.cert.subject },
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
  if (message.kind === 'update') {
    const u = message.update;
    return {
      ...hitPayload(message.id, u.hit, false),
      type: 'ctwatch.update',
      round: u.round,
      changes: escapeDeep(u.changes),
      in_reply_to: u.replyTo,
    };
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
    high_names: d.highNames.map((h) => ({ ...h, name: escapeControls(h.name) })),
    rule_firings: d.ruleFirings ?? [],
    health: {
      uptime_seconds: d.health.uptimeSeconds,
      reconnects: d.health.reconnects,
      gaps: d.health.gaps,
      dropped: d.health.dropped,
    },
  };
}
