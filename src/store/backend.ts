/**
 * The asynchronous store interface both backends implement: SQLite (sqlite-backend.ts, one
 * instance) and PostgreSQL (pg/, several instances on one database).
 *
 * The daemon (app.ts), the CLI and the jobs use the store only through this interface; the
 * backend is chosen by the config (open-backend.ts: store.url PostgreSQL, else store.path SQLite).
 * Each method mirrors one of HitStore / Outbox / PositionTable / prune, grouped the same way.
 *
 * Semantics shared by both backends (the shared suite test/store/backend-suite.ts checks them):
 * - identity rules of hit-store.ts: one hit per (issuance, rule), renewals within the realert
 *   window are sightings, suppressed registrable domains store hits as suppressed;
 * - a batch, its deliveries and an optional CT-log position commit together or not at all;
 * - times are milliseconds since the epoch, from the backend's `now` option unless passed in.
 *   Several PostgreSQL instances compare each other's lease times: their clocks must be synced
 *   (NTP); lease lengths (seconds) are far above ordinary skew.
 */
import type { Severity } from '../match/types.js';
import type { ClaimedDelivery, DeliveryKind, DeliveryRow, DeliveryStatus } from './outbox.js';
import type { PruneResult, RetentionAges } from './retention.js';
import type { CandidateRecord, HitRow, HitStatus, InventoryRow, RecordResult, RouteFn } from './types.js';
import type { DashboardQueries } from './dashboard.js';
import type { EnrichmentStore } from './enrichment-store.js';
import type { CtLogEvidenceRow } from './ctlog-evidence.js';

export type BackendKind = 'sqlite' | 'postgres';

/** Options of recordBatch beyond the records. */
export interface RecordBatchOptions {
  /**
   * A CT-log reading position, saved in the same transaction as the hits it covers, so a crash
   * can neither lose those hits nor have their entries processed twice.
   */
  position?: { logKey: string; position: unknown };
  /**
   * A lease (see LeaseApi) the batch is only valid under, e.g. ctlogLease(logKey). When this
   * instance does not hold it (expired, taken over), nothing is written and recordBatch rejects
   * with code LEASE_LOST: the instance that holds it now reads those entries again.
   */
  fence?: string;
}

export interface HitQuery {
  since?: number;
  brand?: string;
  minSeverity?: Severity;
  status?: HitStatus;
  limit?: number;
}

export interface Sighting {
  seenAt: number;
  logUrl: string | null;
  logIndex: number | null;
  source: string | null;
}

export type { InventoryRow };

export interface StoreCounts {
  hits: number;
  issuances: number;
  sightings: number;
}

/** Hits, sightings, inventory, triage and the allow list (HitStore). */
export interface HitsApi {
  /**
   * Records a batch of candidate certificates in one transaction: issuances, hits or sightings,
   * inventory, one pending delivery per routed notifier for every new unsuppressed hit, and
   * `opts.position`. Idempotent per issuance (again = sightings only). Rejects with LEASE_LOST
   * (see RecordBatchOptions.fence) or STORE_UNAVAILABLE; then nothing was written.
   */
  recordBatch(records: readonly CandidateRecord[], route: RouteFn, opts?: RecordBatchOptions): Promise<RecordResult>;
  /**
   * recordBatch done synchronously, offered by a backend that can (SQLite): the ingest path then
   * spends no promise and no event-loop turn per batch. Throws where recordBatch rejects.
   */
  recordBatchNow?(records: readonly CandidateRecord[], route: RouteFn, opts?: RecordBatchOptions): RecordResult;
  /** Newest first; `minSeverity` includes more severe ones. */
  listHits(q?: HitQuery): Promise<HitRow[]>;
  getHit(id: number): Promise<HitRow | null>;
  /** Oldest first. */
  sightings(hitId: number): Promise<Sighting[]>;
  /**
   * Sets a triage status; `false_positive` also suppresses the registrable domain for the brand,
   * reopening lifts the suppressions that hit created. False when there is no such hit. Idempotent.
   */
  setStatus(id: number, status: HitStatus): Promise<boolean>;
  listInventory(q?: { watch?: string }): Promise<InventoryRow[]>;
  /** Idempotent. */
  addAllow(domain: string): Promise<void>;
  listAllow(): Promise<string[]>;
  counts(): Promise<StoreCounts>;
}

/**
 * The delivery outbox (Outbox). Rows are claimed with a lease: a claimed row is not claimed again
 * until the lease expires, so a dead instance's in-flight deliveries are taken over. The mark*
 * and defer methods apply to rows this instance claimed; on PostgreSQL a row whose lease was
 * taken over by another instance is left alone (its new holder records the outcome). They
 * return how many rows were updated.
 */
