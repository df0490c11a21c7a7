import { CtLogError, isCtLogError } from './errors.js';
import type { LogHttpClient } from './http.js';
import { type DecodedEntry, decodeRfc6962Entry, leafHashOf } from './leaf.js';
import { CompactRange, compactRangeFromLastLeafProof, EMPTY_ROOT } from './merkle.js';
import type { LogReader, ReadBatch } from './reader.js';
import { type LogKey, type SignedTreeHead, verifyGetSth } from './signature.js';
import { bytesEqual, decodeBase64 } from './tls-reader.js';

/**
 * Reads an RFC 6962 log: get-sth (signature checked), get-entries in batches (several in flight
 * up to the client's concurrency), and get-entry-and-proof to learn the Merkle frontier of a
 * tree head when starting at the end of a log.
 */
export class Rfc6962Reader implements LogReader {
  readonly kind = 'rfc6962' as const;
  constructor(
    private readonly baseUrl: string, // ends with '/'
    private readonly key: LogKey,
    private readonly http: LogHttpClient,
    private readonly batchSize = 256,
  ) {}

  private async json(path: string): Promise<unknown> {
    const body = await this.http.get(this.baseUrl + path, 'application/json');
    try {
      return JSON.parse(Buffer.from(body).toString('utf8'));
    } catch (e) {
      throw new CtLogError('bad-json', `${path.split('?')[0]}: body is not JSON`, { cause: e });
    }
  }

  /** Latest STH, signature verified. Throws CtLogError on transport, format or signature failure. */
  async getTreeHead(): Promise<SignedTreeHead> {
    const body = await this.json('ct/v1/get-sth');
    return { ...verifyGetSth(body, this.key), signed: JSON.stringify(body) };
  }

  /**
   * Compact range of [0, sth.treeSize) proven against the STH root via the audit path of its
   * last leaf (get-entry-and-proof, or get-entries + get-proof-by-hash where that is missing).
   * Throws 'bad-proof' if the log's answer does not match the tree head.
   */
  async frontierAt(sth: SignedTreeHead): Promise<CompactRange> {
    if (sth.treeSize === 0) {
      if (!bytesEqual(sth.rootHash, EMPTY_ROOT)) throw new CtLogError('bad-proof', 'empty tree with a non-empty root');
      return CompactRange.empty();
    }
    const idx = sth.treeSize - 1;
    let leafInput: unknown;
    let rawPath: unknown;
    try {
      const body = (await this.json(`ct/v1/get-entry-and-proof?leaf_index=${idx}&tree_size=${sth.treeSize}`)) as Record<string, unknown>;
      leafInput = body?.leaf_input;
      rawPath = body?.audit_path;
    } catch (e) {
      // Some logs do not serve get-entry-and-proof: fetch the entry, then its proof by hash.
      if (!isCtLogError(e, 'http') || (e.status !== 400 && e.status !== 404 && e.status !== 501)) throw e;
      const entries = (await this.json(`ct/v1/get-entries?start=${idx}&end=${idx}`)) as { entries?: Array<Record<string, unknown>> };
      leafInput = entries?.entries?.[0]?.leaf_input;
      const hash = Buffer.from(leafHashOf(decodeBase64(leafInput, 'leaf_input'))).toString('base64');
      const proof = (await this.json(`ct/v1/get-proof-by-hash?hash=${encodeURIComponent(hash)}&tree_size=${sth.treeSize}`)) as Record<string, unknown>;
      if (proof?.leaf_index !== idx) throw new CtLogError('bad-proof', 'get-proof-by-hash answered for another leaf');
      rawPath = proof.audit_path;
    }
    if (!Array.isArray(rawPath)) throw new CtLogError('bad-json', 'audit_path missing');
    const leaf = leafHashOf(decodeBase64(leafInput, 'leaf_input'));
    const path = rawPath.map((p, i) => {
      const h = decodeBase64(p, `audit_path[${i}]`);
      if (h.length !== 32) throw new CtLogError('bad-json', 'audit path hash is not 32 bytes');
      return h;
    });
    return compactRangeFromLastLeafProof(sth.treeSize, leaf, path, sth.rootHash);
  }

  /** One get-entries call for [start, end); the log may return fewer (but at least one). */
  private async fetchBatch(start: number, end: number): Promise<ReadBatch> {
    const body = (await this.json(`ct/v1/get-entries?start=${start}&end=${end - 1}`)) as { entries?: unknown };
    if (typeof body !== 'object' || body === null || !Array.isArray(body.entries)) throw new CtLogError('bad-json', 'get-entries: entries missing');
    const items = body.entries as unknown[];
    if (items.length === 0 || items.length > end - start) throw new CtLogError('bad-json', `get-entries returned ${items.length} entries for ${end - start}`);
    const leafHashes: Uint8Array[] = [];
    const entries: DecodedEntry[] = [];
    const malformed: CtLogError[] = [];
    items.forEach((it, i) => {
      const o = (typeof it === 'object' && it !== null ? it : {}) as Record<string, unknown>;
      // The leaf hash needs only leaf_input: an entry whose body we cannot decode is still
      // hashed into the tree (so verification goes on) and reported as malformed.
      leafHashes.push(leafHashOf(decodeBase64(o.leaf_input, `entry ${start + i} leaf_input`)));
      try {
        const e = decodeRfc6962Entry(start + i, o.leaf_input, o.extra_data);
        if (e.rejected) malformed.push(e.rejected);
        else entries.push(e);
      } catch (e) {
        malformed.push(e as CtLogError);
      }
    });
    return { start, leafHashes, entries, malformed };
  }

  /**
   * Yields consecutive batches covering [start, end) in order. Up to the HTTP client's
   * concurrency of requests run ahead; a short answer is continued from where it stopped.
   */
  async *read(start: number, end: number): AsyncGenerator<ReadBatch> {
    const ahead = Math.max(1, this.http.limits.maxConcurrent);
    let next = start;
    const queue: Array<Promise<ReadBatch>> = [];
    const fill = () => {
      while (queue.length < ahead && next < end) {
        const s = next;
        const e = Math.min(end, s + this.batchSize);
        const p = this.fetchBatch(s, e);
        p.catch(() => undefined); // handled when awaited in order
        queue.push(p);
        next = e;
      }
    };
    let pos = start;
    fill();
    while (queue.length > 0) {
      const b = await queue.shift()!;
      if (b.start !== pos) throw new CtLogError('bad-value', 'batch out of order');
      pos += b.leafHashes.length;
      yield b;
      if (pos < b.start + Math.min(this.batchSize, end - b.start)) {
        // The log answered short: drop the read-ahead and continue from where it stopped.
        for (const q of queue) q.catch(() => undefined);
        queue.length = 0;
        next = pos;
      }
      fill();
    }
  }
}
