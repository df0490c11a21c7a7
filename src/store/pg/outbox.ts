/**
 * The outbox on PostgreSQL. Several instances claim due rows at once: `FOR UPDATE SKIP LOCKED`
 * keeps them from waiting on each other's rows, and the lease (lease_until, lease_owner) keeps a
 * row from being claimed again until it expires, so each delivery is sent by one instance, and a
 * dead instance's in-flight rows are claimed by another once their lease has run out.
 */
import type pg from 'pg';
import type { OutboxApi } from '../backend.js';
import { HIT_SELECT, toHitRow, type RawHit } from '../hit-store.js';
import { toDelivery, type ClaimedDelivery, type DeliveryStatus, type RawDelivery } from '../outbox.js';
import { inTransaction, query } from './connection.js';

export function pgOutbox(pool: pg.Pool, instanceId: string, now: () => number): OutboxApi {
  /** Updates rows this instance holds the lease of; returns how many. */
  const mine = async (ids: readonly number[], set: string, params: unknown[]): Promise<number> => {
    if (!ids.length) return 0;
    const n = params.length;
    const r = await query(pool, `UPDATE deliveries SET ${set} WHERE id = ANY($${n + 1}::bigint[]) AND lease_owner = $${n + 2}`, [...params, ids, instanceId]);
    return r.rowCount ?? 0;
  };
  return {
    async enqueue(kind, notifierIds, payload, at = now()) {
      if (!notifierIds.length) return [];
      const r = await query<{ id: number }>(
        pool,
        `INSERT INTO deliveries (kind, notifier_id, group_key, payload_json, created_at, next_attempt_at)
         SELECT $1, n, NULL, $2, $3, $3 FROM unnest($4::text[]) AS n RETURNING id`,
        [kind, JSON.stringify(payload), at, notifierIds],
      );
      return r.rows.map((x) => x.id).sort((a, b) => a - b);
    },
    claimDue(notifierId, at, limit, leaseMs): Promise<ClaimedDelivery[]> {
      return inTransaction(pool, async (c) => {
        const claimed = await c.query<RawDelivery>(
          `WITH due AS (
             SELECT id FROM deliveries
             WHERE status = 'pending' AND notifier_id = $1 AND next_attempt_at <= $2 AND lease_until <= $2
             ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
           UPDATE deliveries d SET lease_until = $4, lease_owner = $5 FROM due WHERE d.id = due.id RETURNING d.*`,
          [notifierId, at, limit, at + leaseMs, instanceId],
        );
        const rows = claimed.rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id);
        const hitIds = [...new Set(rows.map((r) => r.hit_id).filter((x): x is number => x !== null))];
        const hits = new Map<number, RawHit>();
        if (hitIds.length) {
          for (const h of (await c.query<RawHit>(`${HIT_SELECT} WHERE h.id = ANY($1::bigint[])`, [hitIds])).rows) hits.set(h.id, h);
        }
        return rows.map((r) => {
          const raw = r.hit_id !== null ? hits.get(r.hit_id) : undefined;
          return { ...toDelivery(r), hit: raw ? toHitRow(raw) : null };
        });
      });
    },
    markDelivered: (ids, at = now()) =>
      mine(ids, `status = 'delivered', delivered_at = $1, attempts = attempts + 1, lease_until = 0, lease_owner = NULL, last_error = NULL`, [at]),
    markRetry: (ids, next, error) =>
      mine(ids, 'attempts = attempts + 1, next_attempt_at = $1, lease_until = 0, lease_owner = NULL, last_error = $2', [next, error.slice(0, 500)]),
    defer: (ids, until) => mine(ids, 'next_attempt_at = $1, lease_until = 0, lease_owner = NULL', [until]),
    markDead: (ids, error) => mine(ids, `status = 'dead', attempts = attempts + 1, lease_until = 0, lease_owner = NULL, last_error = $1`, [error.slice(0, 500)]),
    async killPending(notifierId, error) {
      const r = await query(
        pool,
        `UPDATE deliveries SET status = 'dead', lease_until = 0, lease_owner = NULL, last_error = $1 WHERE status = 'pending' AND notifier_id = $2`,
        [error.slice(0, 500), notifierId],
      );
      return r.rowCount ?? 0;
    },
    async retryDead(id, at = now()) {
      const sql = `UPDATE deliveries SET status = 'pending', attempts = 0, created_at = $1, next_attempt_at = $1, lease_until = 0, lease_owner = NULL WHERE status = 'dead'`;
      const r = id === null ? await query(pool, sql, [at]) : await query(pool, `${sql} AND id = $2`, [at, id]);
      return r.rowCount ?? 0;
    },
    async releaseLeases() {
      const r = await query(pool, `UPDATE deliveries SET lease_until = 0, lease_owner = NULL WHERE status = 'pending' AND lease_owner = $1`, [instanceId]);
      return r.rowCount ?? 0;
    },
    async list(q = {}) {
      const r = q.status
        ? await query<RawDelivery>(pool, 'SELECT * FROM deliveries WHERE status = $1 ORDER BY id DESC LIMIT $2', [q.status, q.limit ?? 1000])
        : await query<RawDelivery>(pool, 'SELECT * FROM deliveries ORDER BY id DESC LIMIT $1', [q.limit ?? 1000]);
      return r.rows.map(toDelivery);
    },
    async countDue(at) {
      return (await query<{ n: number }>(pool, `SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1`, [at])).rows[0]!.n;
    },
    async countByStatus() {
      const out: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
      for (const r of (await query<{ status: DeliveryStatus; n: number }>(pool, 'SELECT status, count(*) AS n FROM deliveries GROUP BY status')).rows) out[r.status] = r.n;
      return out;
    },
  };
}