export interface OutboxApi {
  enqueue(kind: Exclude<DeliveryKind, 'hit'>, notifierIds: readonly string[], payload: unknown, now?: number): Promise<number[]>;
  /** Up to `limit` due pending rows of one notifier, oldest first, leased until now + leaseMs. */
  claimDue(notifierId: string, now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  markDelivered(ids: readonly number[], now?: number): Promise<number>;
  markRetry(ids: readonly number[], nextAttemptAt: number, error: string): Promise<number>;
  /** Later, without counting an attempt (grouping windows, pacing). */
  defer(ids: readonly number[], until: number): Promise<number>;
  markDead(ids: readonly number[], error: string): Promise<number>;
  killPending(notifierId: string, error: string): Promise<number>;
  /** Dead rows pending again, due now; `id` null = every dead one. */
  retryDead(id: number | null, now?: number): Promise<number>;
  /**
   * Releases the leases of this instance (start-up after a crash, orderly stop). SQLite: every
   * lease (one process). PostgreSQL: only rows leased by this instance id; other instances'
   * leases run out by themselves.
   */
  releaseLeases(): Promise<number>;
  list(q?: { status?: DeliveryStatus; limit?: number }): Promise<DeliveryRow[]>;
  countDue(now: number): Promise<number>;
  countByStatus(): Promise<Record<DeliveryStatus, number>>;
}

/** CT-log reading positions (PositionTable). */
export interface PositionsApi {
  load(logKey: string): Promise<unknown | null>;
  /** Upsert. Prefer RecordBatchOptions.position, which commits with the hits. */
  save(logKey: string, position: unknown, now?: number): Promise<void>;
}

export interface LeaseHolder {
  owner: string;
  expiresAt: number;
}

/**
 * Named, expiring leases between instances: one per CT log (ctlogLease), one for the jobs
 * (LEADER_LEASE). A lease is held until `expiresAt`; an expired lease may be taken by anyone.
 */
export interface LeaseApi {
  /** Takes the lease when free, expired or already ours (then renews it). True when held after. */
  acquire(name: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Gives it up when ours. True when it was ours. */
  release(name: string): Promise<boolean>;
  holder(name: string, now?: number): Promise<LeaseHolder | null>;
  /**
   * Marks this instance alive until now + ttlMs and renews every lease it holds. Returns the
   * number of live instances (itself included). Call every ttlMs / 3 or so.
   */
  heartbeat(ttlMs: number, now?: number): Promise<number>;
  /**
   * Heartbeat, then spreads `names` evenly over the live instances: each instance's share is
   * floor(names / live), plus one for the first (names mod live) instances by id; it keeps or
   * takes (free or expired names) up to its share and releases any beyond it so another instance
   * can take them. Returns the names held after, sorted. Called every ttl / 3 by every instance,
   * it settles within a few calls after an instance joins or dies (a dead one's leases expire
   * ttl after its last heartbeat): with ttl 15 s, a dead instance's logs are read again within
   * about 25 s.
   */
  balance(names: readonly string[], ttlMs: number, now?: number): Promise<string[]>;
}

/** CT-log misbehaviour evidence and the logs known from log lists (ctlog-evidence.ts, ctlog-known.ts). */
export interface CtLogTablesApi {
  /** Stores evidence, at most MAX_EVIDENCE_PER_KIND rows per (log, kind). True when stored. */
  recordEvidence(logUrl: string, kind: string, summary: string, evidence: Record<string, unknown>, at?: number): Promise<boolean>;
  /** Newest first. */
  listEvidence(logUrl?: string, limit?: number): Promise<CtLogEvidenceRow[]>;
  /** Every known log: URL → the list entry first seen for it. */
  knownLogs(): Promise<Map<string, unknown>>;
  /** Remembers logs not known yet (a known URL keeps its first entry). Idempotent. */
  rememberLogs(entries: ReadonlyArray<{ url: string; entry: unknown }>, now?: number): Promise<void>;
}

export interface StoreBackend {
  readonly kind: BackendKind;
  /** This instance's identity in leases (PostgreSQL); 'local' for SQLite. */
  readonly instanceId: string;
  readonly hits: HitsApi;
  readonly outbox: OutboxApi;
  readonly positions: PositionsApi;
  readonly leases: LeaseApi;
  /** The dashboard's queries and triage. */
  readonly dashboard: DashboardQueries;
  /** Enrichment results, schedule, held and update alerts. */
  readonly enrichment: EnrichmentStore;
  readonly ctlog: CtLogTablesApi;
  /** Deletes rows older than the retention ages (retention.ts semantics). Idempotent. */
  prune(ages: RetentionAges, now?: number): Promise<PruneResult>;
  /** True when the database answers a trivial query. Never throws. */
  ping(): Promise<boolean>;
  /** Releases this instance's leases and closes. Idempotent. */
  close(): Promise<void>;
}

/** The lease that fences one CT log's reading (RecordBatchOptions.fence). */
export function ctlogLease(logKey: string): string {
  return `ctlog:${logKey}`;
}

/** The lease the scheduled jobs (retention, digest) run under: one instance runs them. */
export const LEADER_LEASE = 'leader:jobs';

/** Error codes a backend rejects with (besides the database's own). */
export type StoreErrorCode = 'LEASE_LOST' | 'STORE_UNAVAILABLE' | 'DB_TOO_NEW' | 'STORE_URL' | 'TARGET_NOT_EMPTY' | 'SCHEMA_MISMATCH';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** True for the error a backend rejects with while its database cannot be reached (an outage, not a bug). */
export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof StoreError && err.code === 'STORE_UNAVAILABLE';
}

/**
 * True for errors after which the same write may well succeed later: the store unavailable, or a
 * SQLite file locked by another process for longer than its busy timeout.
 */
export function isTransientStoreError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isStoreUnavailable(err) || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
