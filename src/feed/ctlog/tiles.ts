import { CtLogError } from './errors.js';
import { CompactRange, rootFromLeafHashes } from './merkle.js';

/** static-ct-api tile addressing and tile-based Merkle computations. Pure except for `fetchTile`. */

export const TILE_WIDTH = 256;
const HASH = 32;

/** "x001/x234/067" for 1234067: 3-digit groups, all but the last prefixed with x. */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new CtLogError('bad-value', 'bad tile index');
  let s = String(n);
  while (s.length % 3 !== 0) s = '0' + s;
  const groups = s.match(/.{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/');
}

/** Path (relative to the monitoring prefix) of a hash tile (level 0..5) or data tile ('data'). */
export function tilePath(level: number | 'data', index: number, width: number): string {
  if (!(width >= 1 && width <= TILE_WIDTH)) throw new CtLogError('bad-value', 'bad tile width');
  const base = `tile/${level}/${encodeTileIndex(index)}`;
  return width === TILE_WIDTH ? base : `${base}.p/${width}`;
}

/** Width of tile `index` at `level` in a tree of `treeSize` (0 if the tile does not exist). */
export function tileWidth(level: number, index: number, treeSize: number): number {
  const hashesAtLevel = Math.floor(treeSize / TILE_WIDTH ** level);
  const full = Math.floor(hashesAtLevel / TILE_WIDTH);
  if (index < full) return TILE_WIDTH;
  if (index === full) return hashesAtLevel % TILE_WIDTH;
  return 0;
}

export type TileFetcher = (level: number, index: number, width: number) => Promise<Uint8Array>;

/**
 * The compact range of [0, treeSize) read from hash tiles: each maximal perfect subtree of the
 * prefix is the Merkle root of an aligned run of hashes inside one tile. Tiles are trusted only
 * as far as the caller then compares the range's root with a verified checkpoint.
 * Throws 'bad-proof' if a tile has the wrong length.
 */
export async function compactRangeFromTiles(treeSize: number, fetchTile: TileFetcher): Promise<CompactRange> {
  const range = CompactRange.empty();
  // Several subtrees of one level usually sit in the same (partial) tile: fetch each tile once.
  const tiles = new Map<string, Promise<Uint8Array>>();
  const tileOnce = (l: number, i: number, w: number) => {
    const k = `${l}/${i}/${w}`;
    let p = tiles.get(k);
    if (!p) tiles.set(k, (p = fetchTile(l, i, w)));
    return p;
  };
  let start = 0;
  for (let height = 52; height >= 0; height--) {
    const width = 2 ** height;
    if (treeSize - start < width) continue;
    const level = Math.floor(height / 8);
    const count = 2 ** (height % 8); // hashes of this level making up the subtree
    const first = start / TILE_WIDTH ** level;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const w = tileWidth(level, tileIndex, treeSize);
    const tile = await tileOnce(level, tileIndex, w);
    if (tile.length !== w * HASH) throw new CtLogError('bad-proof', `tile ${level}/${tileIndex} has ${tile.length} bytes, expected ${w * HASH}`);
    const off = first - tileIndex * TILE_WIDTH;
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < count; i++) hashes.push(tile.subarray((off + i) * HASH, (off + i + 1) * HASH));
    range.appendSubtree(rootFromLeafHashes(hashes), height);
    start += width;
  }
  return range;
}
