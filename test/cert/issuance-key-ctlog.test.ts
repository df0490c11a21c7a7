/**
 * The issuance key on real CT log data: a log's precertificate entry stores the TBSCertificate
 * the log derived from the submitted precertificate (RFC 6962 §3.2: poison removed, issuer and
 * AKI transformed if a Precertificate Signing Certificate was used). That TBS is, byte for
 * byte, what the final certificate's TBS is without its SCT list, so
 *   issuanceKeyFromDer(precertificate) = issuanceKeyFromTbs(log TBS) = "tbs:" + SHA-256(log TBS)
 * checks the key against the logs' own definition of "the same certificate".
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issuanceKeyFromDer, issuanceKeyFromTbs } from '../../src/cert/issuance-key.js';
import { readCertNames } from '../../src/cert/fast-names.js';
import { FIXTURES } from './load-certs.js';

/** Minimal TLS-presentation-language reader for the test's log structures. */
class Tls {
  p = 0;
  constructor(readonly b: Uint8Array) {}
  uint(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.b[this.p++]!;
    if (this.p > this.b.length) throw new Error('short read');
    return v;
  }
  bytes(n: number): Uint8Array {
    const out = this.b.subarray(this.p, this.p + n);
    if (out.length !== n) throw new Error('short read');
    this.p += n;
    return out;
  }
  vec(lenBytes: number): Uint8Array {
    return this.bytes(this.uint(lenBytes));
  }
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('issuance key vs the TBS a static-ct log stored (Navigli 2025h2, tile data 000)', () => {
  const tile = new Tls(new Uint8Array(readFileSync(join(FIXTURES, 'ctlog', 'navigli2025h2_tile_data_000'))));
  const entries: { tbs: Uint8Array; precert: Uint8Array }[] = [];
  while (tile.p < tile.b.length) {
    tile.uint(8); // timestamp
    const type = tile.uint(2);
    if (type !== 1) throw new Error('expected only precertificate entries in this tile');
    tile.bytes(32); // issuer_key_hash
    const tbs = tile.vec(3);
    tile.vec(2); // CT extensions
    const precert = tile.vec(3);
    tile.vec(2); // chain fingerprints
    entries.push({ tbs, precert });
  }

  it('has the 256 entries of a full tile', () => {
    expect(entries).toHaveLength(256);
  });

  it('gives each precertificate the key of the log TBS', () => {
    const bad: number[] = [];
    entries.forEach((e, i) => {
      const k = issuanceKeyFromDer(e.precert);
      if (k !== issuanceKeyFromTbs(e.tbs) || k !== `tbs:${sha(e.tbs)}`) bad.push(i);
    });
    expect(bad).toEqual([]);
  });

  it('gives distinct entries distinct keys', () => {
    expect(new Set(entries.map((e) => issuanceKeyFromDer(e.precert))).size).toBe(new Set(entries.map((e) => sha(e.tbs))).size);
  });

  it('reads every precertificate with the fast reader, flagged as precertificate', () => {
    expect(entries.every((e) => readCertNames(e.precert)?.precert === true)).toBe(true);
  });
});

describe('issuance key vs an RFC 6962 get-entries precert_entry (certificate-transparency-go test data)', () => {
  const body = JSON.parse(readFileSync(join(FIXTURES, 'ctlog', 'get-entries_precert_and_x509.json'), 'utf8')) as {
    entries: { leaf_input: string; extra_data: string }[];
  };
  const e = body.entries.find((x) => Buffer.from(x.leaf_input, 'base64')[11] === 1)!;
  const leaf = new Tls(new Uint8Array(Buffer.from(e.leaf_input, 'base64')));
  leaf.uint(1); // version
  leaf.uint(1); // leaf_type
  leaf.uint(8); // timestamp
  expect(leaf.uint(2)).toBe(1); // precert_entry
  leaf.bytes(32);
  const tbs = leaf.vec(3);
  const extra = new Tls(new Uint8Array(Buffer.from(e.extra_data, 'base64')));
  const precert = extra.vec(3);
  const chain = new Tls(extra.vec(3));
  const issuer = chain.vec(3);

  it('matches with and without the issuer (which is a CA, not a precertificate signer)', () => {
    const k = issuanceKeyFromTbs(tbs);
    expect(k).toBe(`tbs:${sha(tbs)}`);
    expect(issuanceKeyFromDer(precert)).toBe(k);
    expect(issuanceKeyFromDer(precert, issuer)).toBe(k);
  });

  it('rejects a certificate where a bare TBS is expected, and the reverse', () => {
    expect(() => issuanceKeyFromTbs(precert)).toThrow();
    expect(() => issuanceKeyFromDer(tbs)).toThrow();
  });
});
