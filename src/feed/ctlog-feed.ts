/**
 * Runs the direct CT-log source inside the daemon: picks the logs from the log list (shipped
 * snapshot, a configured file, or the last successful refresh), keeps positions in the store (saved
 * in the same transaction as the hits they cover), refreshes the list on a schedule, and reports
 * per-log health for /readyz, /metrics and the `ctlog.unhealthy` alert.
 *
 * With several instances on one PostgreSQL store (`leases` given), each log is read by the one
 * instance holding its lease (LeaseKeeper): this feed reads only the logs it holds, restarts its
 * reader when that set changes, and writes every batch and position fenced by the log's lease,
 * so a log taken over meanwhile is never written twice.
 *
 * Nothing here may stop the daemon once it runs: a refresh never rejects (failures are logged,
 * counted and alerted), a configured log that a later list drops is still read with the entry
 * (and key) known before, also after a restart, and a new reader is built before the old one
 * is closed.
 */
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { describeNetError } from '../log/net-error.js';
import type { Severity } from '../match/types.js';
import { ctlogLease, isStoreUnavailable, type LeaseApi, type RecordBatchOptions, type StoreBackend } from '../store/backend.js';
import { LeaseKeeper } from './ctlog/lease-keeper.js';
import type { CertEvent } from './types.js';
import {
  CtLogSource,
  DEFAULT_CTLOG_LIMITS,
  loadShippedLogList,
  logListKey,
  parseLogList,
  parseSignedLogList,
  pinnedLogListKey,
  refreshLogList,
  selectLogs,
  toCtLogConfig,
  type LogList,
  type LogListEntry,
  type LogMisbehaviour,
  type LogPosition,
  type LogStatus,
  type CtLogError,
  type CtLogLimits,
} from './ctlog/index.js';

export interface CtLogFeedOptions {
  feed: Config['feed'];
  store: Pick<StoreBackend, 'hits' | 'positions' | 'ctlog'>;
  /** Folder for the refreshed log list's cache (the SQLite store's folder). */
  stateDir: string;
  /**
   * Several instances share the store: read only the logs whose lease this instance holds
   * (balanced over the live instances). Absent: read every selected log (one instance).
   */
  leases?: { api: LeaseApi; ttlMs: number };
  log: Logger;
  /** Processes and commits a batch; `commit` (position, fence) goes to the store with its hits. */
  process: (events: CertEvent[], commit: RecordBatchOptions) => unknown;
  onStatus: (logUrl: string, status: LogStatus) => void;
  onEntries: (count: number) => void;
  /** A log went unreachable for feed.ct_unhealthy_after (false), or answered again (true). Once per change. */
  onReachability?: (logUrl: string, reachable: boolean, lastErrorCode: string | null) => void;
  /**
   * A log misbehaved (see CtLogSourceOptions.onMisbehaviour); the evidence is already stored.
   * Called once per log and kind per run of the daemon.
   */
  onMisbehaving?: (logUrl: string, m: LogMisbehaviour) => void;
  /** Every failed round, with its error code (for a counter). */
  onRoundError?: (logUrl: string, code: string) => void;
  /**
   * Something about the log list the operator must know (a configured log dropped by the list,
   * a refresh failing, a key change refused): raise it as a health event. Once per cause.
   */
  onAlert?: (event: string, severity: Severity, summary: string, details: Record<string, string | number | boolean | null>) => void;
  /** A list named another key for a known log (refused), for a counter. */
  onKeyChangeRefused?: (logUrl: string) => void;
  /** Log-list refreshes by result ('ok' | 'failed'), for a counter. */
  onRefresh?: (result: 'ok' | 'failed') => void;
  fetch?: typeof fetch;
  /** Tests only: source limits overriding the defaults and the feed config. */
  limits?: Partial<CtLogLimits>;
}

/** Where the list in use came from. */
export type LogListOrigin = 'file' | 'refreshed' | 'bootstrap';

