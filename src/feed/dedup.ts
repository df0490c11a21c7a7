/**
 * Remembers recently seen (log, index) pairs so the same entry arriving from two redundant feeds
 * is processed once. Bounded: two generations of `capacity` entries each (50,000 by default: at
 * 1,000 entries per second that remembers the last 50 to 100 s, far more than two feeds lag
 * apart).
 *
 * Indexes are kept as numbers in per-log sets rather than as "log#index" strings: nothing is
 * allocated per entry, so a firehose of entries does not fill the old generation of the heap
 * with keys that all die together at the next generation swap.
 */
type Generation = Map<string, Set<number>>;

export class RecentKeys {
  private current: Generation = new Map();
  private previous: Generation = new Map();
  private count = 0;

  constructor(private readonly capacity = 50_000) {}

  /** True when entry `index` of `log` was seen recently (and so is a duplicate); records it otherwise. */
  seen(log: string, index: number): boolean {
    let set = this.current.get(log);
    if (set?.has(index) || this.previous.get(log)?.has(index)) return true;
    if (set === undefined) {
      set = new Set();
      this.current.set(log, set);
    }
    set.add(index);
    if (++this.count >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
      this.count = 0;
    }
    return false;
  }
}
