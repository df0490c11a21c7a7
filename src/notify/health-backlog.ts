/**
 * Health alerts that could not be queued yet. A health alert is queued in the store's outbox like
 * any other; while the store is unavailable (a PostgreSQL outage: the very moment a
 * `store.unavailable` alert is raised) it waits here, in order, and is queued as soon as the store
 * answers again ("delivered when possible"). Bounded: beyond `max` the oldest are dropped and
 * counted, so an outage that lasts days cannot grow the heap.
 */
export interface HeldHealth {
  targets: readonly string[];
  payload: unknown;
  /**
   * Asked just before queueing: false drops it (e.g. several instances noticed the same store
   * outage and only the one holding the leader lease reports it). Default: always queue.
   */
  gate?: () => Promise<boolean>;
}

export interface HealthBacklogOptions {
  /** Queues one alert in the outbox; rejects when the store cannot take it. */
  enqueue: (targets: readonly string[], payload: unknown) => Promise<unknown>;
  /** Called after alerts were queued (nudge the dispatcher). */
  onQueued: () => void;
  /** Told when queueing failed for another reason than the store being away (a bug, a bad row). */
  onError: (err: unknown) => void;
  /** True when the error means "the store is away, try again later". */
  isTransient: (err: unknown) => boolean;
  /** Most alerts held; default 200. */
  max?: number;
  /** Retry period while alerts are held; default 5 s. */
  retryMs?: number;
}

export class HealthBacklog {
  private readonly held: HeldHealth[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Alerts dropped because the backlog was full. */
  dropped = 0;

  constructor(private readonly opts: HealthBacklogOptions) {}

  get size(): number {
    return this.held.length;
  }

  /** Queues `alert` now, or after the ones already held. Never throws. */
  add(alert: HeldHealth): void {
    if (this.closed) return;
    this.held.push(alert);
    const max = this.opts.max ?? 200;
    while (this.held.length > max) {
      this.held.shift();
      this.dropped++;
    }
    void this.flush();
  }

  /**
   * Queues the held alerts in order; stops at the first one the store cannot take (kept, retried
   * every retryMs). Resolves when done or stopped; never rejects. One flush at a time.
   */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    let queued = 0;
    while (this.held.length > 0 && !this.closed) {
      const next = this.held[0]!;
      try {
        if (!next.gate || (await next.gate())) {
          await this.opts.enqueue(next.targets, next.payload);
          queued++;
        }
        this.held.shift();
      } catch (err) {
        if (!this.opts.isTransient(err)) {
          this.held.shift();
          this.opts.onError(err);
          continue;
        }
        this.retryLater();
        break;
      }
    }
    if (queued > 0) this.opts.onQueued();
  }

  private retryLater(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.opts.retryMs ?? 5_000);
    this.timer.unref();
  }

  /** Stops retrying; what is still held is lost with the process (it could not be stored). Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