/** The log list in use, for /readyz?verbose. */
export interface LogListInfo {
  /** 'bootstrap': the list shipped in the package; 'refreshed': the last signed list fetched; 'file': feed.log_list.file. */
  source: LogListOrigin;
  version: string | null;
  /** log_list_timestamp of the list. */
  timestamp: string | null;
  /** How old the list is (now - timestamp), seconds; null without a timestamp. */
  age_seconds: number | null;
  logs: number;
  /** Logs being read from it. */
  reading: number;
  last_refresh: { at: string; ok: boolean; cause: string | null } | null;
}

/** Error codes that are about reaching the log (said in network words), not about what it served. */
const NETWORK_CODES = new Set(['network', 'timeout', 'http', 'too-large']);

/** Why a request, round or refresh failed, in operator words (never a certificate name). */
export function causeOf(err: CtLogError): string {
  return NETWORK_CODES.has(err.code) ? describeNetError(err) : `${err.code}: ${err.message}`;
}

export class CtLogFeed {
  readonly id = 'ctlogs';
  private source: CtLogSource | null = null;
  private list: LogList;
  private listOrigin: LogListOrigin = 'bootstrap';
  /** Logs known from every list used so far (persisted): URL → entry with the key first seen. */
  private readonly known = new Map<string, LogListEntry>();
  /** Logs read now (held, when leased), sorted. */
  private selected: string[] = [];
  /** Logs selected from the list (read by this instance or, when leased, by another). */
  private wanted: LogListEntry[] = [];
  private readonly keeper: LeaseKeeper | null;
  private readonly knownReady: Promise<void>;
  /** Reader switches, one at a time. */
  private switching: Promise<void> = Promise.resolve();
  private started = false;
  private closed = false;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly unreachable = new Set<string>();
  /** `${log}|${kind}` already alerted this run. */
  private readonly misbehaviourAlerted = new Set<string>();
  /** Configured logs already reported as missing from the list. */
  private readonly droppedAlerted = new Set<string>();
  /** Logs whose new key a list tried to impose (refused, alerted once each). */
  private readonly keyChangeAlerted = new Set<string>();
  private readonly startedAt = Date.now();
  /** Per log, the cause of trouble last told (each cause is logged once, not every round). */
  private readonly logCause = new Map<string, string>();
  /** The refresh failure cause last told, and the last refresh. */
  private listCause: string | null = null;
  private lastRefresh: LogListInfo['last_refresh'] = null;
  /** The key every list (shipped, cached, refreshed) must be signed with. */
  private readonly listKey: KeyObject;

  /** Throws when the configured list file or public key is unreadable, or the shipped list does not verify. */
  constructor(private readonly opts: CtLogFeedOptions) {
    const pk = opts.feed.log_list.public_key;
    this.listKey = pk ? logListKey(fs.readFileSync(pk)) : pinnedLogListKey();
    this.list = this.initialList();
    // Known logs come from the store (async); start() and refresh() wait for them.
    this.knownReady = opts.store.ctlog.knownLogs().then((known) => {
      for (const [url, entry] of known) this.known.set(url, entry as LogListEntry);
      this.list = this.keepKnownKeys(this.list);
    });
    this.knownReady.catch(() => undefined);
    this.keeper = opts.leases
      ? new LeaseKeeper({
          leases: opts.leases.api,
          ttlMs: opts.leases.ttlMs,
          logKeys: () => this.wanted.map((l) => l.url),
          onAcquired: (url) => (opts.log.info({ log: url }, 'CT log lease acquired: reading it'), this.switchReader()),
          onLost: (url) => (opts.log.info({ log: url }, 'CT log lease given up: another instance reads it'), this.switchReader()),
          // A store outage is told once elsewhere (store.unavailable); other failures are warnings.
          onError: (err) => (isStoreUnavailable(err) ? opts.log.debug : opts.log.warn).call(opts.log, { err: (err as Error).message, code: (err as { code?: string }).code }, 'CT log lease round failed'),
        })
      : null;
  }

