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

// Polynomial hash mod 2^32 (so the hash of a string with one or two characters deleted is
// computed in O(1) from prefix and suffix values), finished with a murmur3 mixer because the
// table is indexed by the low bits.
const B = 0x01000193;

function mix(h: number, len: number): number {
  h = (h + Math.imul(len, 0x9e3779b1)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of `s` without the UTF-16 units at indexes `skip1` and `skip2` (-1 = none). */
export function hashSkip(s: string, skip1 = -1, skip2 = -1): number {
  let h = 0;
  let len = 0;
  for (let i = 0; i < s.length; i++) {
    if (i === skip1 || i === skip2) continue;
    h = (Math.imul(h, B) + s.charCodeAt(i)) | 0;
    len++;
  }
  return mix(h, len);
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
  private readonly pre = new Int32Array(1026); // pre[i] = poly of q[0..i)
  private readonly suf = new Int32Array(1026); // suf[i] = poly of q[i..n)
  private readonly pw = new Int32Array(1026); // B^k
  /** One bit per hash (low bits), checked before the table: most probes stop here, in cache. */
  private bits: Uint32Array;
  private bitMask: number;

  constructor(expectedEntries: number) {
    let cap = 1024;
    while (cap < expectedEntries * 2) cap *= 2;
    this.keys = new Uint32Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    let bitCap = 1 << 16;
    while (bitCap < expectedEntries * 8) bitCap *= 2;
    this.bits = new Uint32Array(bitCap >>> 5);
    this.bitMask = bitCap - 1;
    this.pw[0] = 1;
    for (let k = 1; k < this.pw.length; k++) this.pw[k] = Math.imul(this.pw[k - 1], B);
  }

  /** Adds target `id` whose key is `key`, reachable within `maxDist` (1 or 2) edits. */
  add(id: number, key: string, maxDist: number): void {
    for (const v of deletions(key, maxDist)) this.insert(hashSkip(v), id);
    for (let l = Math.max(0, key.length - maxDist); l <= Math.min(1023, key.length + maxDist); l++) {
      this.lengthOk[l] = 1;
      // Deleting two characters from the query is needed only when the query is at least as
      // long as the target (two substitutions or insertions); shorter queries are reached by
      // the target's own two-deletion variants.
      if (maxDist >= 2 && l >= key.length) this.lengthOk2[l] = 1;
    }
  }

  private insert(h: number, id: number): void {
    if ((this.count + 1) * 2 > this.vals.length) this.grow();
    const bit = (h >>> 7) & this.bitMask;
    this.bits[bit >>> 5] |= 1 << (bit & 31);
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
    const bitCap = (this.bitMask + 1) * 2;
    this.bits = new Uint32Array(bitCap >>> 5);
    this.bitMask = bitCap - 1;
    this.vals = new Int32Array(oldV.length * 2);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (let i = 0; i < oldV.length; i++) if (oldV[i] !== 0) this.insert(oldK[i], oldV[i] - 1);
  }

  private found: Set<number> | null = null;

  private probe(h: number): void {
    const bit = (h >>> 7) & this.bitMask;
    if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return;
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
    const { pre, suf, pw, bits, bitMask } = this;
    pre[0] = 0;
    for (let i = 0; i < n; i++) pre[i + 1] = (Math.imul(pre[i], B) + q.charCodeAt(i)) | 0;
    suf[n] = 0;
    for (let i = n - 1; i >= 0; i--) suf[i] = (Math.imul(q.charCodeAt(i), pw[n - 1 - i]) + suf[i + 1]) | 0;
    this.found = null;
    this.probe(mix(pre[n], n));
    const depth2 = this.lengthOk2[n] === 1;
    const len1 = Math.imul(n - 1, 0x9e3779b1);
    const len2 = Math.imul(n - 2, 0x9e3779b1);
    for (let i = 0; i < n; i++) {
      // q without q[i].
      let h = (Math.imul(pre[i], pw[n - 1 - i]) + suf[i + 1] + len1) | 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      let bit = (h >>> 7) & bitMask;
      if ((bits[bit >>> 5] & (1 << (bit & 31))) !== 0) this.probe(h >>> 0);
      if (!depth2) continue;
      const head = pre[i];
      for (let j = i + 1; j < n; j++) {
        // q without q[i] and q[j]: q[0..i) + q[i+1..j) + q[j+1..n).
        const mid = (pre[j] - Math.imul(pre[i + 1], pw[j - i - 1])) | 0;
        h = (Math.imul(head, pw[n - 2 - i]) + Math.imul(mid, pw[n - 1 - j]) + suf[j + 1] + len2) | 0;
        h ^= h >>> 16;
        h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h ^= h >>> 16;
        bit = (h >>> 7) & bitMask;
        if ((bits[bit >>> 5] & (1 << (bit & 31))) !== 0) this.probe(h >>> 0);
      }
    }
    const out = this.found;
    this.found = null;
    return out;
  }

  /** Number of stored (hash, target) pairs and bytes held by the table. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.count, bytes: this.keys.byteLength + this.vals.byteLength + this.bits.byteLength };
  }
}
