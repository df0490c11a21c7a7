/**
 * Bounded edit-distance look-up for thousands of protected labels at once: a
 * deletion-neighbourhood ("symmetric delete") index.
 *
 * Build: every protected label key with its variants of up to `maxDist` deleted characters,
 * each stored as a 32-bit FNV-1a hash in an open-addressing table of typed arrays (about
 * 8 bytes a slot, no strings kept), so 10,000 brands fit in a few MB.
 * Query: the candidate label itself and its variants with one character deleted (and two
 * when some target allows distance 2 at that length), hashed in place from prefix states
 * without allocating; every target sharing a hash is a candidate, verified afterwards with
 * an exact bounded Damerau (OSA) distance, so hash collisions cost time, never accuracy.
 * Symmetric deletions of depth d on both sides find every pair within d edits.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of `s` without the UTF-16 units at indexes `skip1` and `skip2` (-1 = none). */
export function hashSkip(s: string, skip1 = -1, skip2 = -1): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    if (i === skip1 || i === skip2) continue;
    h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * Optimal-string-alignment distance between `a` and `b` (substitution, insertion, deletion,
 * adjacent transposition, each cost 1), or `max + 1` as soon as it must exceed `max`.
 */
export function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  let prev2 = new Int32Array(m + 1);
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m] > max ? max + 1 : prev[m];
}

/** Every distinct string obtained from `s` by deleting up to `depth` characters (s included). */
function deletions(s: string, depth: number): Set<string> {
  const out = new Set<string>([s]);
  let frontier = [s];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const x of frontier) {
      for (let i = 0; i < x.length; i++) {
        const v = x.slice(0, i) + x.slice(i + 1);
        if (!out.has(v)) {
          out.add(v);
          next.push(v);
        }
      }
    }
    frontier = next;
  }
  return out;
}

export class DeletionIndex {
  private keys: Uint32Array;
  private vals: Int32Array; // target id + 1; 0 = empty slot
  private mask: number;
  private count = 0;
  /** lengthOk[L] = 1 when some target may be within reach of a query of length L. */
  private readonly lengthOk = new Uint8Array(1024);
  /** lengthOk2[L] = 1 when some distance-2 target may be within reach of a query of length L. */
  private readonly lengthOk2 = new Uint8Array(1024);
  private readonly prefix = new Uint32Array(1025);

  constructor(expectedEntries: number) {
    let cap = 1024;
    while (cap < expectedEntries * 2) cap *= 2;
    this.keys = new Uint32Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** Adds target `id` whose key is `key`, reachable within `maxDist` (1 or 2) edits. */
  add(id: number, key: string, maxDist: number): void {
    for (const v of deletions(key, maxDist)) this.insert(hashSkip(v), id);
    for (let l = Math.max(0, key.length - maxDist); l <= Math.min(1023, key.length + maxDist); l++) {
      this.lengthOk[l] = 1;
      if (maxDist >= 2) this.lengthOk2[l] = 1;
    }
  }

  private insert(h: number, id: number): void {
    if ((this.count + 1) * 2 > this.vals.length) this.grow();
    let p = h & this.mask;
    while (this.vals[p] !== 0) {
      if (this.keys[p] === h && this.vals[p] === id + 1) return;
      p = (p + 1) & this.mask;
    }
    this.keys[p] = h;
    this.vals[p] = id + 1;
    this.count++;
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    this.keys = new Uint32Array(oldK.length * 2);
    this.vals = new Int32Array(oldV.length * 2);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (let i = 0; i < oldV.length; i++) if (oldV[i] !== 0) this.insert(oldK[i], oldV[i] - 1);
  }

  private found: Set<number> | null = null;

  private probe(h: number): void {
    let p = h & this.mask;
    while (this.vals[p] !== 0) {
      if (this.keys[p] === h) (this.found ??= new Set<number>()).add(this.vals[p] - 1);
      p = (p + 1) & this.mask;
    }
  }

  /**
   * Candidate target ids for query key `q` (unverified: may include collisions and targets
   * farther away than their bound). Returns null when there is none, to keep misses cheap.
   */
  candidates(q: string): Set<number> | null {
    if (q.length === 0 || q.length >= 1024 || this.lengthOk[q.length] === 0 || this.count === 0) return null;
    const n = q.length;
    const prefix = this.prefix;
    prefix[0] = FNV_OFFSET;
    for (let i = 0; i < n; i++) prefix[i + 1] = Math.imul(prefix[i] ^ q.charCodeAt(i), FNV_PRIME) >>> 0;
    this.found = null;
    this.probe(prefix[n]);
    const depth2 = this.lengthOk2[n] === 1;
    for (let i = 0; i < n; i++) {
      // Hash of q without q[i]: continue from the prefix state before i.
      let h = prefix[i];
      for (let k = i + 1; k < n; k++) h = Math.imul(h ^ q.charCodeAt(k), FNV_PRIME);
      this.probe(h >>> 0);
      if (!depth2) continue;
      // Without q[i] and q[j], j > i: h1 = hash of q[0..i) + q[i+1..j).
      let h1 = prefix[i];
      for (let j = i + 1; j < n; j++) {
        let h2 = h1;
        for (let k = j + 1; k < n; k++) h2 = Math.imul(h2 ^ q.charCodeAt(k), FNV_PRIME);
        this.probe(h2 >>> 0);
        h1 = Math.imul(h1 ^ q.charCodeAt(j), FNV_PRIME);
      }
    }
    const out = this.found;
    this.found = null;
    return out;
  }

  /** Number of stored (hash, target) pairs and bytes held by the table. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.count, bytes: this.keys.byteLength + this.vals.byteLength };
  }
}
