/**
 * The enrichment tables on PostgreSQL (EnrichmentStore, same semantics as SqliteEnrichmentStore):
 * results with history, the re-check schedule, releasing held alerts and queueing update alerts.
 *
 * Several instances share these rows: a re-check is claimed by one of them (FOR UPDATE SKIP
 * LOCKED, then its due time pushed by the lease), and two saves of one hit are serialised (the
 * hit row locked) so each returns the enrichment saved before it.
 */
import type pg from 'pg';
import type { Enrichment } from '../../enrich/types.js';
import { NoSuchHitError, type EnrichmentStore, type SentAlert } from '../enrichment-store.js';
import { HIT_SELECT, toHitRow, type RawHit } from '../hit-store.js';
import type { HitRow } from '../types.js';
import { inTransaction, query } from './connection.js';

export class PgEnrichmentStore implements EnrichmentStore {
  constructor(private readonly pool: pg.Pool) {}

  async hit(hitId: number): Promise<HitRow | null> {
    const r = await query<RawHit>(this.pool, `${HIT_SELECT} WHERE h.id = $1`, [hitId]);
    return r.rows[0] ? toHitRow(r.rows[0]) : null;
  }

  save(hitId: number, e: Enrichment, next: { round: number; dueAt: number } | null): Promise<Enrichment | null> {
    return inTransaction(this.pool, async (c) => {
      // The hit row locked (NO KEY UPDATE: sightings of it still commit): a concurrent save of the
      // same hit waits, and a prune cannot delete it under this one.
      const hit = await c.query('SELECT 1 FROM hits WHERE id = $1 FOR NO KEY UPDATE', [hitId]);
      if (hit.rowCount === 0) throw new NoSuchHitError(hitId);
      const prev = await c.query<{ result_json: string }>('SELECT result_json FROM enrichments WHERE hit_id = $1 ORDER BY id DESC LIMIT 1', [hitId]);
      await c.query('INSERT INTO enrichments (hit_id, round, checked_at, severity, result_json) VALUES ($1, $2, $3, $4, $5)', [
        hitId,
        e.round,
        Date.parse(e.checked_at),
        e.severity,
        JSON.stringify(e),
      ]);
      if (next) {
        await c.query(
          'INSERT INTO enrich_schedule (hit_id, round, due_at) VALUES ($1, $2, $3) ON CONFLICT (hit_id) DO UPDATE SET round = EXCLUDED.round, due_at = EXCLUDED.due_at',
          [hitId, next.round, next.dueAt],
        );
      } else {
        await c.query('DELETE FROM enrich_schedule WHERE hit_id = $1', [hitId]);
      }
      return prev.rows[0] ? (JSON.parse(prev.rows[0].result_json) as Enrichment) : null;
    });
  }

  async enrichmentFor(hitId: number): Promise<Enrichment | null> {
    const r = await query<{ result_json: string }>(this.pool, 'SELECT result_json FROM enrichments WHERE hit_id = $1 ORDER BY id DESC LIMIT 1', [hitId]);
    return r.rows[0] ? (JSON.parse(r.rows[0].result_json) as Enrichment) : null;
  }

  async history(hitId: number, limit = 50): Promise<Enrichment[]> {
    const r = await query<{ result_json: string }>(this.pool, 'SELECT result_json FROM enrichments WHERE hit_id = $1 ORDER BY id DESC LIMIT $2', [hitId, limit]);
    return r.rows.map((x) => JSON.parse(x.result_json) as Enrichment);
  }

  claimDue(now: number, limit: number, leaseMs: number): Promise<{ hitId: number; round: number }[]> {
    return inTransaction(this.pool, async (c) => {
      // SKIP LOCKED: rows another instance is claiming right now are its own; the rest are ours.
      const due = await c.query<{ hit_id: number; round: number; status: string | null; suppressed: number | null }>(
        `SELECT s.hit_id, s.round, h.status, h.suppressed FROM enrich_schedule s LEFT JOIN hits h ON h.id = s.hit_id
         WHERE s.due_at <= $1 ORDER BY s.due_at, s.hit_id LIMIT $2 FOR UPDATE OF s SKIP LOCKED`,
        [now, limit],
      );
      const gone: number[] = [];
      const out: { hitId: number; round: number }[] = [];
      for (const r of due.rows) {
        if (r.status === null || r.status === 'false_positive' || r.suppressed) gone.push(r.hit_id);
        else out.push({ hitId: r.hit_id, round: r.round });
      }
      if (gone.length) await c.query('DELETE FROM enrich_schedule WHERE hit_id = ANY($1::bigint[])', [gone]);
      if (out.length) await c.query('UPDATE enrich_schedule SET due_at = $1 WHERE hit_id = ANY($2::bigint[])', [now + leaseMs, out.map((x) => x.hitId)]);
      return out;
    });
  }