  /** Which list to start from: the configured file, else the last refreshed copy, else the shipped snapshot. */
  private initialList(): LogList {
    const f = this.opts.feed.log_list;
    if (f.file) {
      this.listOrigin = 'file';
      return parseLogList(fs.readFileSync(f.file, 'utf8'));
    }
    // The shipped list is Google's: always verified with the key pinned in the package.
    const shipped = loadShippedLogList();
    const cached = this.cachePath();
    if (fs.existsSync(cached)) {
      try {
        const list = parseSignedLogList(fs.readFileSync(cached), fs.readFileSync(sigPath(cached)), this.listKey);
        // A package upgrade may ship a newer list than the last refresh saved.
        if (!(shipped.timestamp && list.timestamp && Date.parse(list.timestamp) < Date.parse(shipped.timestamp))) {
          this.listOrigin = 'refreshed';
          return list;
        }
      } catch (err) {
        this.opts.log.warn({ err: (err as Error).message, code: (err as { code?: string }).code }, 'cached log list unusable (unsigned, bad signature or malformed); using the shipped list');
      }
    }
    this.listOrigin = 'bootstrap';
    return shipped;
  }

  private cachePath(): string {
    // Not 'log_list.json': the default database folder (./data) also holds the shipped snapshot.
    return path.join(path.resolve(this.opts.stateDir), 'log_list.refreshed.json');
  }

  /**
   * Records the logs of `list` as known and returns the list with every known log's key as
   * first seen: a list never changes the key a log is verified with (a changed key is counted,
   * logged and alerted once per log; the operator can check and reset it by hand).
   */
  private keepKnownKeys(list: LogList): LogList {
    const fresh: LogListEntry[] = [];
    const logs = list.logs.map((l) => {
      const k = this.known.get(l.url);
      if (!k) {
        fresh.push(l);
        this.known.set(l.url, l);
        return l;
      }
      if (k.key === l.key) return l;
      this.opts.onKeyChangeRefused?.(l.url);
      if (!this.keyChangeAlerted.has(l.url)) {
        this.keyChangeAlerted.add(l.url);
        this.opts.log.error({ log: l.url }, 'the log list names another key for a known CT log; keeping the key known before');
        this.opts.onAlert?.('ctlog.key_changed', 'high', `the log list names a different key for CT log ${l.url}; ctwatch keeps verifying it with the key it knew`, { log: l.url, known_log_id: k.logId, listed_log_id: l.logId });
      }
      return { ...l, key: k.key, logId: k.logId };
    });
    if (fresh.length) {
      this.opts.store.ctlog.rememberLogs(fresh.map((l) => ({ url: l.url, entry: l }))).catch((err: unknown) => this.opts.log.warn({ err }, 'could not remember the new CT logs; they are remembered at the next refresh'));
    }
    return { ...list, logs };
  }

  /**
   * The logs to read from the list in use. Configured URLs the list no longer names are taken
   * from the logs known before (alerted once each); `unknown` are URLs never seen in any list.
   */
  private selection(): { logs: LogListEntry[]; unknown: string[] } {
    const which = this.opts.feed.ct_logs ?? 'all';
    const { logs, unknown } = selectLogs(this.list, which, new Date());
    const stillUnknown: string[] = [];
    for (const u of unknown) {
      const k = [...this.known.values()].find((l) => sameUrl(l.url, u) || (l.submissionUrl !== undefined && sameUrl(l.submissionUrl, u)));
      if (!k) {
        stillUnknown.push(u);
        continue;
      }
      logs.push(k);
      if (!this.droppedAlerted.has(k.url)) {
        this.droppedAlerted.add(k.url);
        this.opts.log.warn({ log: k.url }, 'configured CT log is not in the log list any more; still reading it with the key known before');
        this.opts.onAlert?.('ctlog.dropped', 'medium', `CT log ${k.url} is configured but no longer in the log list (${this.listOrigin}); ctwatch keeps reading it with the key it knew`, { log: k.url });
      }
    }
    return { logs, unknown: stillUnknown };
  }

