/** Pruning on PostgreSQL: retention.ts's rules in one transaction (no WAL checkpoint to do). */
import type pg from 'pg';
import type { PruneResult, RetentionAges } from '../retention.js';
import { inTransaction } from './connection.js';

/** See retention.ts prune: same rows deleted, pending deliveries kept with their hits. Idempotent. */
export function prunePg(pool: pg.Pool, ages: RetentionAges, now: number): Promise<PruneResult> {
  return inTransaction(pool, async (c) => {
    const n = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rowCount ?? 0;
    const r: PruneResult = { sightings: 0, inventory: 0, hits: 0, deliveries: 0, issuances: 0 };
    r.sightings = await n('DELETE FROM sightings WHERE seen_at < $1', [now - ages.sightingsMs]);
    r.inventory = await n('DELETE FROM inventory WHERE last_seen < $1', [now - ages.inventoryMs]);
    if (ages.hitsMs !== undefined) {
      const cutoff = now - ages.hitsMs;
      const old = `SELECT id FROM hits WHERE last_seen < $1 AND id NOT IN (SELECT hit_id FROM deliveries WHERE status = 'pending' AND hit_id IS NOT NULL)`;
      await n(`DELETE FROM sightings WHERE hit_id IN (${old})`, [cutoff]);
      await n(`DELETE FROM enrichments WHERE hit_id IN (${old})`, [cutoff]);
      await n(`DELETE FROM enrich_schedule WHERE hit_id IN (${old})`, [cutoff]);
      r.deliveries = await n(`DELETE FROM deliveries WHERE hit_id IN (${old})`, [cutoff]);
      r.hits = await n(`DELETE FROM hits WHERE id IN (${old})`, [cutoff]);
      r.issuances = await n(
        `DELETE FROM issuances i WHERE NOT EXISTS (SELECT 1 FROM hits h WHERE h.issuance_id = i.id)
         AND NOT EXISTS (SELECT 1 FROM sightings s WHERE s.issuance_id = i.id)`,
      );
    }
    r.deliveries += await n(`DELETE FROM deliveries WHERE hit_id IS NULL AND status != 'pending' AND created_at < $1`, [now - ages.sightingsMs]);
    return r;
  });
}
