/**
 * Which CT logs this instance reads, when several instances share one PostgreSQL store (issue
 * 16): every ttl / 3 it balances the per-log leases (StoreBackend.leases.balance) and tells the
 * CT-log feed which logs to start reading (from the saved position) and which to stop. Each batch
 * read from a log is then recorded with `fence: ctlogLease(logKey)`, so a log this instance lost
 * meanwhile cannot be written twice.
 *
 * The CT-log feed (feed/ctlog-feed.ts) runs one when the store is shared (PostgreSQL); with
 * SQLite (one instance) it runs none and reads every selected log.
 */
import { ctlogLease, type LeaseApi } from '../../store/backend.js';

export interface LeaseKeeperOptions {
  leases: LeaseApi;
  /** The logs configured now (re-read every round, so a reload can add or drop logs). */
  logKeys: () => readonly string[];
  /** Lease length; default 15 s. Rounds run every ttl / 3. */
  ttlMs?: number;
  /** Start reading this log from its saved position. */
  onAcquired: (logKey: string) => void;
  /** Stop reading this log and drop its in-memory progress. */
  onLost: (logKey: string) => void;
  /** A round failed (e.g. STORE_UNAVAILABLE); the keeper goes on trying. */
  onError?: (err: unknown) => void;
  now?: () => number;
}

export class LeaseKeeper {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private held = new Set<string>();
  private lastRenewed = 0;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<readonly string[]> | null = null;

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.ttlMs = opts.ttlMs ?? 15_000;
    this.now = opts.now ?? Date.now;
  }

  /** The logs this instance reads now, sorted. */
  get logs(): string[] {
    return [...this.held].sort();
  }

  /**
   * One round: balance, then onAcquired / onLost for the differences. When the store cannot be
   * reached for a whole ttl, every log is given up (another instance may hold them by now).
   * Returns the logs held after. Never rejects (errors go to onError). Rounds do not overlap.
   */
  tick(): Promise<readonly string[]> {
    this.round ??= this.runRound().finally(() => (this.round = null));
    return this.round;
  }

  private async runRound(): Promise<readonly string[]> {
    const keys = [...new Set(this.opts.logKeys())];
    const byLease = new Map(keys.map((k) => [ctlogLease(k), k]));
    const at = this.now();
    try {
      const names = await this.opts.leases.balance([...byLease.keys()], this.ttlMs, at);
      this.lastRenewed = at;
      this.apply(new Set(names.map((n) => byLease.get(n)).filter((k): k is string => k !== undefined)));
    } catch (err) {
      this.opts.onError?.(err);
      if (this.now() >= this.lastRenewed + this.ttlMs) this.apply(new Set());
    }
    return this.logs;
  }

  private apply(next: Set<string>): void {
    for (const k of [...this.held].sort()) {
      if (!next.has(k)) {
        this.held.delete(k);
        this.opts.onLost(k);
      }
    }
    for (const k of [...next].sort()) {
      if (!this.held.has(k)) {
        this.held.add(k);
        this.opts.onAcquired(k);
      }
    }
  }

  /** Runs a round now and then every ttl / 3. Idempotent. */
  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Stops the rounds, stops every log (onLost) and releases their leases so others take over at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
    const held = this.logs;
    this.apply(new Set());
    for (const k of held) {
      try {
        await this.opts.leases.release(ctlogLease(k));
      } catch (err) {
        this.opts.onError?.(err); // the lease runs out by itself
      }
    }
  }
}
