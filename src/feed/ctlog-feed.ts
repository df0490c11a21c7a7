/**
 * Runs the direct CT-log source inside the daemon: picks the logs from the log list (shipped
 * snapshot, a configured file, or the last successful refresh), keeps positions in SQLite (saved
 * in the same transaction as the hits they cover), refreshes the list on a schedule, and reports
 * per-log health for /readyz, /metrics and the `ctlog.unhealthy` alert.
 *
 * Nothing here may stop the daemon once it runs: a refresh never rejects (failures are logged,
 * counted and alerted), a configured log that a later list drops is still read with the entry
 * (and key) known before, also after a restart, and a new reader is built before the old one
 * is closed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Severity } from '../match/types.js';
import type { Store } from '../store/index.js';
import type { CertEvent } from './types.js';
import {
  CtLogSource,
  DEFAULT_CTLOG_LIMITS,
  loadShippedLogList,
  parseLogList,
  refreshLogList,
  selectLogs,
  toCtLogConfig,
  type LogList,
  type LogListEntry,
  type LogMisbehaviour,
  type LogPosition,
  type LogStatus,
} from './ctlog/index.js';

export interface CtLogFeedOptions {
  feed: Config['feed'];
  store: Store;
  log: Logger;
  /** Processes and commits a batch; `alsoInTransaction` runs inside the commit's transaction. */
  process: (events: CertEvent[], alsoInTransaction: () => void) => unknown;
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
  /** Log-list refreshes by result ('ok' | 'failed'), for a counter. */
  onRefresh?: (result: 'ok' | 'failed') => void;
  fetch?: typeof fetch;
}

/** Where the list in use came from. */
export type LogListOrigin = 'file' | 'refreshed' | 'bootstrap';

export class CtLogFeed {
  readonly id = 'ctlogs';
  private source: CtLogSource | null = null;
  private list: LogList;
  private listOrigin: LogListOrigin = 'bootstrap';
  /** Logs known from every list used so far (persisted): URL → entry with the key first seen. */
  private readonly known = new Map<string, LogListEntry>();
  private selected: string[] = [];
  private closed = false;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly unreachable = new Set<string>();
  /** `${log}|${kind}` already alerted this run. */
  private readonly misbehaviourAlerted = new Set<string>();
  /** Configured logs already reported as missing from the list. */
  private readonly droppedAlerted = new Set<string>();
  private readonly startedAt = Date.now();

  constructor(private readonly opts: CtLogFeedOptions) {
    for (const [url, entry] of opts.store.ctlogKnown.all()) this.known.set(url, entry as LogListEntry);
    this.list = this.initialList();
    this.rememberListed(this.list);
  }

  /** Which list to start from: the configured file, else the last refreshed copy, else the shipped snapshot. */
  private initialList(): LogList {
    const f = this.opts.feed.log_list;
    if (f.file) {
      this.listOrigin = 'file';
      return parseLogList(fs.readFileSync(f.file, 'utf8'));
    }
    const cached = this.cachePath();
    if (fs.existsSync(cached)) {
      try {
        const list = parseLogList(fs.readFileSync(cached, 'utf8'));
        this.listOrigin = 'refreshed';
        return list;
      } catch (err) {
        this.opts.log.warn({ err }, 'cached log list unusable; using the shipped snapshot');
      }
    }
    this.listOrigin = 'bootstrap';
    return loadShippedLogList();
  }

  private cachePath(): string {
    // Not 'log_list.json': the default database folder (./data) also holds the shipped snapshot.
    return path.join(path.dirname(path.resolve(this.opts.store.db.name)), 'log_list.refreshed.json');
  }

  /** Records the logs of `list` as known (the entry, key included, first seen is kept). */
  private rememberListed(list: LogList): void {
    const fresh = list.logs.filter((l) => !this.known.has(l.url));
    for (const l of fresh) this.known.set(l.url, l);
    if (fresh.length) this.opts.store.ctlogKnown.remember(fresh.map((l) => ({ url: l.url, entry: l })));
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
    const { logs, unknown } = this.selection();
    if (unknown.length) {
      throw Object.assign(new Error(`feed.ct_logs: not in the log list: ${unknown.join(', ')}`), { code: 'CTLOG_CONFIG' });
    }
    this.runSource(logs);
    const after = this.opts.feed.ct_unhealthy_after;
    this.watchdog = setInterval(() => this.checkReachability(after), Math.max(50, Math.min(10_000, after / 4)));
    this.watchdog.unref();
  }