  /** Starts reading. Throws (code CTLOG_CONFIG) when configured log URLs were never in any list. */
  async start(): Promise<void> {
    await this.knownReady;
    const { logs, unknown } = this.selection();
    if (unknown.length) {
      throw Object.assign(new Error(`feed.ct_logs: not in the log list: ${unknown.join(', ')}`), { code: 'CTLOG_CONFIG' });
    }
    this.wanted = logs;
    if (this.keeper) await this.keeper.tick();
    this.started = true;
    this.runSource(this.readable());
    this.keeper?.start();
    const after = this.opts.feed.ct_unhealthy_after;
    this.watchdog = setInterval(() => {
      // A timer callback must not throw (an alert's SQLite write can fail with SQLITE_BUSY): log and go on.
      try {
        this.checkReachability(after);
      } catch (err) {
        this.opts.log.error({ err }, 'CT log reachability check failed');
      }
    }, Math.max(50, Math.min(10_000, after / 4)));
    this.watchdog.unref();
  }

  private checkReachability(afterMs: number): void {
    const now = Date.now();
    for (const st of this.status()) {
      // A log still serving entries (a long first round) is reachable, even before its next tree head.
      const silent = now - Math.max(st.lastContact ?? this.startedAt, st.lastProgress ?? 0) > afterMs;
      if (silent && !this.unreachable.has(st.url)) {
        this.unreachable.add(st.url);
        this.opts.onReachability?.(st.url, false, st.lastError?.code ?? null);
      } else if (!silent && this.unreachable.delete(st.url)) {
        this.opts.onReachability?.(st.url, true, null);
      }
    }
  }

  /** A reader for `logs` (not started). Throws only on programmer error (duplicate URLs). */
  private buildSource(logs: LogListEntry[]): CtLogSource {
    const f = this.opts.feed;
    const store = this.opts.store;
    return new CtLogSource({
      logs: logs.map(toCtLogConfig),
      positions: {
        load: (key) => store.positions.load(key) as Promise<LogPosition | null>,
        // Fenced like the batches: a log taken over meanwhile keeps its new reader's position.
        save: (key, pos) => store.hits.recordBatch([], () => [], this.commitOptions(key, pos)).then(() => undefined),
      },
      sink: async (events, progress) => {
        await this.opts.process(events, this.commitOptions(progress.logKey, progress.position));
        this.opts.onEntries(events.length);
        return true; // the position was committed with the batch's hits
      },
      onHealth: (url, status) => {
        if (status.healthy && this.logCause.delete(url)) this.opts.log.info({ log: url }, 'CT log answering again');
        this.opts.onStatus(url, status);
      },
      onMisbehaviour: (url, m) => this.misbehaving(url, m),
      onError: (url, err) => {
        this.opts.onRoundError?.(url, err.code);
        this.tellLogTrouble(url, err);
      },
      onRetry: (url, err) => this.tellLogTrouble(url, err),
      startAt: f.ct_start,
      fetch: this.opts.fetch,
      limits: {
        ...DEFAULT_CTLOG_LIMITS,
        pollIntervalMs: f.ct_poll_interval,
        maxConcurrent: f.ct_max_concurrent,
        minIntervalMs: f.ct_min_request_interval,
        ...this.opts.limits,
      },
    });
  }

  /**
   * Logs a log's trouble once per cause ("connection refused (ECONNREFUSED)", "HTTP status
   * 503", "bad-signature: …"): a warning when the cause is new for that log, debug while it
   * repeats; "answering again" once the log recovers.
   */
  private tellLogTrouble(url: string, err: CtLogError): void {
    const network = NETWORK_CODES.has(err.code);
    const cause = causeOf(err);
    const key = network ? cause : err.code;
    const fields = { log: url, code: err.code, cause, err: err.message };
    if (this.logCause.get(url) === key) {
      this.opts.log.debug(fields, 'CT log still failing');
      return;
    }
    this.logCause.set(url, key);
    this.opts.log.warn(fields, network ? `CT log unreachable: ${cause}` : `CT log round failed: ${err.code}`);
  }

