import { createHash } from 'node:crypto';
import type { CertEvent, Source } from '../types.js';
import { type Clock, realClock } from './clock.js';
import { CtLogError } from './errors.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits, LogHttpClient } from './http.js';
import type { DecodedEntry } from './leaf.js';
import { CompactRange, EMPTY_ROOT } from './merkle.js';
import { ed25519NoteVerifier, originFromSubmissionUrl, rfc6962NoteVerifier } from './note.js';
import type { LogReader } from './reader.js';
import { Rfc6962Reader } from './rfc6962-client.js';
import { parseLogKey } from './signature.js';
import { StaticCtReader } from './static-client.js';
import { bytesEqual } from './tls-reader.js';
import type { SignedTreeHead } from './signature.js';
import type { CtLogConfig, LogMisbehaviour, LogPosition, LogStatus, PositionStore } from './types.js';

/**
 * The direct-from-CT-logs source: one loop per log that fetches the signed tree head, checks
 * its signature, reads entries from the saved position, hands them to the sink, and saves the
 * position only after the sink resolved. When the entries reach the tree head, their Merkle
 * root (computed onto the saved frontier) must equal the signed root; only then is the
 * position marked verified. A mismatch (an inconsistent tree) is counted, reported, and the
 * position falls back to the last verified one, so it never stays past unproven entries.
 */

export interface CtLogLimits extends HttpLimits {
  /** Pause between rounds once caught up with the tree head. */
  pollIntervalMs: number;
  /** First pause after a failed round; doubles per consecutive failure up to maxErrorBackoffMs. */
  errorBackoffMs: number;
  maxErrorBackoffMs: number;
  /** Entries per get-entries request (RFC 6962 logs). */
  batchSize: number;
  /** Issuer certificates cached per static log. */
  issuerCacheSize: number;
}

export const DEFAULT_CTLOG_LIMITS: CtLogLimits = {
  ...DEFAULT_HTTP_LIMITS,
  pollIntervalMs: 30_000,
  errorBackoffMs: 5_000,
  maxErrorBackoffMs: 300_000,
  batchSize: 256,
  issuerCacheSize: 256,
};

export interface CtLogSourceOptions {
  /** Source id for CertEvent.source (default "ctlogs"). */
  id?: string;
  logs: CtLogConfig[];
  positions: PositionStore;
  /**
   * Resolves only after the pipeline committed the hits of these events. `progress` is the
   * position to save after them: a store that writes it in the same transaction as the hits
   * makes delivery exactly-once across crashes, and resolves true to say so (the source then
   * does not save it again); otherwise the source saves it right after.
   */
  sink: (events: CertEvent[], progress: { logKey: string; position: LogPosition }) => Promise<boolean | void>;
  /** Called when a log turns healthy/unhealthy and on every verification failure. */
  onHealth?: (logUrl: string, status: LogStatus) => void;
  /** Called once per failed round with the error, for logging. */
  onError?: (logUrl: string, error: CtLogError) => void;
  /** Called with each failed request that will be retried (network trouble is known before the retries run out). */
  onRetry?: (logUrl: string, error: CtLogError) => void;
  /**
   * Called once per distinct misbehaviour of a log (two roots for one size, a shrinking tree,
   * entries or proofs inconsistent with a signed root, a tree head older than the MMD, a
   * precertificate not matching its hashed TBS), with the evidence. The same observation
   * repeated on later rounds is not told again.
   */
  onMisbehaviour?: (logUrl: string, m: LogMisbehaviour) => void;
  /** Where a log with no saved position starts: its current tree size (default) or entry 0. */
  startAt?: 'end' | 'start';
  fetch?: typeof fetch;
  clock?: Clock;
  limits?: Partial<CtLogLimits>;
  userAgent?: string;
}

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function asCtLogError(e: unknown): CtLogError {
  return e instanceof CtLogError ? e : new CtLogError('bad-value', 'unexpected error', { cause: e });
}

/** Reads one log until aborted. */
class LogWorker {
  readonly status: LogStatus;
  private reader: LogReader | null = null;
  private http: LogHttpClient | null = null;

