/**
 * Issue 14: precertificate names come from the bytes the Merkle leaf hash covers. A log (or its
 * CDN) serving a precertificate whose names differ from the hashed tbs_certificate gets no hit
 * for the unhashed names; the entry is rejected, counted in /metrics and reported as a
 * `ctlog.misbehaving` health event with its evidence stored.
 */
import { describe, expect, it } from 'vitest';
import { decodeDataTile, decodeRfc6962Entry } from '../../src/feed/ctlog/leaf.js';
import { readCertNames } from '../../src/cert/fast-names.js';
import { fixtureJson, NAVIGLI } from './fixtures.js';
import { navigliFiles } from './helpers/static-log.js';
import { replaceAll, tileLeaves } from './helpers/tile-leaves.js';
import { testLogKey } from './helpers/testlog.js';
import { getJson, until } from '../helpers/app.js';
import { daemonOnLog } from './helpers/log-daemon.js';

/** Tile data 000 with precertificate `k`'s first long DNS name swapped for a "paypal…" name of the same length. */
function tamperedTile(tile: Buffer): { tile: Buffer; index: number; original: string; swapped: string } {
  const out = Buffer.from(tile);
  const leaves = tileLeaves(out);
  for (let i = 0; i < leaves.length; i++) {
    const l = leaves[i]!;
    if (l.entryType !== 1) continue;
    const name = readCertNames(out.subarray(l.pre!.start, l.pre!.end))?.dnsNames.find((n) => n.length >= 12 && !n.includes('*'));
    if (!name) continue;
    const swapped = 'paypal-' + name.slice(7);
    if (replaceAll(out, l.pre!.start, l.pre!.end, name, swapped) === 0) continue;
    return { tile: out, index: i, original: name, swapped };
  }
  throw new Error('no suitable entry');
}

describe('the decoders bind precertificates to the hashed TBS', () => {
  it('static-ct-api: the tampered entry is returned rejected, the others are read, every leaf hash is kept', () => {
    const tile = Buffer.from(navigliFiles(NAVIGLI, testLogKey(), 'x.example', 1024).get('tile/data/000')!);
    const t = tamperedTile(tile);
    const good = decodeDataTile(tile, 0, 256);
    const bad = decodeDataTile(t.tile, 0, 256);
    expect(good.every((e) => !e.rejected)).toBe(true);
    expect(bad.filter((e) => e.rejected).map((e) => e.index)).toEqual([t.index]);
    expect(bad[t.index]!.rejected!.code).toBe('precert-mismatch');
    expect(bad.map((e) => Buffer.from(e.leafHash).toString('hex'))).toEqual(good.map((e) => Buffer.from(e.leafHash).toString('hex')));
  });

  it('RFC 6962: a pre_certificate in extra_data that differs from the leaf TBS is rejected', () => {
    const items = fixtureJson('rfc6962/get-entries_precert_and_x509.json').entries as Array<{ leaf_input: string; extra_data: string }>;
    const idx = items.findIndex((it) => decodeRfc6962Entry(0, it.leaf_input, it.extra_data).entryType === 'precert');
    expect(idx).toBeGreaterThanOrEqual(0);
    const item = items[idx]!;
    expect(decodeRfc6962Entry(7, item.leaf_input, item.extra_data).rejected).toBeUndefined();
    const extra = Buffer.from(item.extra_data, 'base64');
    const pre = decodeRfc6962Entry(7, item.leaf_input, item.extra_data).der;
    const name = readCertNames(pre)!.dnsNames.find((n) => n.length >= 8 && !n.includes('*'))!;
    expect(replaceAll(extra, 0, extra.length, name, 'paypal' + name.slice(6))).toBeGreaterThan(0);
    const e = decodeRfc6962Entry(7, item.leaf_input, extra.toString('base64'));
    expect(e.rejected?.code).toBe('precert-mismatch');
    expect(e.rejected?.message).not.toContain(name);
  });
});

describe('a static-ct tile whose precertificate names differ from the hashed TBS, in the daemon', () => {
  it('gives no hit for the unhashed names, rejects and counts the entry, and reports it once', async () => {
    const k = testLogKey();
    const origin = 'cdn.test.example';
    const files = navigliFiles(NAVIGLI, k, origin, 1024);
    const t0 = tamperedTile(files.get('tile/data/000')!);
    files.set('tile/data/000', t0.tile);
    const d = await daemonOnLog(files, k, origin, [
      { name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] },
      { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
    ]);
    const { t, srv, hook } = d;
    try {
      // The proofs all verify: the swapped bytes are outside the leaf hash.
      await until(() => t.app.store.positions.load(srv.url)?.verifiedSize === 1024, 60_000, 'verified 1024');
      const hits = t.app.store.hits.listHits();
      expect(hits.filter((h) => h.brand === 'Avito').length).toBeGreaterThan(3); // the rest was read
      expect(hits.filter((h) => h.brand === 'PayPal')).toEqual([]);
      expect(JSON.stringify(hits)).not.toContain(t0.swapped);
      const st = (await getJson(`${t.base}/readyz?verbose`)).body.ct_logs[0];
      expect(st).toMatchObject({ rejectedEntries: 1, entriesProcessed: 1023, malformedEntries: 0, misbehaviour: 1 });
      const metrics = await (await fetch(`${t.base}/metrics`)).text();
      expect(metrics).toMatch(/ctwatch_ctlog_rejected_entries\{log="[^"]+"\} 1/);
      expect(metrics).toMatch(/ctwatch_ctlog_errors_total\{log="[^"]+",code="precert-mismatch"\} 1/);
      const isMisbehaving = (r: { body: string }) => r.body.includes('ctlog.misbehaving');
      await until(() => hook.requests.some(isMisbehaving), 20_000, 'misbehaving alert');
      const alerts = hook.requests.filter(isMisbehaving);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.body).toContain('precert-mismatch');
      expect(alerts[0]!.body).not.toContain(t0.swapped);
      const rows = t.app.store.ctlogEvidence.list(srv.url);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kind: 'precert-mismatch', evidence: { index: t0.index } });
    } finally {
      await d.close();
    }
  });
});