  /** Where a batch's position goes, fenced by the log's lease when leased. */
  private commitOptions(logKey: string, position: LogPosition): RecordBatchOptions {
    return { position: { logKey, position }, ...(this.keeper ? { fence: ctlogLease(logKey) } : {}) };
  }

  /** The wanted logs this instance may read now: all of them, or (leased) those it holds. */
  private readable(): LogListEntry[] {
    if (!this.keeper) return this.wanted;
    const held = new Set(this.keeper.logs);
    return this.wanted.filter((l) => held.has(l.url));
  }

  /**
   * Restarts the reader when the logs to read changed (a lease won or lost, a new list); the
   * new reader starts from the saved positions. Switches run one at a time. Never rejects.
   */
  private switchReader(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.switching = this.switching.then(async () => {
      const logs = this.readable();
      const next = logs.map((l) => l.url).sort();
      if (this.closed || JSON.stringify(next) === JSON.stringify(this.selected)) return;
      this.opts.log.info({ logs: next.length }, 'CT logs to read changed; restarting the CT log reader');
      const fresh = this.buildSource(logs);
      await this.source?.close();
      if (this.closed) return;
      this.runSource(logs, fresh);
    }).catch((err: unknown) => this.opts.log.error({ err }, 'could not restart the CT log reader'));
    return this.switching;
  }

  /** Starts `source` as the reader in use. */
  private runSource(logs: LogListEntry[], source = this.buildSource(logs)): void {
    this.selected = logs.map((l) => l.url).sort();
    if (logs.length === 0 && !this.keeper) this.opts.log.warn('no usable CT log in the log list');
    this.source = source;
    // start() resolves at once and never rejects (a bad log key shows up in that log's status).
    source.start().catch((err: unknown) => this.opts.log.error({ err }, 'CT log reader did not start'));
  }

  /** Stores the evidence (bounded per log and kind) and alerts once per log and kind. Never throws. */
  private misbehaving(url: string, m: LogMisbehaviour): void {
    this.opts.store.ctlog.recordEvidence(url, m.kind, m.summary, m.evidence).catch((err: unknown) => this.opts.log.error({ err, log: url, kind: m.kind }, 'could not store CT log misbehaviour evidence'));
    const key = `${url}|${m.kind}`;
    if (this.misbehaviourAlerted.has(key)) return;
    this.misbehaviourAlerted.add(key);
    this.opts.onMisbehaving?.(url, m);
  }

  /**
   * Fetches the log list; on success caches it and, if the selection changed, starts a reader
   * for the new selection (built before the old one is closed). Never rejects: any failure is
   * logged, counted and the list in use is kept. Returns whether it failed.
   */
  async refresh(): Promise<{ failed: boolean }> {
    const url = this.opts.feed.log_list.url;
    if (!url || this.opts.feed.log_list.file || this.closed) return { failed: false };
    try {
      await this.knownReady;
      const r = await refreshLogList(url, this.list, { fetch: this.opts.fetch, key: this.listKey });
      if (r.failed) {
        this.refreshFailed(r.error ? causeOf(r.error) : 'unknown', r.error?.code ?? null);
        return { failed: true };
      }
      if (this.listCause !== null) this.opts.log.info({ was: this.listCause }, 'log list refresh works again');
      this.listCause = null;
      this.lastRefresh = { at: new Date().toISOString(), ok: true, cause: null };
      this.opts.log.info({ version: r.list.version, timestamp: r.list.timestamp, logs: r.list.logs.length }, 'log list refreshed (signature verified)');
      this.list = this.keepKnownKeys(r.list);
      this.listOrigin = 'refreshed';
      this.writeCache(r.signed!);
      this.opts.onRefresh?.('ok');
      await this.reselect();
      return { failed: false };
    } catch (err) {
      this.opts.log.error({ err }, 'log list refresh failed unexpectedly');
      this.refreshFailed(`unexpected: ${err instanceof Error ? err.name : 'error'}`, null);
      return { failed: true };
    }
  }

