/**
 * Bounded edit-distance look-up for thousands of protected labels at once: a
 * deletion-neighbourhood ("symmetric delete") index.
 *
 * Build: every protected label key with its variants of up to `maxDist` deleted characters,
 * each stored as a 32-bit hash with its target id in typed arrays (about 9 bytes a pair, no
 * strings kept), so 10,000 brands fit in under 10 MB.
 * Query: the candidate label itself and its variants with one character deleted (and two
 * when some target allows distance 2 at that length), hashed in place from prefix states
 * without allocating; every target sharing a hash is a candidate, verified afterwards with
 * an exact bounded Damerau (OSA) distance, so hash collisions cost time, never accuracy.
 * Symmetric deletions of depth d on both sides find every pair within d edits.
 */

// Polynomial hash mod 2^32, so that the hash of a string with one or two characters deleted
// is computed in O(1) from prefix and suffix values (with two deleted, one addition: see
// variants()). The length is added in, then one multiply-xorshift spreads the bits, since the
// buckets are chosen by the top bits and the filter by the middle ones.
const B = 0x01000193;

/** Finishes a polynomial value `h` to which `lengthTerm(len)` has been added. */
function fin(h: number): number {
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}
const lengthTerm = (len: number): number => Math.imul(len, 0x9e3779b1);

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

/** A protected label key and the edit distance searched for it (0 = not indexed). */
export interface IndexedKey {
  key: string;
  maxDist: number;
}

export class DeletionIndex {
  /**
   * The (hash, target) pairs grouped by the hash's top bits: the pairs of bucket b are
   * keys/ids[bucketStart[b] .. bucketStart[b + 1]). About 9 bytes a pair in all, built in two
   * passes over the targets (count, then place) so nothing grows and nothing is thrown away.
   */
  private readonly keys: Uint32Array;
  private readonly ids: Int32Array;
  private readonly bucketStart: Uint32Array;
  private readonly bucketShift: number;
  /** lengthOk[L] = 1 when some target may be within reach of a query of length L. */
  private readonly lengthOk = new Uint8Array(1024);
  /** lengthOk2[L] = 1 when some distance-2 target may be within reach of a query of length L. */
  private readonly lengthOk2 = new Uint8Array(1024);
  private readonly pre = new Int32Array(1026); // pre[i] = poly of q[0..i)
  private readonly suf = new Int32Array(1026); // suf[i] = poly of q[i..n)
  private readonly pw = new Int32Array(1026); // B^k
  private readonly without = new Int32Array(1026); // without[j] = poly of q without q[j]
  /** Hashes of the variants of one key or query (reused; grows to the longest seen). */
  private scratch = new Uint32Array(4096);
  /** One bit per hash (low bits), checked before the buckets: most probes stop here, in cache. */
  private readonly bits: Uint32Array;
  private readonly bitMask: number;

  /**
   * Indexes `targets[id]` as target `id` (those with maxDist 0 are skipped). Keys longer
   * than 1,023 characters cannot be reached by a query and are skipped too.
   */
  constructor(targets: readonly IndexedKey[]) {
    this.pw[0] = 1;
    for (let k = 1; k < this.pw.length; k++) this.pw[k] = Math.imul(this.pw[k - 1], B);
    const indexed = (t: IndexedKey) => t.maxDist > 0 && t.key.length > 0 && t.key.length < 1024;
    // Sized from an upper bound on the variants (before duplicates are dropped): about two
    // pairs a bucket, eight filter bits a pair. Then two passes: count per bucket, then place.
    let bound = 0;
    for (const t of targets) if (indexed(t)) bound += 1 + t.key.length + (t.maxDist >= 2 ? (t.key.length * (t.key.length - 1)) / 2 : 0);
    let bucketBits = 10;
    while (bucketBits < 30 && 2 ** (bucketBits + 1) < bound) bucketBits++;
    this.bucketShift = 32 - bucketBits;
    this.bucketStart = new Uint32Array(2 ** bucketBits + 1);
    let bitCap = 1 << 16;
    while (bitCap < bound * 8) bitCap *= 2;
    this.bits = new Uint32Array(bitCap >>> 5);
    this.bitMask = bitCap - 1;
    const each = (fn: (h: number, id: number) => void) =>
      targets.forEach((t, id) => {
        if (!indexed(t)) return;
        const n = this.variants(t.key, t.maxDist >= 2, true);
        for (let k = 0; k < n; k++) fn(this.scratch[k], id);
      });
    each((h) => this.bucketStart[(h >>> this.bucketShift) + 1]++);
    for (let b = 1; b < this.bucketStart.length; b++) this.bucketStart[b] += this.bucketStart[b - 1];
    const total = this.bucketStart[this.bucketStart.length - 1];
    this.keys = new Uint32Array(total);
    this.ids = new Int32Array(total);
    const fill = this.bucketStart.slice(0, -1);
    each((h, id) => {
      const at = fill[h >>> this.bucketShift]++;
      this.keys[at] = h;
      this.ids[at] = id;
      const bit = (h >>> 7) & this.bitMask;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    });
    for (const t of targets) {
      if (!indexed(t)) continue;
      const len = t.key.length;
      for (let l = Math.max(0, len - t.maxDist); l <= Math.min(1023, len + t.maxDist); l++) {
        this.lengthOk[l] = 1;
        // Deleting two characters from the query is needed only when the query is at least as
        // long as the target (two substitutions or insertions); shorter queries are reached by
        // the target's own two-deletion variants.
        if (t.maxDist >= 2 && l >= len) this.lengthOk2[l] = 1;
      }
    }
  }

