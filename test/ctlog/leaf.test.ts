import { describe, expect, it } from 'vitest';
import { isCtLogError } from '../../src/feed/ctlog/errors.js';
import { decodeDataTile, decodeRfc6962Entry } from '../../src/feed/ctlog/leaf.js';
import { fixture, fixtureJson } from './fixtures.js';

const b64 = (b: Uint8Array | number[]) => Buffer.from(b instanceof Uint8Array ? b : Uint8Array.from(b)).toString('base64');

describe('decodeRfc6962Entry', () => {
  it.each([
    ['get-entries_4_x509_google_2013.json', ['x509', 'x509', 'x509', 'x509']],
    ['get-entries_precert_and_x509.json', ['precert', 'x509']],
  ])('decodes the real entries in %s', (file, types) => {
    const body = fixtureJson(`rfc6962/${file}`);
    const got = body.entries.map((e: any, i: number) => decodeRfc6962Entry(i, e.leaf_input, e.extra_data));
    expect(got.map((e: any) => e.entryType)).toEqual(types);
    for (const e of got) {
      expect(e.der[0]).toBe(0x30); // DER SEQUENCE
      expect(e.chain.length).toBeGreaterThan(0);
      expect(e.leafHash).toHaveLength(32);
    }
  });

  it('gives the full precertificate (not the TBS) for precert entries', () => {
    const e = fixtureJson('rfc6962/get-entries_precert_and_x509.json').entries[0];
    const d = decodeRfc6962Entry(0, e.leaf_input, e.extra_data);
    // The precertificate carries the CT poison extension (OID 1.3.6.1.4.1.11129.2.4.3); the leaf's TBS does not.
    const poison = Buffer.from('060a2b06010401d679020403', 'hex');
    expect(Buffer.from(d.der).includes(poison)).toBe(true);
    expect(Buffer.from(e.leaf_input, 'base64').includes(poison)).toBe(false);
  });

  const good = fixtureJson('rfc6962/get-entries_4_x509_google_2013.json').entries[0];
  const leaf = Buffer.from(good.leaf_input, 'base64');
  const extra = Buffer.from(good.extra_data, 'base64');
  it.each([
    ['empty leaf', '', good.extra_data, 'truncated'],
    ['bad base64', 'bogus!', good.extra_data, 'bad-base64'],
    ['not a string', 42, good.extra_data, 'bad-base64'],
    ['version 1', b64([1, ...leaf.subarray(1)]), good.extra_data, 'bad-value'],
    ['leaf type 1', b64([0, 1, ...leaf.subarray(2)]), good.extra_data, 'bad-value'],
    ['entry type 7', b64([...leaf.subarray(0, 10), 0, 7, ...leaf.subarray(12)]), good.extra_data, 'bad-value'],
    ['truncated leaf', b64(leaf.subarray(0, leaf.length - 1)), good.extra_data, 'truncated'],
    ['trailing byte', b64([...leaf, 0]), good.extra_data, 'trailing-data'],
    ['truncated extra', good.leaf_input, b64(extra.subarray(0, 10)), 'truncated'],
    ['trailing extra', good.leaf_input, b64([...extra, 1]), 'trailing-data'],
    ['huge cert length', b64([...leaf.subarray(0, 12), 0xff, 0xff, 0xff]), good.extra_data, 'truncated'],
  ])('rejects %s with a coded error', (_d, li, ed, code) => {
    let err: unknown;
    try {
      decodeRfc6962Entry(3, li, ed);
    } catch (e) {
      err = e;
    }
    expect(isCtLogError(err, code as any)).toBe(true);
    expect((err as Error).message).toContain('entry 3');
    expect((err as any).cause).toBeDefined();
  });

  it.each(fixture('rfc6962/malformed_responses.jsonl').toString('utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((c) => c.rsp.startsWith('{"entries"')).map((c) => [c.desc, c.rsp]))(
    'rejects the malformed get-entries body "%s"',
    (_d, rsp) => {
      const body = JSON.parse(rsp);
      for (const e of body.entries) expect(() => decodeRfc6962Entry(0, e.leaf_input, e.extra_data)).toThrow();
    },
  );
});

describe('decodeDataTile', () => {
  const tile = fixture('static-ct/navigli2025h2/tile/data/000');
  const hashes = fixture('static-ct/navigli2025h2/tile/0/000');

  it('decodes 256 real Navigli entries whose leaf hashes equal the level-0 hash tile', () => {
    const es = decodeDataTile(tile, 0, 256);
    expect(es).toHaveLength(256);
    es.forEach((e, i) => {
      expect(e.index).toBe(i);
      expect(Buffer.from(e.leafHash).equals(hashes.subarray(i * 32, i * 32 + 32))).toBe(true);
    });
    expect(es[0]!.entryType).toBe('precert');
    expect(es[0]!.chainFingerprints.length).toBeGreaterThan(0);
  });

  it.each([
    ['cut in the middle', tile.subarray(0, 5000), 256, 'truncated'],
    ['fewer entries than the width', tile, 257, 'truncated'],
    ['more entries than the width', tile, 255, 'trailing-data'],
    ['empty tile', new Uint8Array(0), 1, 'truncated'],
    ['garbage', Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff), 1, undefined],
  ])('rejects a tile %s', (_d, bytes, width, code) => {
    let err: unknown;
    try {
      decodeDataTile(bytes, 0, width);
    } catch (e) {
      err = e;
    }
    expect(isCtLogError(err)).toBe(true);
    if (code) expect((err as any).code).toBe(code);
  });

  it('rejects a leaf_index extension that disagrees with the position', () => {
    // Entries of tile 0 decoded as if they were tile 1: their leaf_index extensions say 0..255.
    expect(() => decodeDataTile(tile, 256, 256)).toThrow(/leaf_index/);
  });
});