  constructor(
    private readonly cfg: CtLogConfig,
    private readonly opts: CtLogSourceOptions,
    private readonly limits: CtLogLimits,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    private readonly sourceId: string,
  ) {
    this.status = {
      url: cfg.url,
      name: cfg.description ?? null,
      kind: cfg.kind,
      treeSize: null,
      position: null,
      verifiedSize: null,
      lag: null,
      lastContact: null,
      lastProgress: null,
      verificationFailures: 0,
      malformedEntries: 0,
      rejectedEntries: 0,
      misbehaviour: 0,
      entriesProcessed: 0,
      lastError: null,
      healthy: false,
      http: { requests: 0, retries: 0, throttled: 0 },
    };
  }

  /** Builds the reader; a bad key is recorded as this log's error (the other logs go on). */
  init(): boolean {
    try {
      this.http = new LogHttpClient({
        fetch: this.opts.fetch,
        clock: this.clock,
        limits: this.limits,
        userAgent: this.opts.userAgent,
        signal: this.signal,
        onRetry: (err) => this.opts.onRetry?.(this.cfg.url, err),
      });
      const url = this.cfg.url.endsWith('/') ? this.cfg.url : this.cfg.url + '/';
      if (this.cfg.kind === 'rfc6962') {
        this.reader = new Rfc6962Reader(url, parseLogKey(this.cfg.key), this.http, this.limits.batchSize);
      } else {
        const origin = this.cfg.origin ?? originFromSubmissionUrl(this.cfg.submissionUrl ?? this.cfg.url);
        const verifier = this.cfg.noteVerifierKey ? ed25519NoteVerifier(this.cfg.noteVerifierKey) : rfc6962NoteVerifier(origin, parseLogKey(this.cfg.key));
        this.reader = new StaticCtReader(url, verifier, this.http, this.limits.issuerCacheSize);
      }
      return true;
    } catch (e) {
      this.fail(asCtLogError(e));
      return false;
    }
  }

