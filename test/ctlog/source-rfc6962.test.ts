import { afterEach, describe, expect, it } from 'vitest';
import type { CertEvent } from '../../src/feed/types.js';
import { MemoryPositionStore } from '../../src/feed/ctlog/memory-store.js';
import { CtLogSource } from '../../src/feed/ctlog/source.js';
import type { LogStatus } from '../../src/feed/ctlog/types.js';
import { decodeRfc6962Entry } from '../../src/feed/ctlog/leaf.js';
import { fixtureJson } from './fixtures.js';
import { FakeClock, expectFallbacks, waitFor } from './helpers/clock.js';
import { type Rfc6962Entry, type RunningServer, rootOfEntries, startRfc6962Server } from './helpers/servers.js';
import { signedSth, testLogKey } from './helpers/testlog.js';

// Six real entries (four x509 from a 2013 Google log, one precert, one x509), served as one log
// whose tree heads a test key signs.
const REAL: Rfc6962Entry[] = [
  ...fixtureJson('rfc6962/get-entries_4_x509_google_2013.json').entries,
  ...fixtureJson('rfc6962/get-entries_precert_and_x509.json').entries,
];
const key = testLogKey();
const sthFor = (entries: Rfc6962Entry[], ts = 1_700_000_000_000) => signedSth(key, entries.length, rootOfEntries(entries), ts);

/** Entry with one byte of its certificate changed (still decodes; different leaf hash). */
function tampered(e: Rfc6962Entry): Rfc6962Entry {
  const b = Buffer.from(e.leaf_input, 'base64');
  b[b.length - 10]! ^= 0xff;
  return { ...e, leaf_input: b.toString('base64') };
}

const servers: RunningServer[] = [];
const sources: CtLogSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function setup(opts: { startAt?: 'start' | 'end'; logs: Array<{ url: string; key?: string }>; store?: MemoryPositionStore; limits?: object; sink?: (e: CertEvent[], p: { logKey: string; position: { index: number } }) => Promise<void> }) {
  const clock = new FakeClock();
  const store = opts.store ?? new MemoryPositionStore();
  const events: CertEvent[] = [];
  const health: Array<{ url: string; status: LogStatus }> = [];
  const source = new CtLogSource({
    logs: opts.logs.map((l) => ({ kind: 'rfc6962' as const, url: l.url, key: l.key ?? key.keyB64, description: 'test log' })),
    positions: store,
    sink: opts.sink ?? (async (e) => void events.push(...e)),
    onHealth: (url, status) => health.push({ url, status }),
    startAt: opts.startAt,
    clock,
    limits: { pollIntervalMs: 1000, batchSize: 2, minIntervalMs: 0, ...opts.limits },
  });
  sources.push(source);
  return { clock, store, events, health, source };
}

