/**
 * Leases between instances on PostgreSQL: a row per lease (name, owner, expires_at) taken with an
 * upsert that only succeeds when the lease is free, expired or already ours, and a row per live
 * instance for spreading CT logs evenly. Expiry, not a session, ends a lease: an instance that
 * dies (SIGKILL, network cut) loses its leases ttl after its last heartbeat, and another takes
 * them over. recordBatch checks the lease it is fenced by in its own transaction (FOR SHARE), so a
 * takeover waits for an in-flight batch and a late batch of the old holder is refused.
 */
import type pg from 'pg';
import type { LeaseApi, LeaseHolder } from '../backend.js';
import { inTransaction, query } from './connection.js';

/** Instance rows dead this long are deleted by heartbeats. */
const FORGET_INSTANCE_MS = 86_400_000;

export function pgLeases(pool: pg.Pool, instanceId: string, clock: () => number): LeaseApi & { releaseAll(): Promise<void> } {
  const acquire = async (name: string, ttlMs: number, now = clock()): Promise<boolean> => {
    const r = await query(
      pool,
      `INSERT INTO leases (name, owner, expires_at, acquired_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at,
         acquired_at = CASE WHEN leases.owner = EXCLUDED.owner THEN leases.acquired_at ELSE EXCLUDED.acquired_at END
       WHERE leases.owner = EXCLUDED.owner OR leases.expires_at <= $4`,
      [name, instanceId, now + ttlMs, now],
    );
    return r.rowCount === 1;
  };

  const heartbeat = (ttlMs: number, now = clock()): Promise<number> =>
    inTransaction(pool, async (c) => {
      await c.query(
        `INSERT INTO instances (id, started_at, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
        [instanceId, now, now + ttlMs],
      );
      await c.query('UPDATE leases SET expires_at = $1 WHERE owner = $2', [now + ttlMs, instanceId]);
      await c.query('DELETE FROM instances WHERE expires_at < $1', [now - FORGET_INSTANCE_MS]);
      return (await c.query<{ n: number }>('SELECT count(*) AS n FROM instances WHERE expires_at > $1', [now])).rows[0]!.n;
    });

  return {
    acquire,
    async release(name) {
      return ((await query(pool, 'DELETE FROM leases WHERE name = $1 AND owner = $2', [name, instanceId])).rowCount ?? 0) > 0;
    },
    async holder(name, now = clock()): Promise<LeaseHolder | null> {
      const r = await query<{ owner: string; expires_at: number }>(pool, 'SELECT owner, expires_at FROM leases WHERE name = $1 AND expires_at > $2', [name, now]);
      return r.rows[0] ? { owner: r.rows[0].owner, expiresAt: r.rows[0].expires_at } : null;
    },
    heartbeat,
    async balance(names, ttlMs, now = clock()) {
      const wanted = [...new Set(names)].sort();
      await heartbeat(ttlMs, now);
      // Every instance sees the same live set, so they agree on the shares without talking: the
      // first (n mod live) instances by id take one more than the others.
      const liveIds = (await query<{ id: string }>(pool, 'SELECT id FROM instances WHERE expires_at > $1 ORDER BY id', [now])).rows.map((r) => r.id);
      const live = Math.max(1, liveIds.length);
      const rank = Math.max(0, liveIds.indexOf(instanceId));
      const share = Math.floor(wanted.length / live) + (rank < wanted.length % live ? 1 : 0);
      const rows = await query<{ name: string; owner: string; expires_at: number }>(pool, 'SELECT name, owner, expires_at FROM leases WHERE name = ANY($1::text[])', [wanted]);
      const byName = new Map(rows.rows.map((r) => [r.name, r]));
      const held = wanted.filter((n) => byName.get(n)?.owner === instanceId);
      // More than our share: give the surplus back so an instance below its share takes it.
      while (held.length > share) {
        const name = held.pop()!;
        await query(pool, 'DELETE FROM leases WHERE name = $1 AND owner = $2', [name, instanceId]);
      }
      if (held.length < share) {
        // Free or expired ones, in an order of our own, so instances starting together rarely
        // race for the same name (a lost race is harmless: acquire just says no).
        const free = wanted
          .filter((n) => {
            const r = byName.get(n);
            return !r || (r.owner !== instanceId && r.expires_at <= now);
          })
          .sort((a, b) => spread(a, instanceId) - spread(b, instanceId));
        for (const name of free) {
          if (held.length >= share) break;
          if (await acquire(name, ttlMs, now)) held.push(name);
        }
      }
      return held.sort();
    },
    /** Orderly stop: every lease and the instance row go, so others take over at once. */
    async releaseAll() {
      await query(pool, 'DELETE FROM leases WHERE owner = $1', [instanceId]);
      await query(pool, 'DELETE FROM instances WHERE id = $1', [instanceId]);
    },
  };
}

/** A stable pseudo-random rank of `name` for `instance` (FNV-1a). */
function spread(name: string, instance: string): number {
  let h = 0x811c9dc5;
  const s = `${instance}\u0000${name}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