  async run(): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      let wait = this.limits.pollIntervalMs;
      try {
        await this.round();
        failures = 0;
        this.setHealthy(true);
      } catch (e) {
        if (this.signal.aborted) break;
        failures++;
        this.fail(asCtLogError(e));
        wait = Math.min(this.limits.maxErrorBackoffMs, this.limits.errorBackoffMs * 2 ** (failures - 1));
      }
      this.syncHttp();
      if (this.signal.aborted) break;
      await this.clock.sleep(wait, this.signal);
    }
    this.syncHttp();
  }

  private syncHttp(): void {
    if (!this.http) return;
    const s = this.http.stats;
    this.status.http = { requests: s.requests, retries: s.retries, throttled: s.throttled };
  }

  /** Health last told to onHealth (null: nothing told yet). */
  private reported: boolean | null = null;

  private setHealthy(h: boolean): void {
    this.status.healthy = h;
    if (h) this.status.lastError = null;
    if (this.reported !== h) this.report();
  }

  private report(): void {
    this.reported = this.status.healthy;
    try {
      this.opts.onHealth?.(this.cfg.url, this.snapshot());
    } catch {
      // A failing health callback must not stop the log loop.
    }
  }

  private fail(err: CtLogError): void {
    this.status.lastError = { code: err.code, message: err.message, at: this.clock.now() };
    const verification = ['bad-signature', 'no-signature', 'inconsistent-tree', 'bad-proof'].includes(err.code);
    if (verification) this.status.verificationFailures++;
    if (err.code === 'bad-proof') {
      // A proof (audit path, hash tiles) that does not lead to the signed root.
      this.misbehave(`bad-proof|${err.message}`, { kind: 'inconsistent', summary: 'a Merkle proof served by the log does not match its signed tree head', evidence: { reason: err.message } });
    }
    this.tellError(err);
    this.status.healthy = false;
    if (verification || this.reported !== false) this.report();
  }

  /** Keys of misbehaviour already told (bounded: cleared when it grows past 10,000). */
  private readonly told = new Set<string>();
  /** A stale tree head was told and no fresh one seen since. */
  private staleTold = false;

  private misbehave(key: string, m: LogMisbehaviour): void {
    if (this.told.has(key)) return;
    if (this.told.size >= 10_000) this.told.clear();
    this.told.add(key);
    this.status.misbehaviour++;
    try {
      this.opts.onMisbehaviour?.(this.cfg.url, m);
    } catch {
      // reporting must not stop the loop
    }
  }

  /** The evidence fields of a signed tree head. */
  private headEvidence(sth: SignedTreeHead): Record<string, unknown> {
    return { tree_size: sth.treeSize, timestamp: sth.timestamp, root_hash: b64(sth.rootHash), signed: sth.signed ?? null };
  }

  /** A tree head older than the log's maximum merge delay: told once until a fresh one comes. */
  private checkFreshness(sth: SignedTreeHead): void {
    if (sth.timestamp <= 0) return; // a checkpoint without a timestamp (Ed25519 note key)
    // At least 24 h: tiled logs list an MMD of 60 s, and a CDN may serve a checkpoint a while.
    const mmdMs = Math.max(this.cfg.mmdSeconds ?? 86_400, 86_400) * 1000;
    const age = this.clock.now() - sth.timestamp;
    if (age <= mmdMs) {
      this.staleTold = false;
      return;
    }
    if (this.staleTold) return;
    this.staleTold = true;
    this.told.delete(`stale|${sth.treeSize}|${sth.timestamp}`);
    this.misbehave(`stale|${sth.treeSize}|${sth.timestamp}`, {
      kind: 'stale-tree-head',
      summary: `the newest tree head is ${Math.round(age / 3_600_000)} h old, more than the log's maximum merge delay of ${Math.round(mmdMs / 3_600_000)} h`,
      evidence: { ...this.headEvidence(sth), age_seconds: Math.round(age / 1000), mmd_seconds: mmdMs / 1000 },
    });
  }

  private tellError(err: CtLogError): void {
    try {
      this.opts.onError?.(this.cfg.url, err);
    } catch {
      // logging must not stop the loop
    }
  }

  snapshot(): LogStatus {
    this.syncHttp();
    return structuredClone(this.status);
  }

  private setPosition(p: LogPosition): void {
    this.status.position = p.index;
    this.status.verifiedSize = p.verifiedSize;
    this.status.lag = this.status.treeSize === null ? null : Math.max(0, this.status.treeSize - p.index);
  }

  private async save(p: LogPosition): Promise<void> {
    await this.opts.positions.save(this.cfg.url, p);
    this.setPosition(p);
  }

  /** One round: tree head, then entries up to it, then the proof. */
  private async round(): Promise<void> {
    const reader = this.reader!;
    const sth = await reader.getTreeHead();
    this.status.lastContact = this.clock.now();
    this.status.treeSize = sth.treeSize;
    this.checkFreshness(sth);

    let pos = await this.opts.positions.load(this.cfg.url);
    if (!pos) {
      const range = this.opts.startAt === 'start' ? CompactRange.empty() : await reader.frontierAt(sth);
      const f = range.frontier().map(b64);
      pos = { index: range.size, frontier: f, verifiedSize: range.size, verifiedFrontier: f, verifiedRoot: b64(range.size === 0 ? EMPTY_ROOT : sth.rootHash) };
      await this.save(pos);
    }
    this.setPosition(pos);

    if (sth.treeSize < pos.verifiedSize) {
      this.misbehave(`shrunk|${sth.treeSize}|${b64(sth.rootHash)}`, {
        kind: 'shrunk',
        summary: `signed a tree of ${sth.treeSize} entries after one of ${pos.verifiedSize} was verified`,
        evidence: { ...this.headEvidence(sth), verified_size: pos.verifiedSize, verified_root: pos.verifiedRoot },
      });
      throw new CtLogError('inconsistent-tree', `signed tree head of ${sth.treeSize} entries is smaller than the verified ${pos.verifiedSize}`);
    }
    if (sth.treeSize === pos.verifiedSize) {
      if (!bytesEqual(sth.rootHash, unb64(pos.verifiedRoot))) {
        this.misbehave(`two-roots|${sth.treeSize}|${b64(sth.rootHash)}`, {
          kind: 'two-roots',
          summary: `signed two different roots for tree size ${sth.treeSize}`,
          evidence: { ...this.headEvidence(sth), verified_size: pos.verifiedSize, verified_root: pos.verifiedRoot },
        });
        throw new CtLogError('inconsistent-tree', `two different roots signed for tree size ${sth.treeSize}`);
      }
      return;
    }
    if (sth.treeSize < pos.index) return; // an older head from a lagging frontend: wait for a newer one

    const range = CompactRange.fromFrontier(pos.index, pos.frontier.map(unb64));
    for await (const batch of reader.read(pos.index, sth.treeSize, sth)) {
      if (batch.start !== range.size) throw new CtLogError('bad-value', `log returned entries from ${batch.start}, expected ${range.size}`);
      for (const h of batch.leafHashes) range.append(h);
      const events = batch.entries.map((e) => this.toEvent(e));
      const next: LogPosition = { ...pos, index: range.size, frontier: range.frontier().map(b64) };
      const committed = events.length > 0 && (await this.opts.sink(events, { logKey: this.cfg.url, position: structuredClone(next) })) === true;
      this.status.entriesProcessed += events.length;
      for (const m of batch.malformed) {
        if (m.code === 'precert-mismatch') {
          this.status.rejectedEntries++;
          const index = Number(/^entry (\d+)/.exec(m.message)?.[1] ?? -1);
          this.misbehave(`precert|${index}`, { kind: 'precert-mismatch', summary: 'served a precertificate that does not carry the TBS its leaf hash covers (entry rejected)', evidence: { index, reason: m.message, ...this.headEvidence(sth) } });
        } else {
          this.status.malformedEntries++;
        }
        this.tellError(m);
      }
      this.status.lastProgress = this.clock.now();
      pos = next;
      if (committed) this.setPosition(pos);
      else await this.save(pos);
      if (this.signal.aborted) return;
    }
    if (range.size !== sth.treeSize) throw new CtLogError('bad-value', `read ${range.size} entries, tree head has ${sth.treeSize}`);

    if (!bytesEqual(range.root(), sth.rootHash)) {
      // The entries served do not hash to the signed root: fall back to the last proven point.
      await this.save({ ...pos, index: pos.verifiedSize, frontier: pos.verifiedFrontier });
      this.misbehave(`inconsistent|${sth.treeSize}|${b64(sth.rootHash)}`, {
        kind: 'inconsistent',
        summary: `entries ${pos.verifiedSize}..${sth.treeSize - 1} do not hash to the signed root of tree size ${sth.treeSize}: the new tree is not consistent with the verified one`,
        evidence: { ...this.headEvidence(sth), verified_size: pos.verifiedSize, verified_root: pos.verifiedRoot, computed_root: b64(range.root()) },
      });
      throw new CtLogError('inconsistent-tree', `entries ${pos.verifiedSize}..${sth.treeSize - 1} do not hash to the signed root of tree size ${sth.treeSize}`);
    }
    const f = range.frontier().map(b64);
    await this.save({ index: sth.treeSize, frontier: f, verifiedSize: sth.treeSize, verifiedFrontier: f, verifiedRoot: b64(sth.rootHash) });
  }

  private toEvent(e: DecodedEntry): CertEvent {
    return {
      source: this.sourceId,
      logUrl: this.cfg.url,
      logName: this.cfg.description ?? null,
      index: e.index,
      seenAt: new Date(e.timestamp),
      receivedAt: this.clock.now(),
      names: null,
      der: e.der,
      precert: e.entryType === 'precert',
      fields: {
        subject: null,
        issuer: null,
        serialHex: null,
        notBefore: null,
        notAfter: null,
        sha256: createHash('sha256').update(e.der).digest('hex'),
      },
    };
  }
}