  private checkReachability(afterMs: number): void {
    const now = Date.now();
    for (const st of this.status()) {
      const silent = now - (st.lastContact ?? this.startedAt) > afterMs;
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
        load: (key) => store.positions.load(key) as LogPosition | null,
        save: (key, pos) => store.positions.save(key, pos),
      },
      sink: async (events, progress) => {
        await this.opts.process(events, () => store.positions.save(progress.logKey, progress.position));
        this.opts.onEntries(events.length);
      },
      onHealth: (url, status) => this.opts.onStatus(url, status),
      onMisbehaviour: (url, m) => this.misbehaving(url, m),
      onError: (url, err) => {
        this.opts.onRoundError?.(url, err.code);
        this.opts.log.warn({ log: url, code: err.code, err: err.message }, 'CT log round failed');
      },
      startAt: f.ct_start,
      fetch: this.opts.fetch,
      limits: {
        ...DEFAULT_CTLOG_LIMITS,
        pollIntervalMs: f.ct_poll_interval,
        maxConcurrent: f.ct_max_concurrent,
        minIntervalMs: f.ct_min_request_interval,
      },
    });
  }

  /** Starts `source` as the reader in use. */
  private runSource(logs: LogListEntry[], source = this.buildSource(logs)): void {
    this.selected = logs.map((l) => l.url).sort();
    if (logs.length === 0) this.opts.log.warn('no usable CT log in the log list');
    this.source = source;
    // start() resolves at once and never rejects (a bad log key shows up in that log's status).
    source.start().catch((err: unknown) => this.opts.log.error({ err }, 'CT log reader did not start'));
  }

  /** Stores the evidence (bounded per log and kind) and alerts once per log and kind. Never throws. */
  private misbehaving(url: string, m: LogMisbehaviour): void {
    try {
      this.opts.store.ctlogEvidence.record(url, m.kind, m.summary, m.evidence);
    } catch (err) {
      this.opts.log.error({ err, log: url, kind: m.kind }, 'could not store CT log misbehaviour evidence');
    }
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
      const r = await refreshLogList(url, this.list, { fetch: this.opts.fetch });
      if (r.failed) {
        this.opts.onRefresh?.('failed');
        this.opts.log.warn({ code: r.error?.code }, 'log list refresh failed; keeping the list in use');
        return { failed: true };
      }
      this.list = r.list;
      this.listOrigin = 'refreshed';
      this.rememberListed(r.list);
      this.writeCache(r.list);
      this.opts.onRefresh?.('ok');
      await this.reselect();
      return { failed: false };
    } catch (err) {
      this.opts.onRefresh?.('failed');
      this.opts.log.error({ err }, 'log list refresh failed unexpectedly; keeping the list in use');
      return { failed: true };
    }
  }

  /** Saves the refreshed list for the next start; a failure to write is logged, not fatal. */
  private writeCache(list: LogList): void {
    try {
      fs.writeFileSync(this.cachePath(), JSON.stringify(toV3(list)));
    } catch (err) {
      this.opts.log.warn({ err, file: this.cachePath() }, 'could not save the refreshed log list; the next start uses the previous one');
    }
  }

  /** Switches readers when the selection changed. Throws only if the new reader cannot be built. */
  private async reselect(): Promise<void> {
    const { logs, unknown } = this.selection();
    // Cannot happen for configured URLs (they were known at start); logged, never fatal.
    if (unknown.length) this.opts.log.warn({ logs: unknown }, 'configured CT logs are in no log list; they are not read');
    const next = logs.map((l) => l.url).sort();
    if (this.closed || JSON.stringify(next) === JSON.stringify(this.selected)) return;
    this.opts.log.info({ logs: next.length }, 'log list changed; restarting the CT log reader');
    const fresh = this.buildSource(logs);
    await this.source?.close();
    if (this.closed) return;
    this.runSource(logs, fresh);
  }

  status(): LogStatus[] {
    return this.source?.status() ?? [];
  }

  /** Idempotent. Positions are already saved with their hits. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await this.source?.close();
  }
}

/** Same URL up to a trailing slash and case. */
function sameUrl(a: string, b: string): boolean {
  const s = (u: string) => (u.endsWith('/') ? u : u + '/').toLowerCase();
  return s(a) === s(b);
}

/** Writes a parsed list back in the v3 shape parseLogList reads. */
function toV3(list: LogList): unknown {
  const ops = new Map<string, { name: string; logs: unknown[]; tiled_logs: unknown[] }>();
  for (const l of list.logs) {
    const op = ops.get(l.operator) ?? { name: l.operator, logs: [], tiled_logs: [] };
    ops.set(l.operator, op);
    const state = { [l.state]: { timestamp: new Date(0).toISOString() } };
    const temporal = l.temporalInterval ? { temporal_interval: { start_inclusive: l.temporalInterval.startInclusive, end_exclusive: l.temporalInterval.endExclusive } } : {};
    if (l.kind === 'static') op.tiled_logs.push({ description: l.description, log_id: l.logId, key: l.key, monitoring_url: l.url, submission_url: l.submissionUrl, mmd: l.mmd, state, ...temporal });
    else op.logs.push({ description: l.description, log_id: l.logId, key: l.key, url: l.url, mmd: l.mmd, state, ...temporal });
  }
  return { version: list.version, log_list_timestamp: list.timestamp, operators: [...ops.values()] };
}
