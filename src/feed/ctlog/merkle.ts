import { createHash } from 'node:crypto';
import { CtLogError } from './errors.js';
import { bytesEqual } from './tls-reader.js';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing: leaf hashes carry a 0x00 prefix, interior nodes 0x01.
 * Everything here is pure.
 */

export const EMPTY_ROOT: Uint8Array = new Uint8Array(createHash('sha256').digest());

/** SHA-256(0x00 || data). */
export function hashLeaf(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Uint8Array.of(0)).update(data).digest());
}

/** SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest());
}

/** Largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Merkle Tree Hash (RFC 6962 §2.1) of a list of leaf hashes. Empty list → hash of the empty string. */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT;
  if (hashes.length === 1) return hashes[0]!;
  const k = splitPoint(hashes.length);
  return hashChildren(rootFromLeafHashes(hashes.slice(0, k)), rootFromLeafHashes(hashes.slice(k)));
}

/**
 * The "compact range" of the tree prefix [0, size): the roots of its maximal perfect subtrees,
 * largest first (one per set bit of size). Appending leaves and computing the root of the
 * prefix need only this, so a monitor can verify a signed tree head of any size by hashing the
 * entries it read onto the frontier it saved, without re-reading the log from the start.
 */
export class CompactRange {
  private constructor(
    private _size: number,
    private readonly nodes: Uint8Array[], // nodes[i] covers 2^bit leaves for the i-th set bit, high to low
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Rebuilds a range from a saved size and frontier; throws 'bad-value' if they do not fit. */
  static fromFrontier(size: number, frontier: readonly Uint8Array[]): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0) throw new CtLogError('bad-value', 'bad compact range size');
    if (popcount(size) !== frontier.length || frontier.some((h) => h.length !== 32)) {
      throw new CtLogError('bad-value', `compact range of size ${size} needs ${popcount(size)} hashes`);
    }
    return new CompactRange(size, frontier.map((h) => h.slice()));
  }

  get size(): number {
    return this._size;
  }

  /** The frontier hashes, largest subtree first (a copy). */
  frontier(): Uint8Array[] {
    return this.nodes.map((h) => h.slice());
  }

  /** Appends one leaf hash. */
  append(leafHash: Uint8Array): void {
    this.appendSubtree(leafHash, 0);
  }

  /**
   * Appends the root of a perfect subtree of 2^height leaves; the current size must be a
   * multiple of 2^height (throws 'bad-value' otherwise).
   */
  appendSubtree(hash: Uint8Array, height: number): void {
    const width = 2 ** height;
    if (this._size % width !== 0) throw new CtLogError('bad-value', 'unaligned subtree append');
    let h = hash;
    let size = this._size;
    let bit = height;
    // Merge with equal-sized subtrees on the right edge, like carrying in binary addition.
    while ((size / 2 ** bit) % 2 === 1) {
      h = hashChildren(this.nodes.pop()!, h);
      size -= 2 ** bit;
      bit++;
    }
    this.nodes.push(h);
    this._size += width;
  }

  /** Merkle Tree Hash of [0, size). */
  root(): Uint8Array {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let h = this.nodes[this.nodes.length - 1]!;
    for (let i = this.nodes.length - 2; i >= 0; i--) h = hashChildren(this.nodes[i]!, h);
    return h;
  }

  clone(): CompactRange {
    return new CompactRange(this._size, this.frontier());
  }
}

function isPowerOfTwo(n: number): boolean {
  // Arithmetic, not bitwise: tree sizes exceed 2^31.
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

function popcount(n: number): number {
  let c = 0;
  while (n > 0) {
    if (n % 2 === 1) c++;
    n = Math.floor(n / 2);
  }
  return c;
}

/**
 * Verifies an audit (inclusion) path (RFC 9162 §2.1.3.2) for leaf `index` in a tree of `size`.
 * Returns the computed root's equality with `root`; throws 'bad-proof' if the path has the wrong
 * length for the position.
 */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, path: readonly Uint8Array[], root: Uint8Array): boolean {
  return bytesEqual(rootFromInclusion(index, size, leafHash, path), root);
}

/** The root implied by an audit path; throws 'bad-proof' if the path is malformed. */
export function rootFromInclusion(index: number, size: number, leafHash: Uint8Array, path: readonly Uint8Array[]): Uint8Array {
  if (index < 0 || index >= size) throw new CtLogError('bad-proof', 'leaf index outside tree');
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) throw new CtLogError('bad-proof', 'audit path too long');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new CtLogError('bad-proof', 'audit path too short');
  return r;
}

/**
 * The compact range of [0, size) recovered from the audit path of the last leaf (index size-1)
 * in a tree of exactly `size`: every sibling on that path lies to the left, so the path plus
 * the leaf covers the prefix. Throws 'bad-proof' if the path does not reproduce `root`.
 */
export function compactRangeFromLastLeafProof(size: number, leafHash: Uint8Array, path: readonly Uint8Array[], root: Uint8Array): CompactRange {
  if (!verifyInclusion(size - 1, size, leafHash, path, root)) throw new CtLogError('bad-proof', 'audit path does not match the tree head');
  const range = CompactRange.empty();
  // The path runs bottom-up; siblings are perfect subtrees, appended largest (last) first.
  const heights = siblingHeights(size);
  for (let i = path.length - 1; i >= 0; i--) range.appendSubtree(path[i]!, heights[i]!);
  range.append(leafHash);
  return range;
}

/** Heights of the left siblings on the path of leaf size-1 in a tree of `size`, bottom-up. */
function siblingHeights(size: number): number[] {
  // Leaf size-1: at each set bit of (size-1) it is a right child of a subtree of that height.
  const out: number[] = [];
  const idx = size - 1;
  for (let h = 0; 2 ** h <= idx; h++) if (Math.floor(idx / 2 ** h) % 2 === 1) out.push(h);
  return out;
}

/**
 * Verifies a consistency proof between tree sizes (RFC 9162 §2.1.4.2).
 * Returns true iff `proof` shows the tree of `size1` with `root1` is a prefix of the tree of
 * `size2` with `root2`. Never throws for bad proofs (returns false).
 */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0;
  let p = [...proof];
  if (p.length === 0) return false;
  if (isPowerOfTwo(size1)) p = [root1, ...p]; // power of two: old root is the first node
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = p[0]!;
  let sr = p[0]!;
  for (const c of p.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
