/**
 * Enrichment results (with history), the re-check schedule, and the outbox rows enrichment adds:
 * releasing a hit's held alerts and queueing update alerts. The interface is what the enrichment
 * worker needs from any store backend: SqliteEnrichmentStore here, PgEnrichmentStore in
 * pg/enrichment.ts, both checked by test/store/enrichment-suite.ts. Every method is asynchronous;
 * failures are rejections (never synchronous throws).
 */
import type { Db } from './db.js';
import { HIT_SELECT, toHitRow, type RawHit } from './hit-store.js';
import type { HitRow } from './types.js';
import type { Enrichment } from '../enrich/types.js';

/** Where a hit's original alert went to one notifier, so an update can refer to it. */
export interface SentAlert {
  notifierId: string;
  /** The original delivery row's id, and the first id and size of the message it went out in (null: not delivered yet). */
  deliveryId: number;
  message: { firstDeliveryId: number; count: number } | null;
}

/** save() for a hit that no longer exists. */
export class NoSuchHitError extends Error {
  readonly code = 'NO_SUCH_HIT';
  constructor(readonly hitId: number) {
    super(`hit ${hitId} no longer exists`);
    this.name = 'NoSuchHitError';
  }
}

export interface EnrichmentStore {
  /** The hit to enrich; null when it no longer exists. */
  hit(hitId: number): Promise<HitRow | null>;
  /**
   * Appends `e` to the hit's history and sets (or, with null, ends) its next re-check, in one
   * transaction. Returns the enrichment saved before this one, or null. Rejects with
   * NoSuchHitError (code NO_SUCH_HIT) when the hit no longer exists (pruned); then nothing is saved.
   */
  save(hitId: number, e: Enrichment, next: { round: number; dueAt: number } | null): Promise<Enrichment | null>;
  /** The latest enrichment of a hit, or null. */
  enrichmentFor(hitId: number): Promise<Enrichment | null>;
  /** The hit's enrichments, newest first. */
  history(hitId: number, limit?: number): Promise<Enrichment[]>;
  /**
   * Re-checks due at `now` for open hits (status new or acknowledged, not suppressed), oldest
   * first (ties by hit id); each claimed one is pushed `leaseMs` later so it is not claimed twice
   * meanwhile, by this or another instance. Schedule rows of closed or deleted hits are removed
   * (they count against `limit`).
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<{ hitId: number; round: number }[]>;
  /** Lets the hit's held alerts (pending, never attempted) go at `now`. Returns how many. Idempotent. */
  releaseAlerts(hitId: number, now: number): Promise<number>;
  /**
   * Notifiers the hit's alert has already left for: delivered, or claimed by a dispatcher right
   * now (its message built or about to be; a pending row with a lease, lease_until > 0, of any
   * instance, until its outcome is marked or the lease released). Read before saving a first enrichment, these are the
   * alerts that went without it. A held, deferred or retrying alert is not listed (it is built
   * again when it goes, with the enrichment saved by then).
   */
  alertsOut(hitId: number): Promise<string[]>;
  /** Where the hit's alert was routed (one entry per notifier). */
  sentAlerts(hitId: number): Promise<SentAlert[]>;
  /** Queues one 'update' delivery per entry of `payloads` (notifier id → payload). Returns their ids. */
  queueUpdates(hitId: number, payloads: ReadonlyMap<string, unknown>, now: number): Promise<number[]>;
  /** Open hits first seen at or after `since` with no enrichment and no schedule (work lost in a restart). */
  unenriched(since: number, limit: number): Promise<number[]>;
}

/**
 * On SQLite every method does its work synchronously, at the call, and returns a settled promise
 * (a failure, e.g. SQLITE_BUSY, is a rejected one): the methods are `async` without an `await`.
 */
