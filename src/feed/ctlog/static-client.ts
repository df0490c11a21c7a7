import { createHash } from 'node:crypto';
import { CtLogError, isCtLogError } from './errors.js';
import type { LogHttpClient } from './http.js';
import { decodeDataTile } from './leaf.js';
import { CompactRange, EMPTY_ROOT } from './merkle.js';
import { type CheckpointVerifier, verifyCheckpoint } from './note.js';
import type { LogReader, ReadBatch } from './reader.js';
import type { SignedTreeHead } from './signature.js';
import { TILE_WIDTH, compactRangeFromTiles, tilePath, tileWidth } from './tiles.js';
import { bytesEqual, toHex } from './tls-reader.js';

/**
 * Reads a static-ct-api (tiled) log: the signed checkpoint, data tiles (full and partial),
 * hash tiles for the Merkle frontier, and issuers by fingerprint (verified and cached).
 */
export class StaticCtReader implements LogReader {
  readonly kind = 'static' as const;
  private readonly issuers = new Map<string, Uint8Array>();

  constructor(
    private readonly monitoringUrl: string, // ends with '/'
    private readonly verifier: CheckpointVerifier,
    private readonly http: LogHttpClient,
    private readonly issuerCacheSize = 256,
  ) {}

  /** Latest checkpoint, signature verified against the log key and origin. */
  async getTreeHead(): Promise<SignedTreeHead> {
    const body = await this.http.get(this.monitoringUrl + 'checkpoint', 'text/plain');
    const text = Buffer.from(body).toString('utf8');
    return { ...verifyCheckpoint(text, this.verifier), signed: text };
  }

  /**
   * Fetches a tile. A partial tile that is gone (404) is read from the full tile, as the spec
   * says logs may drop partial tiles once the full one exists.
   */
  async fetchTile(level: number | 'data', index: number, width: number): Promise<Uint8Array> {
    try {
      return await this.http.get(this.monitoringUrl + tilePath(level, index, width), 'application/octet-stream');
    } catch (e) {
      if (width < TILE_WIDTH && isCtLogError(e, 'http') && e.status === 404) {
        const full = await this.http.get(this.monitoringUrl + tilePath(level, index, TILE_WIDTH), 'application/octet-stream');
        if (level !== 'data') return full.subarray(0, width * 32);
        return full; // a data tile cannot be cut without decoding: the caller decodes the prefix
      }
      throw e;
    }
  }

  async frontierAt(sth: SignedTreeHead): Promise<CompactRange> {
    if (sth.treeSize === 0) {
      if (!bytesEqual(sth.rootHash, EMPTY_ROOT)) throw new CtLogError('bad-proof', 'empty tree with a non-empty root');
      return CompactRange.empty();
    }
    const range = await compactRangeFromTiles(sth.treeSize, (l, i, w) => this.fetchTile(l, i, w));
    if (!bytesEqual(range.root(), sth.rootHash)) throw new CtLogError('bad-proof', 'hash tiles do not match the checkpoint root');
    return range;
  }

  /** Yields one batch per data tile overlapping [start, end), tiles fetched ahead in parallel. */
  async *read(start: number, end: number, sth: SignedTreeHead): AsyncGenerator<ReadBatch> {
    const first = Math.floor(start / TILE_WIDTH);
    const last = Math.floor((end - 1) / TILE_WIDTH);
    const ahead = Math.max(1, this.http.limits.maxConcurrent);
    const queue: Array<Promise<ReadBatch>> = [];
    let next = first;
    const fill = () => {
      while (queue.length < ahead && next <= last) {
        const p = this.readTile(next, start, end, sth.treeSize);
        p.catch(() => undefined);
        queue.push(p);
        next++;
      }
    };
    fill();
    while (queue.length > 0) {
      yield await queue.shift()!;
      fill();
    }
  }

  private async readTile(index: number, start: number, end: number, treeSize: number): Promise<ReadBatch> {
    const width = tileWidth(0, index, treeSize);
    const bytes = await this.fetchTile('data', index, width);
    let entries;
    try {
      entries = decodeDataTile(bytes, index * TILE_WIDTH, width);
    } catch (e) {
      // A full tile served in place of a vanished partial one: decode all and keep the prefix.
      if (width < TILE_WIDTH && isCtLogError(e, 'trailing-data')) entries = decodeDataTile(bytes, index * TILE_WIDTH, TILE_WIDTH).slice(0, width);
      else throw e;
    }
    const lo = Math.max(start, index * TILE_WIDTH);
    const hi = Math.min(end, index * TILE_WIDTH + width);
    const kept = entries.filter((e) => e.index >= lo && e.index < hi);
    // A rejected entry (precertificate not matching its hashed TBS) still counts in the tree.
    return { start: lo, leafHashes: kept.map((e) => e.leafHash), entries: kept.filter((e) => !e.rejected), malformed: kept.flatMap((e) => (e.rejected ? [e.rejected] : [])) };
  }

  /**
   * Issuer certificate by SHA-256 fingerprint, from the log's /issuer/<hex> endpoint, checked
   * to hash to the fingerprint and cached (at most issuerCacheSize entries, least recently used
   * evicted). Throws 'issuer-mismatch' or the HTTP error.
   */
  async getIssuer(fingerprint: Uint8Array): Promise<Uint8Array> {
    const hex = toHex(fingerprint);
    const hit = this.issuers.get(hex);
    if (hit) {
      this.issuers.delete(hex);
      this.issuers.set(hex, hit);
      return hit;
    }
    const der = await this.http.get(`${this.monitoringUrl}issuer/${hex}`, 'application/pkix-cert');
    if (createHash('sha256').update(der).digest('hex') !== hex) throw new CtLogError('issuer-mismatch', `issuer ${hex.slice(0, 16)}… does not hash to its fingerprint`);
    this.issuers.set(hex, der);
    while (this.issuers.size > this.issuerCacheSize) this.issuers.delete(this.issuers.keys().next().value!);
    return der;
  }

  get issuerCacheEntries(): number {
    return this.issuers.size;
  }
}