export class CtLogSource implements Source {
  readonly id: string;
  private readonly workers: LogWorker[];
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];
  private started = false;
  private closed: Promise<void> | null = null;

  /** Throws only on programmer error (duplicate log URLs); bad log keys show up in status(). */
  constructor(private readonly opts: CtLogSourceOptions) {
    this.id = opts.id ?? 'ctlogs';
    const limits: CtLogLimits = { ...DEFAULT_CTLOG_LIMITS, ...opts.limits };
    const clock = opts.clock ?? realClock;
    const seen = new Set<string>();
    for (const l of opts.logs) {
      if (seen.has(l.url)) throw new CtLogError('bad-value', `log ${l.url} configured twice`);
      seen.add(l.url);
    }
    this.workers = opts.logs.map((l) => new LogWorker(l, opts, limits, clock, this.abort.signal, this.id));
  }

  /** Starts one loop per log; resolves at once. Idempotent. */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    for (const w of this.workers) {
      if (w.init()) this.running.push(w.run().catch(() => undefined));
    }
  }

  /** Stops all loops (in-flight requests are aborted; a sink call in progress is awaited). Idempotent. */
  close(): Promise<void> {
    if (!this.closed) {
      this.abort.abort();
      this.closed = Promise.all(this.running).then(() => undefined);
    }
    return this.closed;
  }

  /** Per-log status snapshot for /readyz and /metrics. */
  status(): LogStatus[] {
    return this.workers.map((w) => w.snapshot());
  }
}

