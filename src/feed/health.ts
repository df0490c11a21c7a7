/**
 * Tracks whether ctwatch is really watching: some source connected and a message received
 * recently. Raises one `feed.stale` event when that has not been true for `alertAfterMs`, and one
 * `feed.recovered` when it is again; never one per reconnect attempt.
 */
export interface FeedHealthOptions {
  staleAfterMs: number;
  alertAfterMs: number;
  onEvent: (event: 'feed.stale' | 'feed.recovered', details: { downForMs: number }) => void;
  now?: () => number;
}

export class FeedHealth {
  private readonly up = new Set<string>();
  private lastMessageAt = 0;
  private unhealthySince: number;
  private alerted = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  /** Sources that never connect (replay) count as connected while they run. */
  private alwaysUp = false;

  constructor(private readonly opts: FeedHealthOptions) {
    this.now = opts.now ?? Date.now;
    this.unhealthySince = this.now();
  }

  setConnected(source: string, up: boolean): void {
    if (up) this.up.add(source);
    else this.up.delete(source);
  }

  setAlwaysUp(v: boolean): void {
    this.alwaysUp = v;
  }

  messageReceived(at = this.now()): void {
    this.lastMessageAt = at;
  }

  get connected(): boolean {
    return this.alwaysUp || this.up.size > 0;
  }

  get lastMessage(): number {
    return this.lastMessageAt;
  }

  /** Connected and a message within staleAfterMs. */
  healthy(now = this.now()): boolean {
    return this.connected && this.lastMessageAt > 0 && now - this.lastMessageAt <= this.opts.staleAfterMs;
  }

  /** Evaluates the alert state; called every second by start(), or directly by tests. */
  check(now = this.now()): void {
    if (this.healthy(now)) {
      if (this.alerted) {
        this.alerted = false;
        this.opts.onEvent('feed.recovered', { downForMs: now - this.unhealthySince });
      }
      this.unhealthySince = now;
      return;
    }
    if (!this.alerted && now - this.unhealthySince >= this.opts.alertAfterMs) {
      this.alerted = true;
      this.opts.onEvent('feed.stale', { downForMs: now - this.unhealthySince });
    }
  }

  /** Checks once a second, or more often when alert_after is shorter (tests use fractions of a second). */
  start(): void {
    const every = Math.max(20, Math.min(1_000, Math.floor(this.opts.alertAfterMs / 4), Math.floor(this.opts.staleAfterMs / 4)));
    this.timer = setInterval(() => this.check(), every);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