describe('CtLogSource on a local RFC 6962 log', () => {
  it('reads every real entry from the start, verifies the root and saves a verified position', async () => {
    const state = { entries: REAL, sth: sthFor(REAL), maxBatch: 100 };
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const { source, store, events } = setup({ startAt: 'start', logs: [{ url: srv.url }] });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified position 6');
    expect(events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.map((e) => e.precert)).toEqual([false, false, false, false, true, false]);
    events.forEach((e, i) => {
      const d = decodeRfc6962Entry(i, REAL[i]!.leaf_input, REAL[i]!.extra_data);
      expect(Buffer.from(e.der!).equals(Buffer.from(d.der))).toBe(true);
      expect(e).toMatchObject({ source: 'ctlogs', logUrl: srv.url, logName: 'test log', names: null });
    });
    // Batches of 2: the position moved 2 → 4 → 6 (unverified) before being marked verified.
    expect(store.saves.map((s) => [s.position.index, s.position.verifiedSize])).toEqual([[0, 0], [2, 0], [4, 0], [6, 0], [6, 6]]);
    const st = source.status()[0]!;
    expect(st).toMatchObject({ treeSize: 6, position: 6, verifiedSize: 6, lag: 0, healthy: true, verificationFailures: 0, entriesProcessed: 6 });
    expect(srv.requests.every((r) => r.userAgent?.startsWith('ctwatch/'))).toBe(true);
  });

  it('tells the sink the position it will save after the batch (for an exactly-once store)', async () => {
    const srv = await startRfc6962Server({ entries: REAL, sth: sthFor(REAL), maxBatch: 100 });
    servers.push(srv);
    const progress: Array<[number, number]> = [];
    const { source, store } = setup({ startAt: 'start', logs: [{ url: srv.url }], sink: async (events, p) => void progress.push([events.at(-1)!.index!, p.position.index]) });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified 6');
    expect(progress).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('starts a new log at its current tree size (frontier from get-entry-and-proof) and reads only what follows', async () => {
    const state = { entries: REAL.slice(0, 4), sth: sthFor(REAL.slice(0, 4)), maxBatch: 100 };
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const { source, store, events } = setup({ logs: [{ url: srv.url }] });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 4, 'bootstrap at 4');
    expect(events).toHaveLength(0);
    state.entries = REAL;
    state.sth = sthFor(REAL, 1_700_000_100_000);
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified 6');
    expect(events.map((e) => e.index)).toEqual([4, 5]);
    expect(srv.requests.some((r) => r.path.startsWith('/ct/v1/get-entry-and-proof?leaf_index=3&tree_size=4'))).toBe(true);
  });

  it.each([1, 2, 3, 5])('starts at the end of a %i-entry log that lacks get-entry-and-proof, via get-proof-by-hash', async (n) => {
    const state = { entries: REAL.slice(0, n), sth: sthFor(REAL.slice(0, n)), maxBatch: 100, noEntryAndProof: true };
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const { source, store, events } = setup({ logs: [{ url: srv.url }] });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === n, `bootstrap at ${n}`);
    state.entries = REAL;
    state.sth = sthFor(REAL, 1_700_000_100_000);
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified 6');
    expect(events.map((e) => e.index)).toEqual(Array.from({ length: 6 - n }, (_, i) => n + i));
    expect(srv.requests.some((r) => r.path.startsWith('/ct/v1/get-proof-by-hash'))).toBe(true);
  });

  it('continues after short get-entries answers, in order, with requests running ahead', async () => {
    const srv = await startRfc6962Server({ entries: REAL, sth: sthFor(REAL), maxBatch: 1 });
    servers.push(srv);
    const { source, store, events } = setup({ startAt: 'start', logs: [{ url: srv.url }], limits: { batchSize: 4, maxConcurrent: 3 } });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified 6');
    expect(events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('skips (and counts) an entry whose extra_data does not decode, still verifying the tree', async () => {
    const served = [...REAL];
    served[2] = { ...REAL[2]!, extra_data: Buffer.from([0, 0, 9, 1]).toString('base64') };
    const srv = await startRfc6962Server({ entries: served, sth: sthFor(REAL), maxBatch: 100 });
    servers.push(srv);
    const { source, store, events } = setup({ startAt: 'start', logs: [{ url: srv.url }] });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified 6');
    expect(events.map((e) => e.index)).toEqual([0, 1, 3, 4, 5]);
    expect(source.status()[0]).toMatchObject({ malformedEntries: 1, entriesProcessed: 5, verificationFailures: 0, healthy: true });
  });

  it('detects entries that do not match the signed root and does not advance the position', async () => {
    const served = [...REAL];
    served[3] = tampered(REAL[3]!);
    const state = { entries: served, sth: sthFor(REAL), maxBatch: 100 }; // signed over the real entries
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const { source, store, health } = setup({ startAt: 'start', logs: [{ url: srv.url }] });
    await source.start();
    await waitFor(() => source.status()[0]!.verificationFailures >= 2, 'two verification failures');
    await source.close();
    // Entries are processed batch by batch (unverified progress 2, 4, 6), but the proof fails at
    // the end of each round and the position goes back to the last verified point, 0.
    const saves = store.saves.map((x) => x.position);
    expect(saves.every((p) => p.verifiedSize === 0)).toBe(true);
    const ends = saves.flatMap((p, i) => (p.index === 6 ? [i] : []));
    expect(ends.length).toBeGreaterThanOrEqual(2);
    for (const i of ends) if (i + 1 < saves.length) expect(saves[i + 1]!.index).toBe(0);
    expect(saves[ends[0]! + 1]).toMatchObject({ index: 0, frontier: [] });
    const st = source.status()[0]!;
    expect(st.healthy).toBe(false);
    expect(st.lastError?.code).toBe('inconsistent-tree');
    expect(health.some((h) => !h.status.healthy && h.status.lastError?.code === 'inconsistent-tree')).toBe(true);
  });

  it('detects a change to an already verified entry when the tree grows', async () => {
    const state = { entries: REAL.slice(0, 4), sth: sthFor(REAL.slice(0, 4)), maxBatch: 100 };
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const { source, store, events } = setup({ startAt: 'start', logs: [{ url: srv.url }] });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 4, 'verified 4');
    // The log rewrites entry 1 and signs a new tree over the changed history.
    const rewritten = [...REAL];
    rewritten[1] = tampered(REAL[1]!);
    state.entries = rewritten;
    state.sth = sthFor(rewritten, 1_700_000_100_000);
    await waitFor(() => source.status()[0]!.verificationFailures >= 1, 'verification failure');
    await source.close();
    expect(expectFallbacks(store.saves, 4, 6)).toBeGreaterThanOrEqual(1);
    expect(store.load(srv.url)!.verifiedSize).toBe(4);
    expect(events.filter((e) => e.index === 1)).toHaveLength(1); // the verified entry is not re-read
  });

  it('rejects a tree head whose signature does not verify and reads nothing', async () => {
    const sth = sthFor(REAL);
    const bad = { ...sth, tree_size: 5 };
    const srv = await startRfc6962Server({ entries: REAL, sth: bad, maxBatch: 100 });
    servers.push(srv);
    const { source, events } = setup({ startAt: 'start', logs: [{ url: srv.url }] });
    await source.start();
    await waitFor(() => source.status()[0]!.verificationFailures >= 1, 'signature failure');
    expect(source.status()[0]!.lastError?.code).toBe('bad-signature');
    expect(events).toHaveLength(0);
    expect(srv.requests.some((r) => r.path.includes('get-entries'))).toBe(false);
  });

  it('honours 429 Retry-After (virtual clock) and then proceeds', async () => {
    let throttle = 2;
    const state: any = { entries: REAL, sth: sthFor(REAL), maxBatch: 100 };
    state.intercept = (_req: unknown, url: URL) => (url.pathname.endsWith('get-entries') && throttle-- > 0 ? { status: 429, headers: { 'retry-after': '7' } } : null);
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const { source, store, clock } = setup({ startAt: 'start', logs: [{ url: srv.url }], limits: { batchSize: 100 } });
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified 6');
    expect(clock.sleeps.filter((ms) => ms === 7000).length).toBeGreaterThanOrEqual(2);
    expect(source.status()[0]!.http.throttled).toBe(2);
    expect(source.status()[0]!.healthy).toBe(true);
  });

  it('a log whose server is down is unhealthy while another log goes on', async () => {
    const good = await startRfc6962Server({ entries: REAL, sth: sthFor(REAL), maxBatch: 100 });
    servers.push(good);
    const down = await startRfc6962Server({ entries: REAL, sth: sthFor(REAL), maxBatch: 100 });
    await down.close(); // its port now refuses connections
    const { source, store, health } = setup({ startAt: 'start', logs: [{ url: down.url }, { url: good.url }], limits: { maxRetries: 1, baseBackoffMs: 10 } });
    await source.start();
    await waitFor(() => store.load(good.url)?.verifiedSize === 6, 'good log verified');
    await waitFor(() => source.status()[0]!.lastError !== null, 'down log error');
    const [d, g] = source.status();
    expect(d).toMatchObject({ healthy: false, lastContact: null, position: null });
    expect(d!.lastError!.code).toBe('network');
    expect(g).toMatchObject({ healthy: true, position: 6 });
    expect(health.some((h) => h.url === down.url && !h.status.healthy)).toBe(true);
    expect(store.load(down.url)).toBeNull();
  });

  it('a log with an unusable key is reported unhealthy and the others still run', async () => {
    const good = await startRfc6962Server({ entries: REAL, sth: sthFor(REAL), maxBatch: 100 });
    servers.push(good);
    const { source, store, health } = setup({ startAt: 'start', logs: [{ url: 'http://127.0.0.1:9/bad/', key: 'AAAA' }, { url: good.url }] });
    await source.start();
    await waitFor(() => store.load(good.url)?.verifiedSize === 6, 'good log verified');
    expect(source.status()[0]).toMatchObject({ healthy: false, lastError: { code: 'unsupported-key' } });
    expect(health.some((h) => h.url === 'http://127.0.0.1:9/bad/' && h.status.lastError?.code === 'unsupported-key')).toBe(true);
  });

  it('does not save the position past a batch the sink failed on, and resumes there after a restart', async () => {
    const srv = await startRfc6962Server({ entries: REAL, sth: sthFor(REAL), maxBatch: 100 });
    servers.push(srv);
    const store = new MemoryPositionStore();
    let calls = 0;
    const first = setup({
      startAt: 'start',
      logs: [{ url: srv.url }],
      store,
      sink: async () => {
        if (++calls >= 2) throw new Error('pipeline down');
      },
    });
    await first.source.start();
    await waitFor(() => first.source.status()[0]!.lastError !== null, 'sink failure');
    await first.source.close();
    expect(store.load(srv.url)!.index).toBe(2); // batch 0-1 committed, 2-3 failed
    const second = setup({ startAt: 'start', logs: [{ url: srv.url }], store });
    await second.source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified after restart');
    expect(second.events.map((e) => e.index)).toEqual([2, 3, 4, 5]);
  });
});
