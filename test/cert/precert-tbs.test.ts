/**
 * bindPrecertToTbs on real CT data: every real precertificate of a Navigli data tile carries the
 * TBS its leaf hash covers ('same', no copy); a precertificate altered in any field the names,
 * key or validity live in is a 'mismatch'; a Precertificate Signing Certificate's rewrite
 * (issuer name and AKI only) is 'rebuilt' from the hashed TBS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindPrecertToTbs } from '../../src/cert/precert-tbs.js';
import { readCertNames } from '../../src/cert/fast-names.js';
import { parseCertificate } from '../../src/cert/full-parse.js';
import { issuanceKeyFromDer, issuanceKeyFromTbs } from '../../src/cert/issuance-key.js';
import { locateBareTbs } from '../../src/cert/tbs-layout.js';
import { NAVIGLI } from '../ctlog/fixtures.js';
import { replaceAll, tileLeaves } from '../ctlog/helpers/tile-leaves.js';

const tile = new Uint8Array(readFileSync(join(NAVIGLI, 'tile', 'data', '000')));
const entries = tileLeaves(tile)
  .filter((l) => l.entryType === 1)
  .map((l) => ({ tbs: tile.slice(l.signed.start, l.signed.end), pre: tile.slice(l.pre!.start, l.pre!.end) }));

/** An entry with a plain DNS name of at least 10 characters (no wildcard). */
function entryWithName(): { tbs: Uint8Array; pre: Uint8Array; name: string } {
  for (const e of entries) {
    const name = readCertNames(e.pre)?.dnsNames.find((n) => n.length >= 10 && !n.includes('*'));
    if (name) return { ...e, name };
  }
  throw new Error('no suitable entry');
}

describe('bindPrecertToTbs', () => {
  it('binds every real precertificate of the tile as it is (no copy)', () => {
    expect(entries.length).toBeGreaterThan(200);
    for (const e of entries) {
      const b = bindPrecertToTbs(e.pre, e.tbs);
      expect(b.result).toBe('same');
      if (b.result === 'same') expect(b.der).toBe(e.pre);
    }
  });

  it.each([
    ['a DNS name', (e: ReturnType<typeof entryWithName>) => replaceAll(e.pre, 0, e.pre.length, e.name, 'paypal' + e.name.slice(6))],
    ['the validity', (e: ReturnType<typeof entryWithName>) => {
      // notBefore's year digits: UTCTime "25..." → "24..."
      const i = Buffer.from(e.pre).indexOf(Buffer.from([0x17, 0x0d, 0x32, 0x35]));
      e.pre[i + 3] = 0x34;
      return 1;
    }],
    ['the poison (a final certificate served as the precertificate)', (e: ReturnType<typeof entryWithName>) => replaceAll(e.pre, 0, e.pre.length, '\u0006\n+\u0006\u0001\u0004\u0001\u00d6y\u0002\u0004\u0003', '\u0006\n+\u0006\u0001\u0004\u0001\u00d6y\u0002\u0004\u0009')],
  ])('refuses a precertificate whose %s differs from the hashed TBS', (_what, alter) => {
    const e = entryWithName();
    const pre = e.pre.slice();
    expect(alter({ ...e, pre })).toBeGreaterThan(0);
    const b = bindPrecertToTbs(pre, e.tbs);
    expect(b.result).toBe('mismatch');
  });

  it('a TBS changed in its names is refused too (the leaf is the truth, the precertificate must follow)', () => {
    const e = entryWithName();
    const tbs = e.tbs.slice();
    replaceAll(tbs, 0, tbs.length, e.name, 'paypal' + e.name.slice(6));
    expect(bindPrecertToTbs(e.pre, tbs).result).toBe('mismatch');
  });

  it('rebuilds from the hashed TBS when only the issuer name and AKI differ (Precertificate Signing Certificate)', () => {
    const e = entryWithName();
    const tbs = e.tbs.slice();
    const L = locateBareTbs(tbs)!;
    // The CA's issuer name and AKI as the log rewrote them: change the last issuer character and a key id byte.
    const last = L.issuerEnd - 1;
    tbs[last] = tbs[last]! >= 0x61 ? tbs[last]! - 0x20 : tbs[last]! >= 0x41 ? tbs[last]! + 0x20 : tbs[last]! ^ 1;
    const aki = Buffer.from(tbs).indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x23]));
    expect(aki).toBeGreaterThan(0);
    tbs[aki + 12] ^= 0xff;
    const b = bindPrecertToTbs(e.pre, tbs);
    expect(b.result).toBe('rebuilt');
    if (b.result !== 'rebuilt') return;
    expect(readCertNames(b.der)).toEqual(readCertNames(e.pre));
    expect(issuanceKeyFromDer(b.der)).toBe(issuanceKeyFromTbs(tbs));
    expect(issuanceKeyFromDer(b.der)).not.toBe(issuanceKeyFromDer(e.pre));
    const parsed = parseCertificate(b.der);
    expect(parsed.precert).toBe(true);
    expect(parsed.issuerDn).not.toBe(parseCertificate(e.pre).issuerDn);
  });

  it.each([
    ['empty', new Uint8Array(0), new Uint8Array(0)],
    ['garbage', Uint8Array.of(0x30, 0x03, 1, 2, 3), Uint8Array.of(0x30, 0x82, 0xff)],
  ])('never throws on %s input', (_w, pre, tbs) => {
    expect(bindPrecertToTbs(pre, tbs).result).toBe('mismatch');
  });
});
