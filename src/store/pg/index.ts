/**
 * The PostgreSQL store backend: several ctwatch instances on one database (issue 16).
 * Not yet used by the daemon (see docs/operations.md, "High availability (PostgreSQL)").
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { RecordBatchOptions, StoreBackend } from '../backend.js';
import { StoreError } from '../backend.js';
import { migratePg, PG_MIGRATIONS } from '../migrations-pg.js';
import type { CandidateRecord, RecordResult, RouteFn } from '../types.js';
import type { SearchTuning } from '../dashboard.js';
import { createPool, inTransaction, mapError, query, type PgConnectionOptions } from './connection.js';
import { pgCtLogTables } from './ctlog-tables.js';
import { PgDashboardQueries } from './dashboard.js';
import { PgEnrichmentStore } from './enrichment.js';
import { pgHits } from './hits.js';
import { pgLeases } from './leases.js';
import { pgOutbox } from './outbox.js';
import { prepareBatch, recordBatchPg } from './record-batch.js';
import { prunePg } from './retention.js';

export interface PgBackendOptions extends PgConnectionOptions {
  realertAfterMs: number;
  now?: () => number;
  /** New hits' alerts wait this long so enrichment can add to them (as the SQLite HitStore). */
  alertDelayMs?: number;
  /** This instance's name in leases; default host:pid:random (a restart is a new instance). */
  instanceId?: string;
  /** Tests only: the dashboard's search thresholds (see SearchTuning). */
  searchTuning?: SearchTuning;
}

export interface PgStoreBackend extends StoreBackend {
  /** postgres://user@host:port/db, without password: safe to log. */
  readonly display: string;
}

/**
 * Connects, migrates (see migrations-pg.ts) and returns the backend. Rejects with StoreError
 * STORE_URL (bad url), STORE_UNAVAILABLE (server unreachable) or DB_TOO_NEW.
 */
export async function openPgBackend(opts: PgBackendOptions): Promise<PgStoreBackend> {
  const clock = opts.now ?? Date.now;
  const instanceId = opts.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const { pool, display, schema } = createPool(opts);
  try {
    const client = await pool.connect();
    try {
      await migratePg(client, PG_MIGRATIONS, schema ? { createSchema: schema } : {});
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw mapError(err);
  }

  const hits = pgHits(pool, clock);
  const outbox = pgOutbox(pool, instanceId, clock);
  const leases = pgLeases(pool, instanceId, clock);
  let closed = false;

  const recordBatch = (records: readonly CandidateRecord[], route: RouteFn, o: RecordBatchOptions = {}): Promise<RecordResult> => {
    if (records.length === 0 && !o.position) return Promise.resolve({ newHits: 0, sightings: 0, suppressed: 0, deliveries: 0, hitIds: [] });
    const batch = prepareBatch(records);
    return inTransaction(
      pool,
      async (c) => {
        const now = clock();
        if (o.fence !== undefined) {
          // FOR SHARE: a takeover (an UPDATE of this row) waits until this batch has committed.
          const held = await c.query('SELECT 1 FROM leases WHERE name = $1 AND owner = $2 AND expires_at > $3 FOR SHARE', [o.fence, instanceId, now]);
          if (held.rowCount === 0) throw new StoreError('LEASE_LOST', `lease ${o.fence} is not held by this instance`);
        }
        const result = await recordBatchPg(c, batch, route, { realertAfterMs: opts.realertAfterMs, now: clock, alertDelayMs: opts.alertDelayMs ?? 0 });
        if (o.position) {
          await c.query(
            `INSERT INTO ctlog_positions (log_key, position_json, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (log_key) DO UPDATE SET position_json = EXCLUDED.position_json, updated_at = EXCLUDED.updated_at`,
            [o.position.logKey, JSON.stringify(o.position.position), now],
          );
        }
        return result;
      },
      batch.beginSql,
    );
  };

  return {
    kind: 'postgres',
    instanceId,
    display,
    hits: { ...hits, recordBatch },
    outbox,
    positions: {
      async load(logKey) {
        const r = await query<{ position_json: string }>(pool, 'SELECT position_json FROM ctlog_positions WHERE log_key = $1', [logKey]);
        return r.rows[0] ? (JSON.parse(r.rows[0].position_json) as unknown) : null;
      },
      async save(logKey, position, now = clock()) {
        await query(
          pool,
          `INSERT INTO ctlog_positions (log_key, position_json, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (log_key) DO UPDATE SET position_json = EXCLUDED.position_json, updated_at = EXCLUDED.updated_at`,
          [logKey, JSON.stringify(position), now],
        );
      },
    },
    leases,
    dashboard: new PgDashboardQueries(pool, clock, opts.searchTuning),
    enrichment: new PgEnrichmentStore(pool),
    ctlog: pgCtLogTables(pool, clock),
    prune: (ages, now = clock()) => prunePg(pool, ages, now),
    async ping() {
      if (closed) return false;
      try {
        return (await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok === 1;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await outbox.releaseLeases();
        await leases.releaseAll();
      } catch {
        // The database is gone: the leases run out by themselves.
      } finally {
        await pool.end();
      }
    },
  };
}
