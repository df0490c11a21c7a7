/**
 * Remembers recently seen (log, index) pairs so the same entry arriving from two redundant feeds
 * is processed once. Bounded: two generations of `capacity` keys each (50,000 by default: at
 * 1,000 entries per second that remembers the last 50 to 100 s, far more than two feeds lag apart).
 */
export class RecentKeys {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  /** True when the key was seen recently (and so is a duplicate); records it otherwise. */
  seen(key: string): boolean {
    if (this.current.has(key) || this.previous.has(key)) return true;
    this.current.add(key);
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    return false;
  }
}
