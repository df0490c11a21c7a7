import { describe, expect, it } from 'vitest';
import { decodeRfc6962Entry } from '../../src/feed/ctlog/leaf.js';
import { CompactRange, compactRangeFromLastLeafProof, hashLeaf, rootFromInclusion, rootFromLeafHashes, verifyConsistency, verifyInclusion } from '../../src/feed/ctlog/merkle.js';
import { compactRangeFromTiles, encodeTileIndex, tilePath, tileWidth } from '../../src/feed/ctlog/tiles.js';
import { fixture, fixtureJson } from './fixtures.js';
import { hashTiles } from './helpers/static-log.js';

const h = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const leaves = (n: number) => Array.from({ length: n }, (_, i) => hashLeaf(Uint8Array.of(i, i >> 8, i >> 16)));

describe('Merkle tree hashing', () => {
  it('matches the RFC 6962 reference root for the 8 test leaves', () => {
    // Test vector from RFC 6962's reference implementation (merkle_tree_test): leaves "", 00, 10, 2021, 3031, 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f.
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const root = rootFromLeafHashes(data.map((d) => hashLeaf(Buffer.from(d, 'hex'))));
    expect(Buffer.from(root).toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it.each([0, 1, 2, 3, 5, 7, 8, 9, 100, 255, 256, 257, 1000])('CompactRange root equals the full MTH for %i leaves and survives a round trip', (n) => {
    const ls = leaves(n);
    const r = CompactRange.empty();
    for (const l of ls) r.append(l);
    expect(Buffer.from(r.root()).equals(Buffer.from(rootFromLeafHashes(ls)))).toBe(true);
    const back = CompactRange.fromFrontier(n, r.frontier());
    back.append(hashLeaf(Uint8Array.of(9)));
    expect(Buffer.from(back.root()).equals(Buffer.from(rootFromLeafHashes([...ls, hashLeaf(Uint8Array.of(9))])))).toBe(true);
  });

  it('rejects a frontier that does not fit the size', () => {
    expect(() => CompactRange.fromFrontier(3, [new Uint8Array(32)])).toThrow(/needs 2/);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31])('recovers the compact range of %i leaves from the last leaf audit path', (n) => {
    const ls = leaves(n);
    const full = rootFromLeafHashes(ls);
    const path = auditPath(ls, n - 1);
    expect(verifyInclusion(n - 1, n, ls[n - 1]!, path, full)).toBe(true);
    const r = compactRangeFromLastLeafProof(n, ls[n - 1]!, path, full);
    expect(r.size).toBe(n);
    expect(Buffer.from(r.root()).equals(Buffer.from(full))).toBe(true);
  });

  it('verifies the real Icarus audit path for entry 120000000 against the real STH', () => {
    const p = fixtureJson('rfc6962/get-entry-and-proof_icarus_120000000.json');
    const sth = fixtureJson('rfc6962/get-sth_icarus_129721434.json');
    const leaf = hashLeaf(h(p.leaf_input));
    const path = p.audit_path.map(h);
    expect(verifyInclusion(120000000, sth.tree_size, leaf, path, h(sth.sha256_root_hash))).toBe(true);
    const bad = path.slice();
    bad[3] = hashLeaf(Uint8Array.of(1));
    expect(verifyInclusion(120000000, sth.tree_size, leaf, bad, h(sth.sha256_root_hash))).toBe(false);
    expect(() => rootFromInclusion(120000000, sth.tree_size, leaf, path.slice(1))).toThrow(/too short/);
  });

  it('verifies the real Icarus consistency proof and rejects a tampered one', () => {
    const a = fixtureJson('rfc6962/get-sth_icarus_129596132.json');
    const b = fixtureJson('rfc6962/get-sth_icarus_129721434.json');
    const proof = fixtureJson('rfc6962/get-sth-consistency_icarus_129596132_129721434.json').consistency.map(h);
    expect(verifyConsistency(a.tree_size, b.tree_size, h(a.sha256_root_hash), h(b.sha256_root_hash), proof)).toBe(true);
    expect(verifyConsistency(a.tree_size, b.tree_size, h(b.sha256_root_hash), h(b.sha256_root_hash), proof)).toBe(false);
    expect(verifyConsistency(a.tree_size, b.tree_size, h(a.sha256_root_hash), h(b.sha256_root_hash), proof.slice(1))).toBe(false);
  });

  it('shows the 4-entry STH fixture does not match its entries (its root is wrong)', () => {
    const es = fixtureJson('rfc6962/get-entries_4_x509_google_2013.json').entries.map((e: any, i: number) => decodeRfc6962Entry(i, e.leaf_input, e.extra_data));
    const sth = fixtureJson('rfc6962/get-sth_4entries_testsig.json');
    expect(Buffer.from(rootFromLeafHashes(es.map((e: any) => e.leafHash))).equals(Buffer.from(h(sth.sha256_root_hash)))).toBe(false);
  });
});

/** Reference audit path (RFC 6962 §2.1.1 PATH) for tests. */
function auditPath(ls: Uint8Array[], m: number): Uint8Array[] {
  if (ls.length <= 1) return [];
  let k = 1;
  while (k * 2 < ls.length) k *= 2;
  return m < k ? [...auditPath(ls.slice(0, k), m), rootFromLeafHashes(ls.slice(k))] : [...auditPath(ls.slice(k), m - k), rootFromLeafHashes(ls.slice(0, k))];
}

describe('tiles', () => {
  it.each([
    [0, '000'],
    [7, '007'],
    [1000, 'x001/000'],
    [1234067, 'x001/x234/067'],
  ])('encodes tile index %i as %s', (n, s) => expect(encodeTileIndex(n)).toBe(s));

  it.each([
    [0, 3, 256, 'tile/0/003'],
    [0, 3, 10, 'tile/0/003.p/10'],
    ['data', 1234067, 256, 'tile/data/x001/x234/067'],
  ] as const)('path of tile %s/%i width %i', (l, n, w, p) => expect(tilePath(l, n, w)).toBe(p));

  it.each([
    [0, 0, 70000, 256],
    [0, 273, 70000, 112],
    [1, 1, 70000, 17],
    [2, 0, 70000, 1],
    [0, 274, 70000, 0],
  ])('width of tile L%i N%i at size %i is %i (spec example)', (l, n, s, w) => expect(tileWidth(l, n, s)).toBe(w));

  // Navigli tiles: 4 full level-0 tiles (1,024 entries) and 003.p/10, the partial tile 3 of an
  // earlier tree of 778 entries (a prefix of the full tile 003).
  const navigliLeaves = (): Uint8Array[] => {
    const all: Uint8Array[] = [];
    for (const t of ['000', '001', '002', '003']) {
      const b = fixture(`static-ct/navigli2025h2/tile/0/${t}`);
      for (let i = 0; i < 256; i++) all.push(b.subarray(i * 32, i * 32 + 32));
    }
    return all;
  };

  it.each([1024, 778, 777, 512, 1])('builds the Navigli compact range at size %i from real hash tiles', async (size) => {
    const all = navigliLeaves().slice(0, size);
    const fetched: string[] = [];
    const r = await compactRangeFromTiles(size, async (level, index, width) => {
      fetched.push(`${level}/${index}/${width}`);
      if (level === 0 && width === 256) return fixture(`static-ct/navigli2025h2/tile/0/00${index}`);
      if (level === 0 && index === 3 && width === 10) return fixture('static-ct/navigli2025h2/tile/0/003.p/10');
      if (level === 0) return fixture(`static-ct/navigli2025h2/tile/0/00${index}`).subarray(0, width * 32);
      if (level === 1 && index === 0) {
        // level-1 hashes are the roots of the full level-0 tiles
        return Buffer.concat(Array.from({ length: width }, (_, t) => Buffer.from(rootFromLeafHashes(all.slice(t * 256, t * 256 + 256)))));
      }
      throw new Error(`unexpected tile ${level}/${index}/${width}`);
    });
    expect(r.size).toBe(size);
    expect(Buffer.from(r.root()).equals(Buffer.from(rootFromLeafHashes(all)))).toBe(true);
    expect(new Set(fetched).size).toBe(fetched.length); // each tile fetched once
    if (size === 778) expect(fetched).toContain('0/3/10');
  });

  it.each([70_000, 65_536, 65_537, 256 * 255 + 1])('builds the compact range of a %i-leaf tree from three levels of tiles', async (size) => {
    const ls = leaves(size);
    const tiles = hashTiles(ls, size);
    const r = await compactRangeFromTiles(size, async (l, i, w) => {
      const t = tiles.get(tilePath(l, i, w));
      if (!t) throw new Error(`no tile ${tilePath(l, i, w)}`);
      return t;
    });
    expect(Buffer.from(r.root()).equals(Buffer.from(rootFromLeafHashes(ls)))).toBe(true);
    if (size === 70_000) expect([...tiles.keys()].filter((k) => k.includes('.p/'))).toEqual(['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1']);
  });

  it('rejects a hash tile of the wrong length', async () => {
    await expect(compactRangeFromTiles(300, async () => new Uint8Array(31))).rejects.toMatchObject({ code: 'bad-proof' });
  });
});
