/**
 * Every component registers a closer when it starts; shutdown runs them in reverse order of
 * acquisition under one deadline, so nothing is closed while something that uses it still runs
 * (sources stop before the processor's queue is drained, the dispatcher before the database).
 */
import type { Logger } from './log/logger.js';

export class Lifecycle {
  private readonly closers: { name: string; close: (leftMs: number) => Promise<void> | void }[] = [];
  private closing: Promise<void> | null = null;

  constructor(private readonly log: Logger) {}

  /**
   * Registers a closer. Call it right after the component started, so order = acquisition order.
   * The closer is given the milliseconds left before the shutdown deadline, to bound its own waits.
   */
  add(name: string, close: (leftMs: number) => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  /**
   * Runs the closers, last registered first. Each gets what is left of `deadlineMs` (at least
   * 100 ms); one that throws or overruns is logged and the next one runs. Never rejects.
   * Idempotent: later calls return the same promise.
   */
  close(deadlineMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      const end = Date.now() + deadlineMs;
      // A ref'd timer keeps the event loop alive while a closer awaits something that holds no
      // handle of its own (otherwise Node would exit mid-shutdown with code 13).
      const keepAlive = setInterval(() => undefined, 1_000);
      try {
        for (const c of [...this.closers].reverse()) {
          const left = Math.max(100, end - Date.now());
          const t0 = Date.now();
          let timer: NodeJS.Timeout | undefined;
          try {
            const r = await Promise.race([
              Promise.resolve(left).then(c.close).then(() => 'ok' as const),
              new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), left))),
            ]);
            if (r === 'timeout') this.log.warn({ module: 'lifecycle', component: c.name, ms: Date.now() - t0 }, 'closer overran the shutdown deadline');
            else this.log.debug({ module: 'lifecycle', component: c.name, ms: Date.now() - t0 }, 'closed');
          } catch (err) {
            this.log.error({ module: 'lifecycle', err, component: c.name }, 'closer failed');
          } finally {
            clearTimeout(timer);
          }
        }
      } finally {
        clearInterval(keepAlive);
      }
    })();
    return this.closing;
  }
}
