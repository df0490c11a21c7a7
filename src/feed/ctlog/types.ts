/**
 * Narrow interfaces between the CT log source and the daemon: where positions are kept, how a
 * log is configured, and what status the source reports for /readyz and /metrics.
 */

/**
 * Reading position of one log. Every entry below `index` was handed to the sink and the sink
 * resolved (its hits committed). Entries below `verifiedSize` are also proven: their Merkle
 * root equalled a signed tree head of that size.
 */
export interface LogPosition {
  /** Next entry to process. */
  index: number;
  /** Compact range of [0, index): base64 SHA-256 hashes, largest subtree first. */
  frontier: string[];
  /** Largest tree size proven against a signed tree head (≤ index). */
  verifiedSize: number;
  /** Compact range of [0, verifiedSize), to fall back to if unproven entries turn out inconsistent. */
  verifiedFrontier: string[];
  /** Base64 root hash of the signed tree head at verifiedSize. */
  verifiedRoot: string;
}

/**
 * Persistent store of log positions (the daemon implements it with SQLite).
 * `load` returns the saved position or null for a log never read. `save` must be durable when
 * its promise resolves (or when it returns, if synchronous); it replaces the previous value
 * and is idempotent. `logKey` is the log's URL as configured (never a certificate name).
 */
export interface PositionStore {
  load(logKey: string): LogPosition | null | Promise<LogPosition | null>;
  save(logKey: string, position: LogPosition): void | Promise<void>;
}

/** A log to read, as selected from the log list. */
export interface CtLogConfig {
  kind: 'rfc6962' | 'static';
  /** RFC 6962: log URL; static: monitoring prefix. The log's key in positions and status. */
  url: string;
  /** Static logs: submission prefix; the checkpoint origin is derived from it unless `origin` is set. */
  submissionUrl?: string;
  /** Static logs: checkpoint origin line (overrides the one derived from submissionUrl). */
  origin?: string;
  /** Base64 SubjectPublicKeyInfo from the log list. */
  key: string;
  /** Static logs: alternatively, a C2SP signed-note Ed25519 verifier key (name+id+key). */
  noteVerifierKey?: string;
  description?: string;
  /** Maximum merge delay from the log list, seconds: a tree head older than this, and than 24 h, is misbehaviour. */
  mmdSeconds?: number;
}

/** What a log did wrong: each kind is an alert (`ctlog.misbehaving`) with its evidence stored. */
export type MisbehaviourKind = 'two-roots' | 'shrunk' | 'inconsistent' | 'stale-tree-head' | 'precert-mismatch';

export interface LogMisbehaviour {
  kind: MisbehaviourKind;
  /** One line for the operator; never a certificate name. */
  summary: string;
  /** The signed data that proves it (tree sizes, roots, the signed tree head text). */
  evidence: Record<string, unknown>;
}

export interface LogStatus {
  url: string;
  name: string | null;
  kind: 'rfc6962' | 'static';
  /** Size of the latest verified signed tree head (null before the first contact). */
  treeSize: number | null;
  /** Next entry to process (null before the position was set). */
  position: number | null;
  /** Largest size proven against a signed tree head. */
  verifiedSize: number | null;
  /** Entries behind the tree head (treeSize - position), null if unknown. */
  lag: number | null;
  /** Epoch ms of the last successful, verified tree head fetch. */
  lastContact: number | null;
  /** Epoch ms the last batch of entries was committed. */
  lastProgress: number | null;
  /** Signed tree heads / trees that failed verification since start. */
  verificationFailures: number;
  /** Entries that could not be decoded and were skipped (still hashed and verified). */
  malformedEntries: number;
  /** Precertificate entries rejected because the precertificate does not carry the hashed TBS. */
  rejectedEntries: number;
  /** Misbehaviour observed since start (two roots, shrinking tree, failed consistency, stale head, rejected entry). */
  misbehaviour: number;
  entriesProcessed: number;
  lastError: { code: string; message: string; at: number } | null;
  /** False after a failed round, true after a successful one. */
  healthy: boolean;
  /** HTTP figures for this log. */
  http: { requests: number; retries: number; throttled: number };
}
