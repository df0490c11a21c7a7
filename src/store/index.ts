/**
 * The store: the only module that touches SQLite. Open it once; close it last.
 */
import { openDatabase, type Db } from './db.js';
import { HitStore } from './hit-store.js';
import { SqliteEnrichmentStore, type EnrichmentStore } from './enrichment-store.js';
import { Outbox } from './outbox.js';
import { PositionTable } from './positions.js';
import { CtLogEvidenceTable } from './ctlog-evidence.js';
import { CtLogKnownTable } from './ctlog-known.js';
import { prune, type PruneResult, type RetentionAges } from './retention.js';
import { SqliteDashboardQueries, type DashboardQueries, type SearchTuning } from './dashboard.js';

export interface Store {
  db: Db;
  hits: HitStore;
  outbox: Outbox;
  positions: PositionTable;
  /** Evidence of CT log misbehaviour. */
  ctlogEvidence: CtLogEvidenceTable;
  /** CT logs known from log lists, with the key first seen. */
  ctlogKnown: CtLogKnownTable;
  /** The dashboard's queries (async, so another database can implement them). */
  dashboard: DashboardQueries;
  /** Enrichment results, re-check schedule, held and update alerts (see enrich/). */
  enrichment: EnrichmentStore;
  /** Deletes rows older than the retention ages and checkpoints the WAL. Idempotent. */
  prune(ages: RetentionAges, now?: number): PruneResult;
  /** Answers a trivial query; false when the database is unusable. */
  ping(): boolean;
  /** Checkpoints the WAL and closes. Idempotent. */
  close(): void;
}

/** `searchTuning` exists for tests (both dashboard search paths on a small store). */
export function openStore(
  file: string,
  opts: { realertAfterMs: number; now?: () => number; checkpointOnClose?: boolean; alertDelayMs?: number; searchTuning?: SearchTuning },
): Store {
  const db = openDatabase(file);
  let closed = false;
  const hits = new HitStore(db, opts);
  return {
    db,
    hits,
    dashboard: new SqliteDashboardQueries(db, hits, opts.searchTuning),
    outbox: new Outbox(db),
    positions: new PositionTable(db),
    ctlogEvidence: new CtLogEvidenceTable(db),
    ctlogKnown: new CtLogKnownTable(db),
    enrichment: new SqliteEnrichmentStore(db),
    prune: (ages, now) => prune(db, ages, now),
    ping() {
      try {
        return !closed && (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
      } catch {
        return false;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        // The daemon folds the WAL back on exit; a CLI reader must not (it would wait on the writer).
        if (opts.checkpointOnClose !== false) db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
}

export type { Db, DashboardQueries, EnrichmentStore };
export { HitStore, Outbox };
