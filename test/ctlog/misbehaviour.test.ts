/**
 * Issue 14, log misbehaviour is an alert, not a gauge: two roots for one tree size, a tree that
 * shrinks, entries inconsistent with the signed root, a tree head older than the log's MMD.
 * Each is told once (onMisbehaviour) with its evidence; in the daemon it raises a
 * `ctlog.misbehaving` health event and the evidence is stored in ctlog_evidence.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPositionStore } from '../../src/feed/ctlog/memory-store.js';
import { CtLogSource } from '../../src/feed/ctlog/source.js';
import type { LogMisbehaviour } from '../../src/feed/ctlog/types.js';
import { fixtureJson, NAVIGLI } from './fixtures.js';
import { FakeClock, waitFor } from './helpers/clock.js';
import { type Rfc6962Entry, type RunningServer, rootOfEntries, startRfc6962Server } from './helpers/servers.js';
import { navigliFiles } from './helpers/static-log.js';
import { signCheckpoint, signedSth, testLogKey } from './helpers/testlog.js';
import { getJson, until } from '../helpers/app.js';
import { daemonOnLog } from './helpers/log-daemon.js';

const REAL: Rfc6962Entry[] = [
  ...fixtureJson('rfc6962/get-entries_4_x509_google_2013.json').entries,
  ...fixtureJson('rfc6962/get-entries_precert_and_x509.json').entries,
];
const key = testLogKey();

const servers: RunningServer[] = [];
const sources: CtLogSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function tamper(e: Rfc6962Entry): Rfc6962Entry {
  const b = Buffer.from(e.leaf_input, 'base64');
  b[b.length - 10]! ^= 0xff;
  return { ...e, leaf_input: b.toString('base64') };
}

type Scenario = {
  kind: LogMisbehaviour['kind'];
  /** The state served first (verified), then what the log turns to. */
  first: (now: number) => { entries: Rfc6962Entry[]; sth: Record<string, unknown> } | null;
  then: (now: number) => { entries: Rfc6962Entry[]; sth: Record<string, unknown> };
};

const fresh = (entries: Rfc6962Entry[], now: number) => ({ entries, sth: signedSth(key, entries.length, rootOfEntries(entries), now) });

const scenarios: Array<[string, Scenario]> = [
  ['two different roots signed for one tree size', {
    kind: 'two-roots',
    first: (now) => fresh(REAL, now),
    then: (now) => ({ entries: REAL, sth: signedSth(key, REAL.length, randomBytes(32), now + 1000) }),
  }],
  ['a tree that shrinks', {
    kind: 'shrunk',
    first: (now) => fresh(REAL, now),
    then: (now) => fresh(REAL.slice(0, 4), now + 1000),
  }],
  ['a new tree not consistent with the verified one', {
    kind: 'inconsistent',
    first: (now) => fresh(REAL.slice(0, 4), now),
    // Grown to 6, but an already verified entry was rewritten: the signed root covers the rewrite,
    // so the frontier kept from the verified tree does not lead to it.
    then: (now) => {
      const rewritten = [...REAL];
      rewritten[1] = tamper(REAL[1]!);
      return { entries: REAL, sth: signedSth(key, 6, rootOfEntries(rewritten), now + 1000) };
    },
  }],
  ['a tree head older than the maximum merge delay', {
    kind: 'stale-tree-head',
    first: () => null,
    then: (now) => fresh(REAL, now - 25 * 3_600_000),
  }],
];

