import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/cert/full-parse.js';
import { LogHttpClient } from '../../src/feed/ctlog/http.js';
import { MemoryPositionStore } from '../../src/feed/ctlog/memory-store.js';
import { rfc6962NoteVerifier } from '../../src/feed/ctlog/note.js';
import { parseLogKey } from '../../src/feed/ctlog/signature.js';
import { CtLogSource } from '../../src/feed/ctlog/source.js';
import { StaticCtReader } from '../../src/feed/ctlog/static-client.js';
import type { CertEvent } from '../../src/feed/types.js';
import { NAVIGLI, NAVIGLI_SIZE, fixture, SKYLIGHT_KEY } from './fixtures.js';
import { FakeClock, expectFallbacks, waitFor } from './helpers/clock.js';
import { type RunningServer, startStaticServer } from './helpers/servers.js';
import { hashTiles, navigliFiles, navigliLeafHashes, readTree, syntheticStaticLog } from './helpers/static-log.js';
import { testLogKey } from './helpers/testlog.js';

const ORIGIN = 'navigli2025h2.test.example';
const key = testLogKey();

/** The names the log itself published for entries, from its names tiles (JSON lines). */
function namesTile(rel: string): string[][] {
  return fixture(`static-ct/navigli2025h2/tile/names/${rel}`)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const o = JSON.parse(l) as { Subject?: { CommonName?: string }; DNS?: string[] };
      const dns = o.DNS ?? [];
      const cn = o.Subject?.CommonName;
      // parseCertificate lists SAN dNSNames, then subject CNs not already among them.
      return cn && !dns.includes(cn) ? [...dns, cn] : dns;
    });
}

const namesOf = (der: Uint8Array) => parseCertificate(der).dnsNames;

const servers: RunningServer[] = [];
const sources: CtLogSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(url: string, store: MemoryPositionStore, events: CertEvent[], startAt: 'start' | 'end' = 'start') {
  const s = new CtLogSource({
    logs: [{ kind: 'static', url, submissionUrl: `https://${ORIGIN}/`, key: key.keyB64, description: 'Navigli 2025h2 (test-signed)' }],
    positions: store,
    sink: async (e) => void events.push(...e),
    startAt,
    clock: new FakeClock(),
    limits: { pollIntervalMs: 1000, minIntervalMs: 0 },
  });
  sources.push(s);
  return s;
}

describe('static-ct-api: the real Navigli tiles', () => {
  it('the level-0 hash tiles are the leaf hashes of the data tiles, and the higher tiles built here agree', () => {
    const leaves = navigliLeafHashes(NAVIGLI);
    const tiles = hashTiles(leaves, 1024);
    for (const t of ['000', '001', '002', '003']) expect(tiles.get(`tile/0/${t}`)!.equals(fixture(`static-ct/navigli2025h2/tile/0/${t}`))).toBe(true);
    expect(hashTiles(leaves, 778).get('tile/0/003.p/10')!.equals(fixture('static-ct/navigli2025h2/tile/0/003.p/10'))).toBe(true);
  });

  it(`the source reads Navigli at a test-signed checkpoint of 778 (partial tile 003.p/10) then 1024; names of all ${NAVIGLI_SIZE} names-tile lines equal what it decodes`, async () => {
    const files = navigliFiles(NAVIGLI, key, ORIGIN, 778);
    const srv = await startStaticServer(files);
    servers.push(srv);
    const store = new MemoryPositionStore();
    const events: CertEvent[] = [];
    const s = source(srv.url, store, events);
    await s.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 778, 'verified 778');
    for (const [p, b] of navigliFiles(NAVIGLI, key, ORIGIN, 1024)) files.set(p, b);
    await waitFor(() => store.load(srv.url)?.verifiedSize === 1024, 'verified 1024');
    expect(events.map((e) => e.index)).toEqual(Array.from({ length: 1024 }, (_, i) => i));
    expect(events.every((e) => e.precert === true && e.logUrl === srv.url)).toBe(true);
    const paths = srv.requests.map((r) => r.path);
    expect(paths).toContain('/tile/data/003.p/10'); // entries 768..777 came from the partial tile
    expect(paths).toContain('/tile/data/003');

    // Entry for entry: names tiles 000..003 (1,024 lines) and the partial names tile 003.p/10
    // (10 more lines, for entries 768..777, which the source read from the partial data tile).
    const decoded = events.map((e) => namesOf(e.der!));
    const full = ['000', '001', '002', '003'].flatMap(namesTile);
    const partial = namesTile('003.p/10');
    let compared = 0;
    full.forEach((names, i) => {
      expect(decoded[i]).toEqual(names);
      compared++;
    });
    partial.forEach((names, i) => {
      expect(decoded[768 + i]).toEqual(names);
      compared++;
    });
    expect(compared).toBe(NAVIGLI_SIZE);
    expect(s.status()[0]).toMatchObject({ treeSize: 1024, position: 1024, lag: 0, healthy: true, verificationFailures: 0 });
  });

  it('a new log starts at the checkpoint size using the hash tiles, without reading entries', async () => {
    const srv = await startStaticServer(navigliFiles(NAVIGLI, key, ORIGIN, 1024));
    servers.push(srv);
    const store = new MemoryPositionStore();
    const events: CertEvent[] = [];
    await source(srv.url, store, events, 'end').start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 1024, 'bootstrap');
    expect(events).toHaveLength(0);
    expect(srv.requests.some((r) => r.path.startsWith('/tile/data'))).toBe(false);
  });

  it('a served data tile that differs from what the checkpoint signs is detected; the position does not advance', async () => {
    const files = navigliFiles(NAVIGLI, key, ORIGIN, 1024);
    // Change one byte in the middle of data tile 001 (inside a certificate: the tile still decodes).
    const t = Buffer.from(files.get('tile/data/001')!);
    t[Math.floor(t.length / 2)]! ^= 0x01;
    files.set('tile/data/001', t);
    const srv = await startStaticServer(files);
    servers.push(srv);
    const store = new MemoryPositionStore();
    const s = source(srv.url, store, []);
    await s.start();
    await waitFor(() => s.status()[0]!.verificationFailures >= 1, 'verification failure');
    const err = s.status()[0]!.lastError!.code;
    await s.close();
    expect(err).toBe('inconsistent-tree');
    expect(expectFallbacks(store.saves, 0, 1024)).toBeGreaterThanOrEqual(1);
    expect(store.load(srv.url)!.verifiedSize).toBe(0);
  });

  it('a checkpoint signed by another key is rejected', async () => {
    const files = navigliFiles(NAVIGLI, testLogKey(), ORIGIN, 1024);
    const srv = await startStaticServer(files);
    servers.push(srv);
    const store = new MemoryPositionStore();
    const s = source(srv.url, store, []);
    await s.start();
    await waitFor(() => s.status()[0]!.verificationFailures >= 1, 'verification failure');
    expect(s.status()[0]!.lastError!.code).toBe('no-signature');
    expect(store.load(srv.url)).toBeNull();
  });
});

