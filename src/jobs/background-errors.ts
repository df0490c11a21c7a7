/**
 * What happens when work that runs from a timer fails (a retention job, the digest, a dispatcher
 * pass, a health alert's write), e.g. on SQLITE_BUSY while another process holds the database:
 * it is caught, logged (rate-limited per task), counted in ctwatch_background_errors_total{task},
 * and reported as one `task.failed` health alert per task per `alertEveryMs`, with the count.
 * A failure never escapes a timer callback, so it can never become an uncaught exception that
 * exits the daemon. When the alert itself cannot be queued (the database is still busy), it is
 * retried every `retryMs` until it is.
 */
import type { Logger } from '../log/logger.js';
import { LogRateLimiter } from '../log/rate-limit.js';

export interface TaskFailureAlert {
  task: string;
  /** Failures since the previous alert for this task. */
  count: number;
  /** The last failure, as "CODE: message" (bounded; database and job errors hold no secrets). */
  lastError: string;
}

interface TaskState {
  pending: number;
  lastError: string;
  lastAlertAt: number;
  timer: NodeJS.Timeout | null;
}

export class BackgroundErrors {
  private readonly tasks = new Map<string, TaskState>();
  private readonly limiter = new LogRateLimiter(3, 60_000);
  private closed = false;

  constructor(
    private readonly opts: {
      log: Logger;
      /** Counts one failure (a metric); `task` is a fixed name, never data. */
      count: (task: string) => void;
      /** Queues the health alert; returns false when it could not (tried again later). Must not throw. */
      raise: (alert: TaskFailureAlert) => boolean;
      alertEveryMs?: number;
      retryMs?: number;
      now?: () => number;
    },
  ) {}

  /** Records one failure of `task` (a fixed name such as "job:retention"). Never throws. */
  report(task: string, err: unknown): void {
    try {
      this.opts.count(task);
      const e = err as { code?: unknown; message?: unknown };
      const lastError = `${typeof e?.code === 'string' ? `${e.code}: ` : ''}${String(e?.message ?? err)}`.slice(0, 200);
      const l = this.limiter.allow(task);
      if (l.log) this.opts.log.error({ module: 'jobs', task, err, suppressedSinceLast: l.suppressed || undefined }, 'background task failed; it will run again on its schedule');
      const st = this.tasks.get(task) ?? { pending: 0, lastError, lastAlertAt: -Infinity, timer: null };
      this.tasks.set(task, st);
      st.pending++;
      st.lastError = lastError;
      this.flush(task);
    } catch {
      // Reporting must never be what breaks the process.
    }
  }

  private flush(task: string): void {
    const st = this.tasks.get(task);
    if (!st || st.pending === 0 || st.timer || this.closed) return;
    const now = (this.opts.now ?? Date.now)();
    const every = this.opts.alertEveryMs ?? 600_000;
    const wait = st.lastAlertAt + every - now;
    if (wait <= 0 && this.opts.raise({ task, count: st.pending, lastError: st.lastError })) {
      st.pending = 0;
      st.lastAlertAt = now;
      return;
    }
    st.timer = setTimeout(
      () => {
        st.timer = null;
        try {
          this.flush(task);
        } catch {
          // see report()
        }
      },
      Math.max(wait, this.opts.retryMs ?? 5_000),
    );
    st.timer.unref?.();
  }

  /** Stops the retry timers. Idempotent. */
  close(): void {
    this.closed = true;
    for (const st of this.tasks.values()) if (st.timer) clearTimeout(st.timer);
  }
}