describe('log misbehaviour is told once, with evidence', () => {
  it.each(scenarios)('%s', async (_name, sc) => {
    const clock = new FakeClock();
    const told: LogMisbehaviour[] = [];
    const store = new MemoryPositionStore();
    const state: any = { ...(sc.first(clock.now()) ?? sc.then(clock.now())), maxBatch: 100 };
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const source = new CtLogSource({
      logs: [{ kind: 'rfc6962', url: srv.url, key: key.keyB64, mmdSeconds: 86_400 }],
      positions: store,
      sink: async () => undefined,
      onMisbehaviour: (_url, m) => told.push(m),
      startAt: 'start',
      clock,
      limits: { pollIntervalMs: 1000, batchSize: 100, minIntervalMs: 0, errorBackoffMs: 1000 },
    });
    sources.push(source);
    await source.start();
    if (sc.first(clock.now())) {
      await waitFor(() => (store.load(srv.url)?.verifiedSize ?? 0) === (state.entries as unknown[]).length, 'first tree verified');
      expect(told).toEqual([]);
      Object.assign(state, sc.then(clock.now()));
    }
    await waitFor(() => told.length > 0, `${sc.kind} told`);
    // Several more rounds see the same thing: still told once.
    const requests = srv.requests.length;
    await waitFor(() => srv.requests.filter((r) => r.path === '/ct/v1/get-sth').length >= 4 && srv.requests.length > requests + 3, 'more rounds');
    expect(told.map((m) => m.kind)).toEqual([sc.kind]);
    const ev = told[0]!.evidence;
    expect(ev.signed).toEqual(expect.stringContaining('tree_head_signature'));
    expect(typeof ev.tree_size).toBe('number');
    expect(source.status()[0]!.misbehaviour).toBe(1);
  });

  it('a fresh tree head is not misbehaviour; a head exactly at the MMD is not either', async () => {
    const clock = new FakeClock();
    const told: LogMisbehaviour[] = [];
    const state: any = { ...fresh(REAL, clock.now() - 86_400_000 + 60_000), maxBatch: 100 };
    const srv = await startRfc6962Server(state);
    servers.push(srv);
    const store = new MemoryPositionStore();
    const source = new CtLogSource({
      logs: [{ kind: 'rfc6962', url: srv.url, key: key.keyB64 }],
      positions: store,
      sink: async () => undefined,
      onMisbehaviour: (_url, m) => told.push(m),
      startAt: 'start',
      clock: { now: () => clock.t, sleep: (ms, s) => new FakeClock().sleep(ms, s) }, // time stands still
      limits: { pollIntervalMs: 1000, batchSize: 100, minIntervalMs: 0 },
    });
    sources.push(source);
    await source.start();
    await waitFor(() => store.load(srv.url)?.verifiedSize === 6, 'verified');
    expect(told).toEqual([]);
  });
});

describe('ctlog.misbehaving in the daemon', () => {
  it('two roots for one size: one high alert naming the log, the evidence stored, the figure in /metrics', async () => {
    const k = testLogKey();
    const origin = 'split.test.example';
    const files = navigliFiles(NAVIGLI, k, origin, 1024);
    const d = await daemonOnLog(files, k, origin, [{ name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] }]);
    const { t, srv, hook } = d;
    try {
      await until(() => t.app.store.positions.load(srv.url)?.verifiedSize === 1024, 60_000, 'verified 1024');
      // The log now signs another root for the same size (a split view).
      files.set('checkpoint', Buffer.from(signCheckpoint(k, origin, 1024, randomBytes(32))));
      const isMisbehaving = (r: { body: string }) => JSON.parse(r.body).event === 'ctlog.misbehaving' || JSON.stringify(JSON.parse(r.body)).includes('ctlog.misbehaving');
      await until(() => hook.requests.some(isMisbehaving), 20_000, 'misbehaving alert');
      const alerts = hook.requests.filter(isMisbehaving).map((r) => JSON.stringify(JSON.parse(r.body)));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toContain(srv.url);
      expect(alerts[0]).toContain('two-roots');
      const rows = t.app.store.ctlogEvidence.list(srv.url);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kind: 'two-roots', evidence: { tree_size: 1024, verified_size: 1024 } });
      expect(String(rows[0]!.evidence.signed)).toContain(origin);
      const metrics = await (await fetch(`${t.base}/metrics`)).text();
      expect(metrics).toMatch(/ctwatch_ctlog_misbehaviour_events\{log="[^"]+"\} 1/);
      expect((await getJson(`${t.base}/readyz?verbose`)).body.ct_logs[0].misbehaviour).toBe(1);
    } finally {
      await d.close();
    }
  });
});
