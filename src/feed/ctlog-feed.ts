/**
 * Runs the direct CT-log source inside the daemon: picks the logs from the log list (shipped
 * snapshot, a configured file, or the last successful refresh), keeps positions in SQLite (saved
 * in the same transaction as the hits they cover), refreshes the list on a schedule, and reports
 * per-log health for /readyz, /metrics and the `ctlog.unhealthy` alert.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
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
   * Called once per log and kind per run of the daemon (`count`: observations of that kind so far).
   */
  onMisbehaving?: (logUrl: string, m: LogMisbehaviour) => void;
  /** Every failed round, with its error code (for a counter). */
  onRoundError?: (logUrl: string, code: string) => void;
  fetch?: typeof fetch;
}

export class CtLogFeed {
  readonly id = 'ctlogs';
  private source: CtLogSource | null = null;
  private list: LogList;
  private selected: string[] = [];
  private closed = false;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly unreachable = new Set<string>();
  /** `${log}|${kind}` already alerted this run. */
  private readonly misbehaviourAlerted = new Set<string>();
  private readonly startedAt = Date.now();

  constructor(private readonly opts: CtLogFeedOptions) {
    this.list = this.initialList();
  }

  /** Which list to start from: the configured file, else the last refreshed copy, else the shipped snapshot. */
  private initialList(): LogList {
    const f = this.opts.feed.log_list;
    if (f.file) return parseLogList(fs.readFileSync(f.file, 'utf8'));
    const cached = this.cachePath();
    if (fs.existsSync(cached)) {
      try {
        return parseLogList(fs.readFileSync(cached, 'utf8'));
      } catch (err) {
        this.opts.log.warn({ err }, 'cached log list unusable; using the shipped snapshot');
      }
    }
    return loadShippedLogList();
  }

  private cachePath(): string {
    // Not 'log_list.json': the default database folder (./data) also holds the shipped snapshot.
    return path.join(path.dirname(path.resolve(this.opts.store.db.name)), 'log_list.refreshed.json');
  }

  /** Starts reading. Throws (code CTLOG_CONFIG) when configured log URLs are not in the list. */
  async start(): Promise<void> {
    this.startSource();
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

  private startSource(): void {
    const f = this.opts.feed;
    const { logs, unknown } = selectLogs(this.list, f.ct_logs ?? 'all', new Date());
    if (unknown.length) {
      throw Object.assign(new Error(`feed.ct_logs: not in the log list: ${unknown.join(', ')}`), { code: 'CTLOG_CONFIG' });
    }
    this.selected = logs.map((l) => l.url).sort();
    if (logs.length === 0) this.opts.log.warn('no usable CT log in the log list');
    const store = this.opts.store;
    this.source = new CtLogSource({
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
    void this.source.start();
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

  /** Fetches the log list; on success caches it and restarts reading if the selection changed. */
  async refresh(): Promise<{ failed: boolean }> {
    const url = this.opts.feed.log_list.url;
    if (!url || this.opts.feed.log_list.file) return { failed: false };
    const r = await refreshLogList(url, this.list, { fetch: this.opts.fetch });
    if (r.failed) {
      this.opts.log.warn({ code: r.error?.code }, 'log list refresh failed; keeping the list in use');
      return { failed: true };
    }
    this.list = r.list;
    fs.writeFileSync(this.cachePath(), JSON.stringify(toV3(r.list)));
    const next = selectLogs(this.list, this.opts.feed.ct_logs ?? 'all', new Date()).logs.map((l) => l.url).sort();
    if (!this.closed && JSON.stringify(next) !== JSON.stringify(this.selected)) {
      this.opts.log.info({ logs: next.length }, 'log list changed; restarting the CT log reader');
      await this.source?.close();
      this.startSource();
    }
    return { failed: false };
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