  /**
   * Writes into `scratch` the hashes of `q`, of `q` with one character deleted, and (when
   * `two`) with two deleted, from prefix and suffix values in O(1) each; returns how many.
   * `distinct`: each hash once ("aab" without either 'a' is "ab" once), for building.
   */
  private variants(q: string, two: boolean, distinct = false): number {
    const n = q.length;
    const { pre, suf, pw } = this;
    const need = 1 + n + (two ? (n * (n - 1)) / 2 : 0);
    if (this.scratch.length < need) this.scratch = new Uint32Array(need);
    const out = this.scratch;
    pre[0] = 0;
    for (let i = 0; i < n; i++) pre[i + 1] = (Math.imul(pre[i], B) + q.charCodeAt(i)) | 0;
    suf[n] = 0;
    for (let i = n - 1; i >= 0; i--) suf[i] = (Math.imul(q.charCodeAt(i), pw[n - 1 - i]) + suf[i + 1]) | 0;
    let count = 0;
    out[count++] = fin((pre[n] + lengthTerm(n)) | 0);
    const without = this.without;
    const len1 = lengthTerm(n - 1);
    for (let j = 0; j < n; j++) {
      // q without q[j]: q[0..j) + q[j+1..n).
      without[j] = (Math.imul(pre[j], pw[n - 1 - j]) + suf[j + 1]) | 0;
      out[count++] = fin((without[j] + len1) | 0);
    }
    if (two) {
      // q without q[i] and q[j] (i < j): q[0..i) + q[i+1..j) + q[j+1..n). Its value is
      // pre[i]·B^(n-2-i) + (pre[j] - pre[i+1]·B^(j-i-1))·B^(n-1-j) + suf[j+1], which regroups as
      // (pre[i] - pre[i+1])·B^(n-2-i) + without[j]: one addition per pair.
      const len2 = lengthTerm(n - 2);
      for (let i = 0; i + 1 < n; i++) {
        const head = (Math.imul((pre[i] - pre[i + 1]) | 0, pw[n - 2 - i]) + len2) | 0;
        for (let j = i + 1; j < n; j++) out[count++] = fin((head + without[j]) | 0);
      }
    }
    if (!distinct) return count;
    const view = out.subarray(0, count).sort();
    let kept = 1;
    for (let k = 1; k < count; k++) if (view[k] !== view[kept - 1]) view[kept++] = view[k];
    return kept;
  }

  /**
   * Candidate target ids for query key `q` (unverified: may include collisions and targets
   * farther away than their bound). Returns null when there is none, to keep misses cheap.
   */
  candidates(q: string): Set<number> | null {
    if (q.length === 0 || q.length >= 1024 || this.lengthOk[q.length] === 0 || this.keys.length === 0) return null;
    const n = this.variants(q, this.lengthOk2[q.length] === 1);
    const { scratch, bits, bitMask, bucketStart, bucketShift, keys, ids } = this;
    let found: Set<number> | null = null;
    for (let k = 0; k < n; k++) {
      const h = scratch[k];
      const bit = (h >>> 7) & bitMask;
      if ((bits[bit >>> 5] & (1 << (bit & 31))) === 0) continue;
      const b = h >>> bucketShift;
      for (let e = bucketStart[b]; e < bucketStart[b + 1]; e++) if (keys[e] === h) (found ??= new Set<number>()).add(ids[e]);
    }
    return found;
  }

  /** Number of stored (hash, target) pairs and bytes held by the index. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.keys.length, bytes: this.keys.byteLength + this.ids.byteLength + this.bucketStart.byteLength + this.bits.byteLength };
  }
}
