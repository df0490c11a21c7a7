import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { rootFromLeafHashes } from '../../../src/feed/ctlog/merkle.js';
import { TILE_WIDTH, tilePath } from '../../../src/feed/ctlog/tiles.js';
import { TlsReader, concatBytes, uintBytes } from '../../../src/feed/ctlog/tls-reader.js';
import { createHash } from 'node:crypto';
import { type TestLogKey, signCheckpoint } from './testlog.js';

/** Builders for static-ct-api test logs: hash tiles, the Navigli fixture log, a synthetic big log. */

/**
 * Hash tiles at every level for a tree of `size` leaves: full tiles plus the partial tile
 * each level has at this size (as a log serves them for its latest checkpoint).
 */
export function hashTiles(leafHashes: readonly Uint8Array[], size: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let level = 0;
  let hashes = leafHashes.slice(0, size);
  while (hashes.length > 0) {
    const next: Uint8Array[] = [];
    for (let t = 0; t * TILE_WIDTH < hashes.length; t++) {
      const slice = hashes.slice(t * TILE_WIDTH, (t + 1) * TILE_WIDTH);
      files.set(tilePath(level, t, slice.length), Buffer.concat(slice));
      if (slice.length === TILE_WIDTH) next.push(rootFromLeafHashes(slice));
    }
    hashes = next;
    level++;
  }
  return files;
}

/** Reads every file under `dir` into a map keyed by relative path. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split('\\').join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Leaf hashes of the real Navigli tree (1,024 entries) from its level-0 hash tiles. */
export function navigliLeafHashes(navigliDir: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = 0; t < 4; t++) {
    const b = readFileSync(join(navigliDir, 'tile', '0', `00${t}`));
    for (let i = 0; i < TILE_WIDTH; i++) out.push(new Uint8Array(b.subarray(i * 32, i * 32 + 32)));
  }
  return out;
}

/**
 * Files of the Navigli log served at tree size `size` (1024 or 778): the real data and level-0
 * tiles (including the real partial 003.p/10 for 778), computed higher-level tiles, and a
 * checkpoint signed by the test key `k` for `origin`.
 */
export function navigliFiles(navigliDir: string, k: TestLogKey, origin: string, size: 1024 | 778): Map<string, Buffer> {
  const real = readTree(navigliDir);
  const leaves = navigliLeafHashes(navigliDir);
  const files = new Map<string, Buffer>();
  for (const [p, b] of real) if (p.startsWith('tile/data/') || p.startsWith('tile/0/')) files.set(p, b);
  for (const [p, b] of hashTiles(leaves, size)) if (!p.startsWith('tile/0/')) files.set(p, b);
  files.set('checkpoint', Buffer.from(signCheckpoint(k, origin, size, rootFromLeafHashes(leaves.slice(0, size)))));
  return files;
}

interface TileLeafParts {
  entryType: number;
  /** x509: the certificate; precert: issuer_key_hash || tbs (without length prefix of tbs) */
  cert?: Uint8Array;
  issuerKeyHash?: Uint8Array;
  tbs?: Uint8Array;
  preCertificate?: Uint8Array;
  chain: Uint8Array;
}

/** Splits a data tile into TileLeaf parts (test helper; the real decoder is leaf.ts). */
function splitTile(tile: Uint8Array): TileLeafParts[] {
  const r = new TlsReader(tile, 'tile');
  const out: TileLeafParts[] = [];
  while (r.remaining > 0) {
    r.u64();
    const entryType = r.u16();
    const p: TileLeafParts = { entryType, chain: new Uint8Array(0) };
    if (entryType === 0) p.cert = r.vec(3);
    else {
      p.issuerKeyHash = r.bytes(32);
      p.tbs = r.vec(3);
    }
    r.vec(2); // extensions, rewritten
    if (entryType === 1) p.preCertificate = r.vec(3);
    p.chain = r.vec(2);
    out.push(p);
  }
  return out;
}

const u24 = (b: Uint8Array) => concatBytes(uintBytes(b.length, 3), b);
const u16 = (b: Uint8Array) => concatBytes(uintBytes(b.length, 2), b);

/** DER: offset just after a tag+length header at `o`. */
function headerEnd(b: Uint8Array, o: number): number {
  const l = b[o + 1]!;
  return l < 0x80 ? o + 2 : o + 2 + (l & 0x7f);
}

