/**
 * Bounds how often one kind of event is logged, so a hostile stream cannot flood the log.
 * Keys are fixed reason codes, never data from a message.
 */
export class LogRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number; suppressed: number }>();

  constructor(
    private readonly perWindow = 5,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Returns whether this occurrence should be logged, and how many were suppressed since the last
   * logged one (to say so in the line).
   */
  allow(key: string): { log: boolean; suppressed: number } {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      const suppressed = w?.suppressed ?? 0;
      w = { start: t, count: 0, suppressed: 0 };
      this.windows.set(key, w);
      w.count++;
      return { log: true, suppressed };
    }
    if (w.count < this.perWindow) {
      w.count++;
      const suppressed = w.suppressed;
      w.suppressed = 0;
      return { log: true, suppressed };
    }
    w.suppressed++;
    return { log: false, suppressed: 0 };
  }
}
