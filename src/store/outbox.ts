/**
 * The delivery outbox. Rows are created in the same transaction as the hit they announce
 * (hit-store.ts) or by `enqueue` for health, digest and test messages. The dispatcher claims due
 * rows with a lease, so a crash mid-send leaves them to be claimed again after restart.
 */
import type { Db } from './db.js';
import { HIT_SELECT, toHitRow, type RawHit } from './hit-store.js';
import type { HitRow } from './types.js';

export type DeliveryKind = 'hit' | 'health' | 'digest' | 'test' | 'update';
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryRow {
  id: number;
  kind: DeliveryKind;
  hitId: number | null;
  notifierId: string;
  groupKey: string | null;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  lastError: string | null;
}

export interface ClaimedDelivery extends DeliveryRow {
  hit: HitRow | null;
}

export interface RawDelivery {
  id: number;
  kind: DeliveryKind;
  hit_id: number | null;
  notifier_id: string;
  group_key: string | null;
  payload_json: string | null;
  status: DeliveryStatus;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

export class Outbox {
  /** Statements of the dispatcher's every pass, prepared once. */
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT INTO deliveries (kind, notifier_id, group_key, payload_json, created_at, next_attempt_at) VALUES (?, ?, NULL, ?, ?, ?)'),
      due: db.prepare(
        `SELECT * FROM deliveries WHERE status = 'pending' AND notifier_id = ? AND next_attempt_at <= ? AND lease_until <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
      ),
      lease: db.prepare('UPDATE deliveries SET lease_until = ? WHERE id = ?'),
      hit: db.prepare(`${HIT_SELECT} WHERE h.id = ?`),
      delivered: db.prepare(`UPDATE deliveries SET status = 'delivered', delivered_at = ?, attempts = attempts + 1, lease_until = 0, last_error = NULL WHERE id = ?`),
      retry: db.prepare(`UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, lease_until = 0, last_error = ? WHERE id = ?`),
      defer: db.prepare(`UPDATE deliveries SET next_attempt_at = ?, lease_until = 0 WHERE id = ?`),
      dead: db.prepare(`UPDATE deliveries SET status = 'dead', attempts = attempts + 1, lease_until = 0, last_error = ? WHERE id = ?`),
    };
  }

  /** Queues one message per notifier. Returns the new delivery ids. */
  enqueue(kind: Exclude<DeliveryKind, 'hit'>, notifierIds: readonly string[], payload: unknown, now = Date.now()): number[] {
    const json = JSON.stringify(payload);
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const n of notifierIds) ids.push(Number(this.stmts.insert.run(kind, n, json, now, now).lastInsertRowid));
    }).immediate();
    return ids;
  }

  /**
   * Claims up to `limit` due pending deliveries of one notifier, oldest first, leasing them until
   * now + leaseMs. A claimed row is not claimed again until its lease expires.
   */
  claimDue(notifierId: string, now: number, limit: number, leaseMs: number): ClaimedDelivery[] {
    const { due, lease, hit } = this.stmts;
    return this.db.transaction(() => {
      const rows = due.all(notifierId, now, now, limit) as RawDelivery[];
      for (const r of rows) lease.run(now + leaseMs, r.id);
      return rows.map((r) => {
        const raw = r.hit_id !== null ? (hit.get(r.hit_id) as RawHit | undefined) : undefined;
        return { ...toDelivery(r), hit: raw ? toHitRow(raw) : null };
      });
    }).immediate();
  }

  markDelivered(ids: readonly number[], now = Date.now()): void {
    this.each(ids, (id) => this.stmts.delivered.run(now, id));
  }

  markRetry(ids: readonly number[], nextAttemptAt: number, error: string): void {
    this.each(ids, (id) => this.stmts.retry.run(nextAttemptAt, error.slice(0, 500), id));
  }

  /** Moves deliveries to a later time without counting an attempt (grouping windows, pacing). */
  defer(ids: readonly number[], until: number): void {
    this.each(ids, (id) => this.stmts.defer.run(until, id));
  }

  markDead(ids: readonly number[], error: string): void {
    this.each(ids, (id) => this.stmts.dead.run(error.slice(0, 500), id));
  }

  /** One transaction (one fsync) for a batch of row updates. */
  private each(ids: readonly number[], update: (id: number) => unknown): void {
    if (ids.length) this.db.transaction(() => ids.forEach(update)).immediate();
  }

  /** Kills every pending delivery of a notifier (e.g. its endpoint answered 410 Gone). */
  killPending(notifierId: string, error: string): number {
    return this.db
      .prepare(`UPDATE deliveries SET status = 'dead', lease_until = 0, last_error = ? WHERE status = 'pending' AND notifier_id = ?`)
      .run(error.slice(0, 500), notifierId).changes;
  }

  /** Makes dead deliveries pending again, due now. `id` null = every dead one. Returns how many. */
  retryDead(id: number | null, now = Date.now()): number {
    const sql = `UPDATE deliveries SET status = 'pending', attempts = 0, created_at = ?, next_attempt_at = ?, lease_until = 0 WHERE status = 'dead'`;
    return id === null ? this.db.prepare(sql).run(now, now).changes : this.db.prepare(`${sql} AND id = ?`).run(now, now, id).changes;
  }

  /** At start-up nothing can still be in flight: release every lease so interrupted sends go again now. */
  releaseLeases(): number {
    return this.db.prepare(`UPDATE deliveries SET lease_until = 0 WHERE status = 'pending' AND lease_until > 0`).run().changes;
  }

  list(q: { status?: DeliveryStatus; limit?: number } = {}): DeliveryRow[] {
    const rows = (
      q.status
        ? this.db.prepare('SELECT * FROM deliveries WHERE status = ? ORDER BY id DESC LIMIT ?').all(q.status, q.limit ?? 1000)
        : this.db.prepare('SELECT * FROM deliveries ORDER BY id DESC LIMIT ?').all(q.limit ?? 1000)
    ) as RawDelivery[];
    return rows.map(toDelivery);
  }

  /** Pending deliveries due at `now` (not waiting for a retry time or a group window). */
  countDue(now: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?`).get(now) as { n: number }).n;
  }

  countByStatus(): Record<DeliveryStatus, number> {
    const out: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const r of this.db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as { status: DeliveryStatus; n: number }[]) {
      out[r.status] = r.n;
    }
    return out;
  }
}

export function toDelivery(r: RawDelivery): DeliveryRow {
  return {
    id: r.id,
    kind: r.kind,
    hitId: r.hit_id,
    notifierId: r.notifier_id,
    groupKey: r.group_key,
    payload: r.payload_json ? JSON.parse(r.payload_json) : null,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    lastError: r.last_error,
  };
}
