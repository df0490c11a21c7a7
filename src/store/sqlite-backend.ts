/**
 * StoreBackend over the synchronous SQLite store (index.ts): every call runs synchronously and
 * returns a settled promise, so the SQLite path keeps its speed and its exact semantics.
 *
 * SQLite is for one instance: leases are kept in memory by this process (there is no one to share
 * them with). They still expire and fence recordBatch like the PostgreSQL ones, so callers are
 * written once and the shared suite checks both. Two processes on one SQLite file are not
 * supported (nor were they before).
 */
import { openStore, type Store } from './index.js';
import type { LeaseApi, LeaseHolder, RecordBatchOptions, StoreBackend } from './backend.js';
import { StoreError } from './backend.js';
import type { CandidateRecord, RouteFn } from './types.js';
import type { SearchTuning } from './dashboard.js';

export interface SqliteBackendOptions {
  realertAfterMs: number;
  now?: () => number;
  /** False for CLI readers (see openStore). */
  checkpointOnClose?: boolean;
  /** Tests only: the dashboard's search thresholds (see SearchTuning). */
  searchTuning?: SearchTuning;
}

const LOCAL = 'local';

/** Opens (creating and migrating) the SQLite file. Throws DB_OPEN / DB_TOO_NEW as openStore. */
export function openSqliteBackend(file: string, opts: SqliteBackendOptions): StoreBackend {
  return sqliteBackend(openStore(file, opts), opts.now ?? Date.now);
}

/** Wraps an already open Store (the daemon's: tests read the Store itself too). Closing closes it. */
export function sqliteBackend(store: Store, clock: () => number = Date.now): StoreBackend {
  const leases = new MemoryLeases(clock);
  // Runs `fn` and turns a synchronous throw into a rejection, as an async backend would.
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  const { hits, outbox, positions } = store;
  function recordBatchNow(records: readonly CandidateRecord[], route: RouteFn, opts: RecordBatchOptions = {}) {
    if (opts.fence !== undefined && !leases.holds(opts.fence)) {
      throw new StoreError('LEASE_LOST', `lease ${opts.fence} is not held by this instance`);
    }
    const pos = opts.position;
    return hits.recordBatch(records, route, pos ? () => positions.save(pos.logKey, pos.position, clock()) : undefined);
  }
  return {
    kind: 'sqlite',
    instanceId: LOCAL,
    hits: {
      recordBatch: (records: readonly CandidateRecord[], route: RouteFn, opts: RecordBatchOptions = {}) => run(() => recordBatchNow(records, route, opts)),
      recordBatchNow,
      listHits: (q) => run(() => hits.listHits(q)),
      getHit: (id) => run(() => hits.getHit(id)),
      sightings: (id) => run(() => hits.sightings(id)),
      setStatus: (id, status) => run(() => hits.setStatus(id, status)),
      listInventory: (q) => run(() => hits.listInventory(q)),
      addAllow: (domain) => run(() => hits.addAllow(domain)),
      listAllow: () => run(() => hits.listAllow()),
      counts: () => run(() => hits.counts()),
    },
    outbox: {
      enqueue: (kind, notifierIds, payload, now = clock()) => run(() => outbox.enqueue(kind, notifierIds, payload, now)),
      claimDue: (notifierId, now, limit, leaseMs) => run(() => outbox.claimDue(notifierId, now, limit, leaseMs)),
      markDelivered: (ids, now = clock()) => run(() => (outbox.markDelivered(ids, now), ids.length)),
      markRetry: (ids, next, error) => run(() => (outbox.markRetry(ids, next, error), ids.length)),
      defer: (ids, until) => run(() => (outbox.defer(ids, until), ids.length)),
      markDead: (ids, error) => run(() => (outbox.markDead(ids, error), ids.length)),
      killPending: (notifierId, error) => run(() => outbox.killPending(notifierId, error)),
      retryDead: (id, now = clock()) => run(() => outbox.retryDead(id, now)),
      releaseLeases: () => run(() => outbox.releaseLeases()),
      list: (q) => run(() => outbox.list(q)),
      countDue: (now) => run(() => outbox.countDue(now)),
      countByStatus: () => run(() => outbox.countByStatus()),
    },
    positions: {
      load: (logKey) => run(() => positions.load(logKey)),
      save: (logKey, position, now = clock()) => run(() => positions.save(logKey, position, now)),
    },
    leases,
    dashboard: store.dashboard,
    enrichment: store.enrichment,
    ctlog: {
      // Times default to the backend's clock (backend.ts), as on PostgreSQL.
      recordEvidence: (logUrl, kind, summary, evidence, at = clock()) => run(() => store.ctlogEvidence.record(logUrl, kind, summary, evidence, at)),
      listEvidence: (logUrl, limit) => run(() => store.ctlogEvidence.list(logUrl, limit)),
      knownLogs: () => run(() => store.ctlogKnown.all()),
      rememberLogs: (entries, now = clock()) => run(() => store.ctlogKnown.remember(entries, now)),
    },
    prune: (ages, now) => run(() => store.prune(ages, now)),
    ping: () => Promise.resolve(store.ping()),
    close: () =>
      run(() => {
        leases.clear();
        store.close();
      }),
  };
}

/** Leases of a single process: same contract as the PostgreSQL ones, one live instance. */
class MemoryLeases implements LeaseApi {
  private readonly held = new Map<string, number>();

  constructor(private readonly clock: () => number) {}

  holds(name: string, now = this.clock()): boolean {
    const until = this.held.get(name);
    return until !== undefined && until > now;
  }

  clear(): void {
    this.held.clear();
  }

  acquire(name: string, ttlMs: number, now = this.clock()): Promise<boolean> {
    this.held.set(name, now + ttlMs);
    return Promise.resolve(true);
  }

  release(name: string): Promise<boolean> {
    return Promise.resolve(this.held.delete(name));
  }

  holder(name: string, now = this.clock()): Promise<LeaseHolder | null> {
    const until = this.held.get(name);
    return Promise.resolve(until !== undefined && until > now ? { owner: LOCAL, expiresAt: until } : null);
  }

  heartbeat(ttlMs: number, now = this.clock()): Promise<number> {
    for (const name of this.held.keys()) this.held.set(name, now + ttlMs);
    return Promise.resolve(1);
  }

  async balance(names: readonly string[], ttlMs: number, now = this.clock()): Promise<string[]> {
    await this.heartbeat(ttlMs, now);
    for (const n of names) this.held.set(n, now + ttlMs);
    return [...new Set(names)].sort();
  }
}