describe('static-ct-api issuers', () => {
  it('fetches an issuer by fingerprint, checks its hash and caches it within a bound', async () => {
    const files = readTree(join(NAVIGLI, '..', 'skylight-testlog-rome2026h1'));
    const fp = [...files.keys()].find((p) => p.startsWith('issuer/'))!.slice('issuer/'.length);
    const bogus = Buffer.from('not the certificate');
    const bogusFp = createHash('sha256').update('something else').digest('hex');
    files.set(`issuer/${bogusFp}`, bogus);
    for (let i = 0; i < 3; i++) {
      const b = Buffer.from(`issuer ${i}`);
      files.set(`issuer/${createHash('sha256').update(b).digest('hex')}`, b);
    }
    const srv = await startStaticServer(files);
    servers.push(srv);
    const reader = new StaticCtReader(srv.url, rfc6962NoteVerifier('rome2026h1.example.org', parseLogKey(SKYLIGHT_KEY)), new LogHttpClient({ limits: { minIntervalMs: 0 } }), 2);
    const der = await reader.getIssuer(Buffer.from(fp, 'hex'));
    expect(createHash('sha256').update(der).digest('hex')).toBe(fp);
    await reader.getIssuer(Buffer.from(fp, 'hex'));
    expect(srv.requests.filter((r) => r.path === `/issuer/${fp}`)).toHaveLength(1);
    await expect(reader.getIssuer(Buffer.from(bogusFp, 'hex'))).rejects.toMatchObject({ code: 'issuer-mismatch' });
    for (let i = 0; i < 3; i++) await reader.getIssuer(createHash('sha256').update(`issuer ${i}`).digest());
    expect(reader.issuerCacheEntries).toBe(2);
    // and the real Sunlight checkpoint of that log verifies through the reader
    expect((await reader.getTreeHead()).treeSize).toBe(300);
  });
});

describe('synthetic static-ct log generator', () => {
  it('builds a verifiable log from real entries that the source reads completely (data tiles gzip-encoded)', async () => {
    const templates = ['000', '001'].map((t) => new Uint8Array(fixture(`static-ct/navigli2025h2/tile/data/${t}`)));
    const syn = syntheticStaticLog({ templates, count: 1300, key, origin: ORIGIN });
    expect(syn.files.has('tile/data/005.p/20')).toBe(true);
    expect(syn.files.has('tile/1/000.p/5')).toBe(true);
    const srv = await startStaticServer(syn.files, { gzip: true });
    servers.push(srv);
    const store = new MemoryPositionStore();
    const events: CertEvent[] = [];
    await source(srv.url, store, events).start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 1300, 'verified 1300');
    expect(events).toHaveLength(1300);
    expect(new Set(events.map((e) => e.fields.sha256)).size).toBe(1300); // distinct serials → distinct certificates
    expect(namesOf(events[512]!.der!)).toEqual(namesOf(events[0]!.der!));
  });
});