  /** Counts a failed refresh; logs and alerts its cause once (until it changes or a refresh works). */
  private refreshFailed(cause: string, code: string | null): void {
    this.opts.onRefresh?.('failed');
    this.lastRefresh = { at: new Date().toISOString(), ok: false, cause };
    const info = this.listInfo();
    const fields = { cause, code, list: info.source, list_timestamp: info.timestamp, list_age_hours: info.age_seconds === null ? null : Math.round(info.age_seconds / 3600) };
    if (this.listCause === cause) {
      this.opts.log.debug(fields, 'log list refresh still failing');
      return;
    }
    this.listCause = cause;
    this.opts.log.warn(fields, `log list refresh failed: ${cause}; keeping the ${info.source === 'bootstrap' ? 'list shipped with ctwatch' : 'list in use'}`);
    this.opts.onAlert?.('ctlog.list_refresh_failed', 'medium', `the CT log list could not be refreshed (${cause}); ctwatch keeps the ${info.source} list of ${info.timestamp ?? 'unknown date'}`, { cause, list: info.source, list_timestamp: info.timestamp });
  }

  /** The list in use and the last refresh, for /readyz?verbose. Pure read. */
  listInfo(now = Date.now()): LogListInfo {
    const ts = this.list.timestamp ? Date.parse(this.list.timestamp) : NaN;
    return {
      source: this.listOrigin,
      version: this.list.version,
      timestamp: this.list.timestamp,
      age_seconds: Number.isNaN(ts) ? null : Math.max(0, Math.round((now - ts) / 1000)),
      logs: this.list.logs.length,
      reading: this.selected.length,
      last_refresh: this.lastRefresh,
    };
  }

  /**
   * Saves the refreshed list as fetched, with its signature, for the next start (which verifies
   * it again); each file is written beside and renamed into place. A failure is logged, not fatal.
   */
  private writeCache(signed: { json: Uint8Array; sig: Uint8Array }): void {
    const file = this.cachePath();
    try {
      for (const [p, b] of [[sigPath(file), signed.sig], [file, signed.json]] as const) {
        fs.writeFileSync(p + '.tmp', b);
        fs.renameSync(p + '.tmp', p);
      }
    } catch (err) {
      this.opts.log.warn({ err, file: this.cachePath() }, 'could not save the refreshed log list; the next start uses the previous one');
    }
  }

  /** Switches readers when the selection changed. Throws only if the new reader cannot be built. */
  private async reselect(): Promise<void> {
    const { logs, unknown } = this.selection();
    // Cannot happen for configured URLs (they were known at start); logged, never fatal.
    if (unknown.length) this.opts.log.warn({ logs: unknown }, 'configured CT logs are in no log list; they are not read');
    this.wanted = logs;
    // Leased: the next lease round takes or gives up the logs that came or went.
    if (this.keeper) void this.keeper.tick();
    await this.switchReader();
  }

  status(): LogStatus[] {
    return this.source?.status() ?? [];
  }

  /** Idempotent. Positions are already saved with their hits. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await this.switching;
    await this.source?.close();
    // Released only now, with nothing left in flight: another instance takes the logs over at once.
    await this.keeper?.stop();
  }
}

/** Same URL up to a trailing slash and case. */
function sameUrl(a: string, b: string): boolean {
  const s = (u: string) => (u.endsWith('/') ? u : u + '/').toLowerCase();
  return s(a) === s(b);
}

/** The signature file beside a cached list: log_list.refreshed.json → log_list.refreshed.sig. */
function sigPath(jsonPath: string): string {
  return jsonPath.replace(/\.json$/, '') + '.sig';
}
