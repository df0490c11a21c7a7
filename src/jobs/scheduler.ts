/** Cron jobs (node-cron), each run never overlapping itself and never throwing out of the timer. */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log/logger.js';

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];

  /** `onError`, when given, handles (logs, counts, alerts) a failed run instead of the plain log line. */
  constructor(
    private readonly log: Logger,
    private readonly onError?: (job: string, err: unknown) => void,
  ) {}

  /** Schedules `fn`. A failure is handled (see onError) and the job keeps its schedule. */
  add(name: string, expression: string, fn: () => void | Promise<void>, timezone?: string): void {
    const task = cron.schedule(
      expression,
      async () => {
        try {
          await fn();
        } catch (err) {
          if (this.onError) this.onError(name, err);
          else this.log.error({ err, job: name }, 'scheduled job failed');
        }
      },
      { name, noOverlap: true, timezone },
    );
    this.tasks.push(task);
  }

  /** Stops every job. Idempotent. */
  async close(): Promise<void> {
    for (const t of this.tasks.splice(0)) await t.destroy();
  }
}
