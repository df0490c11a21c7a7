/** Pruning old rows, then folding the WAL back into the database file. */
import type { Db } from './db.js';

export interface RetentionAges {
  sightingsMs: number;
  inventoryMs: number;
  /** Undefined: hits are kept. */
  hitsMs?: number;
}

export interface PruneResult {
  sightings: number;
  inventory: number;
  hits: number;
  deliveries: number;
  issuances: number;
}

/**
 * Deletes sightings, inventory entries and (when configured) hits older than the given ages.
 * A hit keeps its first_seen/last_seen/times_seen when its sightings are pruned. Pending
 * deliveries are never deleted: a hit with one still queued is kept until it is delivered.
 * Idempotent. Runs in one transaction, then checkpoints the WAL.
 */
export function prune(db: Db, ages: RetentionAges, now = Date.now()): PruneResult {
  const r: PruneResult = { sightings: 0, inventory: 0, hits: 0, deliveries: 0, issuances: 0 };
  db.transaction(() => {
    r.sightings = db.prepare('DELETE FROM sightings WHERE seen_at < ?').run(now - ages.sightingsMs).changes;
    r.inventory = db.prepare('DELETE FROM inventory WHERE last_seen < ?').run(now - ages.inventoryMs).changes;
    if (ages.hitsMs !== undefined) {
      const cutoff = now - ages.hitsMs;
      const old = `SELECT id FROM hits WHERE last_seen < ? AND id NOT IN (SELECT hit_id FROM deliveries WHERE status = 'pending' AND hit_id IS NOT NULL)`;
      db.prepare(`DELETE FROM sightings WHERE hit_id IN (${old})`).run(cutoff);
      db.prepare(`DELETE FROM enrichments WHERE hit_id IN (${old})`).run(cutoff);
      db.prepare(`DELETE FROM enrich_schedule WHERE hit_id IN (${old})`).run(cutoff);
      r.deliveries = db.prepare(`DELETE FROM deliveries WHERE hit_id IN (${old})`).run(cutoff).changes;
      r.hits = db.prepare(`DELETE FROM hits WHERE id IN (${old})`).run(cutoff).changes;
      r.issuances = db
        .prepare('DELETE FROM issuances WHERE id NOT IN (SELECT issuance_id FROM hits) AND id NOT IN (SELECT issuance_id FROM sightings)')
        .run().changes;
    }
    // Delivered and dead rows of non-hit messages (health, digest, test) are not worth keeping forever.
    r.deliveries += db.prepare(`DELETE FROM deliveries WHERE hit_id IS NULL AND status != 'pending' AND created_at < ?`).run(now - ages.sightingsMs).changes;
  }).immediate();
  db.pragma('wal_checkpoint(TRUNCATE)');
  return r;
}
