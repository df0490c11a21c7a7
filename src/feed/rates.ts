/**
 * Message rates per feed for the dashboard's sparklines: counts per key (a source id, a CT log),
 * turned into messages per second once per interval; the last `samples` values are kept.
 * Bounded: at most `maxKeys` keys (configured sources and logs, never certificate content).
 */
export interface FeedRatesOptions {
  intervalMs?: number;
  samples?: number;
  maxKeys?: number;
  /** Called before each sample, e.g. to copy counters kept elsewhere in with setTotal. */
  beforeSample?: () => void;
  now?: () => number;
}

interface KeyState {
  total: number;
  lastTotal: number;
  lastAt: number | null;
  series: number[];
}

export class FeedRates {
  private readonly keys = new Map<string, KeyState>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly samples: number;
  private readonly now: () => number;

  constructor(private readonly opts: FeedRatesOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.samples = opts.samples ?? 30;
    this.now = opts.now ?? Date.now;
  }

  private state(key: string): KeyState | null {
    let s = this.keys.get(key);
    if (!s) {
      if (this.keys.size >= (this.opts.maxKeys ?? 2_000)) return null;
      s = { total: 0, lastTotal: 0, lastAt: null, series: [] };
      this.keys.set(key, s);
    }
    return s;
  }

  /** Counts n messages for key, now. */
  add(key: string, n = 1): void {
    const s = this.state(key);
    if (!s) return;
    s.total += n;
    s.lastAt = this.now();
  }

  /** Sets a cumulative count kept elsewhere (e.g. a CT log's entries processed). */
  setTotal(key: string, total: number): void {
    const s = this.state(key);
    if (!s) return;
    if (total !== s.total) s.lastAt = this.now();
    s.total = total;
  }

  /** Appends one rate sample per key (messages per second since the last sample). */
  sample(): void {
    this.opts.beforeSample?.();
    for (const s of this.keys.values()) {
      s.series.push(Math.max(0, (s.total - s.lastTotal) / (this.intervalMs / 1000)));
      if (s.series.length > this.samples) s.series.shift();
      s.lastTotal = s.total;
    }
  }

  /** The last samples, oldest first (empty for an unknown key). */
  series(key: string): number[] {
    return [...(this.keys.get(key)?.series ?? [])];
  }

  /** When key last counted a message (epoch ms), or null. */
  lastAt(key: string): number | null {
    return this.keys.get(key)?.lastAt ?? null;
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
