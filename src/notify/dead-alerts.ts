/**
 * Rate-limits the `delivery.dead` health alert: one dead webhook must not raise one alert per
 * hit on every other channel (ahead of the real alerts). The first dead delivery of a notifier
 * is reported at once; further ones within `windowMs` are counted and reported together in one
 * alert when the window ends. So each failing notifier yields at most one alert per window,
 * each carrying how many deliveries it covers.
 */

export interface DeadAlert {
  notifierId: string;
  /** Deliveries that went dead and are covered by this alert. */
  count: number;
  /** The last of their errors (already free of secrets: DeliveryError messages name no URL). */
  lastError: string;
  /** True for a window's summary (deliveries counted since the previous alert). */
  summary: boolean;
}

interface WindowState {
  endsAt: number;
  pending: number;
  lastError: string;
  timer: NodeJS.Timeout | null;
}

export class DeadDeliveryAlerts {
  private readonly windows = new Map<string, WindowState>();
  private closed = false;

  constructor(
    private readonly opts: {
      windowMs: number;
      /** Raises (enqueues) one alert. Must not throw; errors are its own to handle. */
      raise: (alert: DeadAlert) => void;
      now?: () => number;
    },
  ) {}

  /** Records `count` deliveries to `notifierId` that went dead. Never throws. */
  dead(notifierId: string, count: number, lastError: string): void {
    if (this.closed) return;
    const now = (this.opts.now ?? Date.now)();
    const w = this.windows.get(notifierId);
    if (!w || now >= w.endsAt) {
      // A window that ended with its summary not yet sent: its count goes with this alert.
      if (w?.timer) clearTimeout(w.timer);
      const total = count + (w?.pending ?? 0);
      this.windows.set(notifierId, { endsAt: now + this.opts.windowMs, pending: 0, lastError, timer: null });
      this.opts.raise({ notifierId, count: total, lastError, summary: false });
      return;
    }
    w.pending += count;
    w.lastError = lastError;
    w.timer ??= setTimeout(() => this.flush(notifierId), Math.max(0, w.endsAt - now));
    w.timer.unref?.();
  }

  /** Reports what a window counted; the next dead delivery opens a new window. */
  private flush(notifierId: string): void {
    const w = this.windows.get(notifierId);
    if (!w) return;
    w.timer = null;
    if (w.pending === 0) return;
    const count = w.pending;
    w.pending = 0;
    w.endsAt = (this.opts.now ?? Date.now)() + this.opts.windowMs;
    this.opts.raise({ notifierId, count, lastError: w.lastError, summary: true });
  }

  /** Reports every window's pending count now and stops. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const [id, w] of this.windows) {
      if (w.timer) clearTimeout(w.timer);
      this.flush(id);
    }
    this.closed = true;
  }
}
