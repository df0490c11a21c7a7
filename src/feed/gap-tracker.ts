/**
 * Counts CT log entries the daemon never received, per log, from the `cert_index` sequence.
 * A gap means exactly this: ctwatch did not see those entries (the server skipped them, dropped
 * them for a slow client, or the connection was down). It says nothing about what they held.
 *
 * A jump in the index first opens a *pending* gap. Entries that arrive late (a second feed that
 * lags the first, a server that sends out of order) fill it. Once a pending gap is older than
 * `graceMs`, what is still unfilled is confirmed missing and counted, for good: the count only
 * grows, so it can back a Prometheus counter.
 */
export interface GapTrackerOptions {
  /** How long a gap may still be filled by late entries before it is counted. */
  graceMs: number;
  /** Most logs tracked (beyond it, new logs are ignored: bounded memory under a hostile feed). */
  maxLogs?: number;
  /** Most pending gaps per log; the oldest is confirmed at once beyond it. */
  maxPendingPerLog?: number;
}

interface PendingGap {
  start: number;
  end: number; // inclusive
  unfilled: number;
  openedAt: number;
}

interface LogState {
  next: number;
  missing: number;
  received: number;
  lastSeenAt: number;
  pending: PendingGap[];
}

/** Entries newly confirmed missing, per log (what a caller adds to its counter). */
export type Confirmed = { log: string; missing: number }[];

/** Jumps larger than this are a different log session (or a bogus index), not a gap to report. */
const MAX_PLAUSIBLE_GAP = 10_000_000;

export class GapTracker {
  private readonly logs = new Map<string, LogState>();
  private readonly maxLogs: number;
  private readonly maxPending: number;

  constructor(private readonly opts: GapTrackerOptions) {
    this.maxLogs = opts.maxLogs ?? 2_000;
    this.maxPending = opts.maxPendingPerLog ?? 64;
  }

  /**
   * Records one received index (each (log, index) once: deduplicate before calling). Returns the
   * entries confirmed missing by this call (a pending gap pushed out by a newer one), usually none.
   */
  observe(logUrl: string, index: number, now = Date.now()): Confirmed {
    let s = this.logs.get(logUrl);
    if (!s) {
      if (this.logs.size >= this.maxLogs) return [];
      s = { next: index + 1, missing: 0, received: 1, lastSeenAt: now, pending: [] };
      this.logs.set(logUrl, s);
      return [];
    }
    s.received++;
    s.lastSeenAt = now;
    if (index < s.next) {
      // Late: fills a pending gap if it falls in one; otherwise it was already counted.
      const g = s.pending.find((p) => index >= p.start && index <= p.end);
      if (g && g.unfilled > 0) g.unfilled--;
      return [];
    }
    const gap = index - s.next;
    s.next = index + 1;
    if (gap === 0 || gap > MAX_PLAUSIBLE_GAP) return [];
    s.pending.push({ start: index - gap, end: index - 1, unfilled: gap, openedAt: now });
    const out: Confirmed = [];
    while (s.pending.length > this.maxPending) {
      const g = s.pending.shift()!;
      s.missing += g.unfilled;
      if (g.unfilled) out.push({ log: logUrl, missing: g.unfilled });
    }
    return out;
  }

  /** Confirms every pending gap older than the grace period. Returns what became missing. Idempotent for a given `now`. */
  sweep(now = Date.now()): Confirmed {
    const out: Confirmed = [];
    for (const [log, s] of this.logs) {
      let n = 0;
      while (s.pending.length > 0 && now - s.pending[0].openedAt >= this.opts.graceMs) n += s.pending.shift()!.unfilled;
      if (n > 0) {
        s.missing += n;
        out.push({ log, missing: n });
      }
    }
    return out;
  }

  /** Per-log view for /readyz?verbose: confirmed missing, and still pending (may yet arrive). */
  snapshot(): { log: string; nextIndex: number; received: number; missing: number; pending: number; lastSeenAt: string }[] {
    return [...this.logs.entries()].map(([log, s]) => ({
      log,
      nextIndex: s.next,
      received: s.received,
      missing: s.missing,
      pending: s.pending.reduce((n, g) => n + g.unfilled, 0),
      lastSeenAt: new Date(s.lastSeenAt).toISOString(),
    }));
  }

  totalMissing(): number {
    let n = 0;
    for (const s of this.logs.values()) n += s.missing;
    return n;
  }
}