export class SqliteEnrichmentStore implements EnrichmentStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      hit: db.prepare(`${HIT_SELECT} WHERE h.id = ?`),
      exists: db.prepare('SELECT 1 FROM hits WHERE id = ?'),
      latest: db.prepare('SELECT result_json FROM enrichments WHERE hit_id = ? ORDER BY id DESC LIMIT 1'),
      history: db.prepare('SELECT result_json FROM enrichments WHERE hit_id = ? ORDER BY id DESC LIMIT ?'),
      insert: db.prepare('INSERT INTO enrichments (hit_id, round, checked_at, severity, result_json) VALUES (?, ?, ?, ?, ?)'),
      schedule: db.prepare('INSERT INTO enrich_schedule (hit_id, round, due_at) VALUES (?, ?, ?) ON CONFLICT (hit_id) DO UPDATE SET round = excluded.round, due_at = excluded.due_at'),
      unschedule: db.prepare('DELETE FROM enrich_schedule WHERE hit_id = ?'),
      due: db.prepare(`SELECT s.hit_id, s.round, h.status, h.suppressed FROM enrich_schedule s LEFT JOIN hits h ON h.id = s.hit_id WHERE s.due_at <= ? ORDER BY s.due_at, s.hit_id LIMIT ?`),
      lease: db.prepare('UPDATE enrich_schedule SET due_at = ? WHERE hit_id = ?'),
      release: db.prepare(`UPDATE deliveries SET next_attempt_at = ? WHERE hit_id = ? AND kind = 'hit' AND status = 'pending' AND attempts = 0 AND next_attempt_at > ?`),
      out: db.prepare(`SELECT DISTINCT notifier_id FROM deliveries WHERE hit_id = ? AND kind = 'hit' AND (status = 'delivered' OR (status = 'pending' AND lease_until > 0)) ORDER BY notifier_id`),
      routed: db.prepare(`SELECT id, notifier_id, status, delivered_at FROM deliveries WHERE hit_id = ? AND kind = 'hit' ORDER BY id`),
      sentWith: db.prepare(`SELECT id FROM deliveries WHERE notifier_id = ? AND kind = 'hit' AND status = 'delivered' AND delivered_at = ? ORDER BY next_attempt_at, id`),
      insertUpdate: db.prepare(`INSERT INTO deliveries (kind, hit_id, notifier_id, payload_json, created_at, next_attempt_at) VALUES ('update', ?, ?, ?, ?, ?)`),
      unenriched: db.prepare(`SELECT h.id FROM hits h WHERE h.first_seen >= ? AND h.suppressed = 0 AND h.status != 'false_positive'
        AND NOT EXISTS (SELECT 1 FROM enrichments e WHERE e.hit_id = h.id) AND NOT EXISTS (SELECT 1 FROM enrich_schedule s WHERE s.hit_id = h.id)
        ORDER BY h.id LIMIT ?`),
    };
  }

  async hit(hitId: number): Promise<HitRow | null> {
    const raw = this.stmts.hit.get(hitId) as RawHit | undefined;
    return raw ? toHitRow(raw) : null;
  }

  async save(hitId: number, e: Enrichment, next: { round: number; dueAt: number } | null): Promise<Enrichment | null> {
    return this.db.transaction(() => {
      // Checked, not left to the foreign key: both backends reject the same way.
      if (!this.stmts.exists.get(hitId)) throw new NoSuchHitError(hitId);
      const prev = this.latest(hitId);
      this.stmts.insert.run(hitId, e.round, Date.parse(e.checked_at), e.severity, JSON.stringify(e));
      if (next) this.stmts.schedule.run(hitId, next.round, next.dueAt);
      else this.stmts.unschedule.run(hitId);
      return prev;
    }).immediate();
  }

  async enrichmentFor(hitId: number): Promise<Enrichment | null> {
    return this.latest(hitId);
  }

  private latest(hitId: number): Enrichment | null {
    const row = this.stmts.latest.get(hitId) as { result_json: string } | undefined;
    return row ? (JSON.parse(row.result_json) as Enrichment) : null;
  }

  async history(hitId: number, limit = 50): Promise<Enrichment[]> {
    return (this.stmts.history.all(hitId, limit) as { result_json: string }[]).map((r) => JSON.parse(r.result_json) as Enrichment);
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<{ hitId: number; round: number }[]> {
    return this.db.transaction(() => {
      const out: { hitId: number; round: number }[] = [];
      for (const r of this.stmts.due.all(now, limit) as { hit_id: number; round: number; status: string | null; suppressed: number | null }[]) {
        if (r.status === null || r.status === 'false_positive' || r.suppressed) {
          this.stmts.unschedule.run(r.hit_id);
          continue;
        }
        this.stmts.lease.run(now + leaseMs, r.hit_id);
        out.push({ hitId: r.hit_id, round: r.round });
      }
      return out;
    }).immediate();
  }

  async releaseAlerts(hitId: number, now: number): Promise<number> {
    return this.stmts.release.run(now, hitId, now).changes;
  }

  async alertsOut(hitId: number): Promise<string[]> {
    return (this.stmts.out.all(hitId) as { notifier_id: string }[]).map((r) => r.notifier_id);
  }

  async sentAlerts(hitId: number): Promise<SentAlert[]> {
    const rows = this.stmts.routed.all(hitId) as { id: number; notifier_id: string; status: string; delivered_at: number | null }[];
    return rows.map((r) => {
      if (r.status !== 'delivered' || r.delivered_at === null) return { notifierId: r.notifier_id, deliveryId: r.id, message: null };
      // Rows one human message carried were marked delivered together (one timestamp).
      const ids = (this.stmts.sentWith.all(r.notifier_id, r.delivered_at) as { id: number }[]).map((x) => x.id);
      return { notifierId: r.notifier_id, deliveryId: r.id, message: { firstDeliveryId: ids[0] ?? r.id, count: Math.max(1, ids.length) } };
    });
  }

  async queueUpdates(hitId: number, payloads: ReadonlyMap<string, unknown>, now: number): Promise<number[]> {
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const [notifierId, payload] of payloads) ids.push(Number(this.stmts.insertUpdate.run(hitId, notifierId, JSON.stringify(payload), now, now).lastInsertRowid));
    }).immediate();
    return ids;
  }

  async unenriched(since: number, limit: number): Promise<number[]> {
    return (this.stmts.unenriched.all(since, limit) as { id: number }[]).map((r) => r.id);
  }
}
