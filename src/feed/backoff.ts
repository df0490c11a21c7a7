/**
 * Jittered exponential backoff ("full jitter"): a random delay in [min, min(max, min*2^attempt)].
 * Jitter keeps a fleet of watchers from redialling a recovering server in lockstep.
 */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; each call counts as one more attempt. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(this.minMs + this.random() * Math.max(0, ceiling - this.minMs));
  }

  /** Upper bound of the next delay (for tests and logs). */
  get ceiling(): number {
    return Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
  }

  reset(): void {
    this.attempt = 0;
  }
}
