/** Hit queries, triage and the allow list on PostgreSQL (HitStore's, same semantics). */
import type pg from 'pg';
import { severityRank, type Severity } from '../../match/types.js';
import type { HitQuery, HitsApi, InventoryRow, Sighting, StoreCounts } from '../backend.js';
import { toInventoryRow, type RawInventoryRow } from '../types.js';
import { HIT_SELECT, toHitRow, type RawHit } from '../hit-store.js';
import type { HitRow, HitStatus, RecordResult } from '../types.js';
import { inTransaction, pgText, query } from './connection.js';
import { applyStatus, lockHits } from './triage.js';

export type PgHitsApi = Omit<HitsApi, 'recordBatch'>;

export function pgHits(pool: pg.Pool, now: () => number): PgHitsApi {
  const getHit = async (id: number): Promise<HitRow | null> => {
    const r = await query<RawHit>(pool, `${HIT_SELECT} WHERE h.id = $1`, [id]);
    return r.rows[0] ? toHitRow(r.rows[0]) : null;
  };
  return {
    async listHits(q: HitQuery = {}) {
      const where: string[] = [];
      const args: unknown[] = [];
      const arg = (v: unknown) => `$${args.push(v)}`;
      if (q.since !== undefined) where.push(`h.last_seen >= ${arg(q.since)}`);
      // SQLite compares brands with COLLATE NOCASE: ASCII letters only (translate); lower() for the index.
      if (q.brand !== undefined) {
        const b = arg(pgText(q.brand));
        const fold = (x: string) => `translate(${x}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
        where.push(`lower(h.brand) = lower(${b}) AND ${fold('h.brand')} = ${fold(b)}`);
      }
      if (q.status !== undefined) where.push(`h.status = ${arg(q.status)}`);
      if (q.minSeverity !== undefined) {
        const allowed = (['low', 'medium', 'high', 'critical'] as Severity[]).filter((s) => severityRank(s) >= severityRank(q.minSeverity!));
        where.push(`h.severity = ANY(${arg(allowed)}::text[])`);
      }
      const sql = `${HIT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.id DESC LIMIT ${arg(q.limit ?? 1_000_000)}`;
      return (await query<RawHit>(pool, sql, args)).rows.map(toHitRow);
    },
    getHit,
    async sightings(hitId: number): Promise<Sighting[]> {
      const r = await query<{ seen_at: number; log_url: string | null; log_index: number | null; source: string | null }>(
        pool,
        'SELECT seen_at, log_url, log_index, source FROM sightings WHERE hit_id = $1 ORDER BY id',
        [hitId],
      );
      return r.rows.map((x) => ({ seenAt: x.seen_at, logUrl: x.log_url, logIndex: x.log_index, source: x.source }));
    },
    setStatus(id: number, status: HitStatus): Promise<boolean> {
      return inTransaction(pool, async (c) => {
        const hit = (await lockHits(c, [id])).get(id);
        if (!hit) return false;
        await applyStatus(c, [hit], status, now());
        return true;
      });
    },
    // Text order here and below: COLLATE "C" (byte order, as SQLite's BINARY) whatever the database's collation.
    async listInventory(q: { watch?: string } = {}): Promise<InventoryRow[]> {
      const r =
        q.watch !== undefined
          ? await query(pool, 'SELECT * FROM inventory WHERE watch = $1 ORDER BY watch COLLATE "C", name COLLATE "C"', [q.watch])
          : await query(pool, 'SELECT * FROM inventory ORDER BY watch COLLATE "C", name COLLATE "C"');
      return (r.rows as RawInventoryRow[]).map(toInventoryRow);
    },
    async addAllow(domain: string) {
      await query(pool, 'INSERT INTO allowlist (domain, created_at) VALUES ($1, $2) ON CONFLICT (domain) DO NOTHING', [domain, now()]);
    },
    async listAllow() {
      return (await query<{ domain: string }>(pool, 'SELECT domain FROM allowlist ORDER BY domain COLLATE "C"')).rows.map((r) => r.domain);
    },
    async counts(): Promise<StoreCounts> {
      const r = await query<StoreCounts>(
        pool,
        'SELECT (SELECT count(*) FROM hits) AS hits, (SELECT count(*) FROM issuances) AS issuances, (SELECT count(*) FROM sightings) AS sightings',
      );
      return r.rows[0]!;
    },
  };
}

export type { RecordResult };
