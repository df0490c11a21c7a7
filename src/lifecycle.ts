/**
 * Every component registers a closer when it starts; shutdown runs them in reverse order of
 * acquisition under one deadline, so nothing is closed while something that uses it still runs.
 */
import type { Logger } from './log/logger.js';

export class Lifecycle {
  private readonly closers: { name: string; close: () => Promise<void> | void }[] = [];
  private closing: Promise<void> | null = null;

  constructor(private readonly log: Logger) {}

  add(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  /**
   * Runs the closers, last registered first. Each gets what is left of `deadlineMs`; one that
   * throws or overruns is logged and skipped. Idempotent: later calls return the same promise.
   */
  close(deadlineMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      const end = Date.now() + deadlineMs;
      for (const c of [...this.closers].reverse()) {
        const left = Math.max(100, end - Date.now());
        try {
          const r = await Promise.race([
            Promise.resolve().then(c.close).then(() => 'ok' as const),
            new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), left).unref()),
          ]);
          if (r === 'timeout') this.log.warn({ component: c.name }, 'closer overran the shutdown deadline');
        } catch (err) {
          this.log.error({ err, component: c.name }, 'closer failed');
        }
      }
    })();
    return this.closing;
  }
}