  async releaseAlerts(hitId: number, now: number): Promise<number> {
    const r = await query(
      this.pool,
      `UPDATE deliveries SET next_attempt_at = $1 WHERE hit_id = $2 AND kind = 'hit' AND status = 'pending' AND attempts = 0 AND next_attempt_at > $1`,
      [now, hitId],
    );
    return r.rowCount ?? 0;
  }

  async alertsOut(hitId: number): Promise<string[]> {
    // A claim is lease_until > 0 here too (pg/outbox.ts sets it with lease_owner and clears both
    // together), whichever instance holds it: its message was built without this enrichment.
    const r = await query<{ notifier_id: string }>(
      this.pool,
      `SELECT DISTINCT notifier_id FROM deliveries WHERE hit_id = $1 AND kind = 'hit' AND (status = 'delivered' OR (status = 'pending' AND lease_until > 0)) ORDER BY notifier_id`,
      [hitId],
    );
    return r.rows.map((x) => x.notifier_id);
  }

  async sentAlerts(hitId: number): Promise<SentAlert[]> {
    // Rows one human message carried were marked delivered together (one timestamp): the message
    // is every delivered hit row of that notifier with that timestamp, first by claim order.
    const r = await query<{ id: number; notifier_id: string; status: string; delivered_at: number | null; first_id: number | null; n: number | null }>(
      this.pool,
      `SELECT d.id, d.notifier_id, d.status, d.delivered_at, m.first_id, m.n
       FROM deliveries d
       LEFT JOIN LATERAL (
         SELECT (array_agg(x.id ORDER BY x.next_attempt_at, x.id))[1] AS first_id, count(*) AS n
         FROM deliveries x
         WHERE x.notifier_id = d.notifier_id AND x.kind = 'hit' AND x.status = 'delivered' AND x.delivered_at = d.delivered_at
       ) m ON d.status = 'delivered' AND d.delivered_at IS NOT NULL
       WHERE d.hit_id = $1 AND d.kind = 'hit' ORDER BY d.id`,
      [hitId],
    );
    return r.rows.map((x) => {
      if (x.status !== 'delivered' || x.delivered_at === null) return { notifierId: x.notifier_id, deliveryId: x.id, message: null };
      return { notifierId: x.notifier_id, deliveryId: x.id, message: { firstDeliveryId: x.first_id ?? x.id, count: Math.max(1, x.n ?? 0) } };
    });
  }

  queueUpdates(hitId: number, payloads: ReadonlyMap<string, unknown>, now: number): Promise<number[]> {
    return inTransaction(this.pool, async (c) => {
      const ids: number[] = [];
      for (const [notifierId, payload] of payloads) {
        const r = await c.query<{ id: number }>(
          `INSERT INTO deliveries (kind, hit_id, notifier_id, payload_json, created_at, next_attempt_at) VALUES ('update', $1, $2, $3, $4, $4) RETURNING id`,
          [hitId, notifierId, JSON.stringify(payload), now],
        );
        ids.push(r.rows[0]!.id);
      }
      return ids;
    });
  }

  async unenriched(since: number, limit: number): Promise<number[]> {
    const r = await query<{ id: number }>(
      this.pool,
      `SELECT h.id FROM hits h WHERE h.first_seen >= $1 AND h.suppressed = 0 AND h.status != 'false_positive'
       AND NOT EXISTS (SELECT 1 FROM enrichments e WHERE e.hit_id = h.id) AND NOT EXISTS (SELECT 1 FROM enrich_schedule s WHERE s.hit_id = h.id)
       ORDER BY h.id LIMIT $2`,
      [since, limit],
    );
    return r.rows.map((x) => x.id);
  }
}
