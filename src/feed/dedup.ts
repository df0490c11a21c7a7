/**
 * Remembers recently seen (log, index) pairs so the same entry arriving from two redundant feeds
 * is processed once. Bounded: two generations of `capacity` keys each.
 */
export class RecentKeys {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = 200_000) {}

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