/** Overwrites the last 4 bytes of the serial number of a TBSCertificate starting at `o`. */
function patchSerial(b: Uint8Array, tbsAt: number, n: number): void {
  let o = headerEnd(b, tbsAt); // inside TBS
  if (b[o] === 0xa0) o = headerEnd(b, o) + b[headerEnd(b, o) - 1]!; // skip [0] version
  if (b[o] !== 0x02) return; // no INTEGER serial: leave as is
  const end = headerEnd(b, o) + b[o + 1]!;
  if (b[o + 1]! < 5) return;
  b.set(uintBytes(n >>> 0, 4), end - 4);
}

/**
 * A synthetic static-ct-api log of `count` entries built from real TileLeaf templates (e.g. the
 * Navigli data tiles), each given its own timestamp, leaf_index and serial number so every entry
 * is a distinct issuance, with all data and hash tiles and a checkpoint signed by `k`.
 * Returns the files (path → body), to serve with startStaticServer or write to disk.
 * `serialBase` (default 0) offsets the serials, so two logs built from the same templates hold
 * different issuances.
 * For 50,000 entries this takes a few seconds and ~80 MB.
 */
export function syntheticStaticLog(opts: { templates: Uint8Array[]; count: number; key: TestLogKey; origin: string; startTimestamp?: number; serialBase?: number }): { files: Map<string, Buffer>; leafHashes: Uint8Array[]; root: Uint8Array } {
  const parts = opts.templates.flatMap(splitTile);
  const ts0 = opts.startTimestamp ?? 1_750_000_000_000;
  const files = new Map<string, Buffer>();
  const leafHashes: Uint8Array[] = [];
  let tileParts: Uint8Array[] = [];
  const flush = (tileIndex: number) => {
    files.set(tilePath('data', tileIndex, tileParts.length), Buffer.concat(tileParts));
    tileParts = [];
  };
  for (let i = 0; i < opts.count; i++) {
    const t = parts[i % parts.length]!;
    const ext = concatBytes(Uint8Array.of(0), u16(uintBytes(i, 5)));
    let signed: Uint8Array;
    let extra: Uint8Array = new Uint8Array(0);
    if (t.entryType === 0) {
      const cert = t.cert!.slice();
      patchSerial(cert, headerEnd(cert, 0), (opts.serialBase ?? 0) + i);
      signed = u24(cert);
    } else {
      const tbs = t.tbs!.slice();
      patchSerial(tbs, 0, (opts.serialBase ?? 0) + i);
      const pre = t.preCertificate!.slice();
      patchSerial(pre, headerEnd(pre, 0), (opts.serialBase ?? 0) + i);
      signed = concatBytes(t.issuerKeyHash!, u24(tbs));
      extra = u24(pre);
    }
    const te = concatBytes(uintBytes(ts0 + i, 8), uintBytes(t.entryType, 2), signed, u16(ext));
    leafHashes.push(new Uint8Array(createHash('sha256').update(Uint8Array.of(0, 0, 0)).update(te).digest()));
    tileParts.push(concatBytes(te, extra, u16(t.chain)));
    if (tileParts.length === TILE_WIDTH) flush(Math.floor(i / TILE_WIDTH));
  }
  if (tileParts.length > 0) flush(Math.floor(opts.count / TILE_WIDTH));
  for (const [p, b] of hashTiles(leafHashes, opts.count)) files.set(p, b);
  const root = rootFromLeafHashes(leafHashes);
  files.set('checkpoint', Buffer.from(signCheckpoint(opts.key, opts.origin, opts.count, root)));
  return { files, leafHashes, root };
}

/**
 * Writes a log's files under `dir` (creating folders), e.g. to serve a synthetic log from disk
 * to the daemon in an integration test. Idempotent: files are overwritten.
 */
export function writeStaticLog(dir: string, files: Map<string, Buffer>): void {
  for (const [p, b] of files) {
    const full = join(dir, ...p.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, b);
  }
}

/**
 * The 50,000-entry synthetic log for the daemon's SIGKILL test, built from the real Navigli
 * data tiles in `navigliDir` (1,024 distinct real precertificates, re-used with fresh serials).
 */
export function bigSyntheticLog(navigliDir: string, key: TestLogKey, origin: string, count = 50_000, serialBase = 0) {
  return syntheticStaticLog({ templates: navigliTemplates(navigliDir), count, key, origin, serialBase });
}

/** The real Navigli data tiles (1,024 entries) the synthetic logs re-use. */
export function navigliTemplates(navigliDir: string): Uint8Array[] {
  return ['000', '001', '002', '003'].map((t) => new Uint8Array(readFileSync(join(navigliDir, 'tile', 'data', t))));
}
