/**
 * Counts CT log entries the daemon never received, per log, from the `cert_index` sequence.
 * A gap means exactly this: ctwatch did not see those entries (the server skipped them, dropped
 * them for a slow client, or the connection was down). It says nothing about what they held.
 */
export interface GapUpdate {
  /** Entries newly known to be missing because of this index. */
  missing: number;
}

interface LogState {
  next: number;
  missing: number;
  received: number;
  lastSeenAt: number;
}

/** Jumps larger than this are a different log session (or a bogus index), not a gap to report. */
const MAX_PLAUSIBLE_GAP = 10_000_000;
const MAX_LOGS = 2_000;

export class GapTracker {
  private readonly logs = new Map<string, LogState>();

  /** Records one received index. Returns how many entries became missing. */
  observe(logUrl: string, index: number, now = Date.now()): GapUpdate {
    let s = this.logs.get(logUrl);
    if (!s) {
      if (this.logs.size >= MAX_LOGS) return { missing: 0 };
      s = { next: index + 1, missing: 0, received: 1, lastSeenAt: now };
      this.logs.set(logUrl, s);
      return { missing: 0 };
    }
    s.received++;
    s.lastSeenAt = now;
    if (index < s.next) return { missing: 0 }; // late or repeated: already accounted for
    const gap = index - s.next;
    s.next = index + 1;
    if (gap === 0 || gap > MAX_PLAUSIBLE_GAP) return { missing: 0 };
    s.missing += gap;
    return { missing: gap };
  }

  /** Per-log view for /readyz?verbose. */
  snapshot(): { log: string; nextIndex: number; received: number; missing: number; lastSeenAt: string }[] {
    return [...this.logs.entries()].map(([log, s]) => ({
      log,
      nextIndex: s.next,
      received: s.received,
      missing: s.missing,
      lastSeenAt: new Date(s.lastSeenAt).toISOString(),
    }));
  }

  totalMissing(): number {
    let n = 0;
    for (const s of this.logs.values()) n += s.missing;
    return n;
  }
}
