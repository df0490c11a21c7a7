/**
 * Issue 3, point 5: a server that skips indexes → /metrics and /readyz?verbose report the exact
 * number of missing entries per log. Point 6: two feeds, one killed mid-stream → every issuance
 * the survivor sent is processed exactly once, and entries only the other one had, or had late,
 * fill the gaps instead of being counted missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dbPath, getJson, startTestApp, until, type TestApp } from '../helpers/app.js';
import type { CertEvent } from '../../src/feed/types.js';
import { certText, entryKey, metricValue } from './helpers/stream.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(): Promise<FakeCertstream> {
  const s = new FakeCertstream();
  await s.start();
  cleanups.push(() => s.stop());
  return s;
}

async function app(feed: Record<string, unknown>, processed: CertEvent[]): Promise<TestApp> {
  const t = await startTestApp(
    {
      feed: { ping_interval: 0.2, stale_after: 30, reconnect_min: 0.05, reconnect_max: 0.3, ...feed },
      store: { path: dbPath(tmpDir()) },
      http: { listen: '127.0.0.1:0' },
    },
    {},
    { beforeProcess: (b) => processed.push(...b) },
  );
  cleanups.push(() => t.app.close());
  return t;
}

const metrics = async (t: TestApp) => (await fetch(`${t.base}/metrics`)).text();

describe('gap accounting', () => {
  it('reports the exact number of missing entries per log in /metrics and /readyz?verbose', async () => {
    const s = await server();
    const processed: CertEvent[] = [];
    const t = await app({ url: s.url, gap_grace: 0.1 }, processed);
    await s.waitForClients(1);
    const A = 'https://log-a.example/';
    const B = 'https://log-b.example/';
    const sends: [string, number][] = [
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [A, i] as [string, number]),
      [B, 100],
      [A, 15], // 10-14 missing: 5
      [B, 101],
      [B, 103], // 102 missing: 1
      [A, 16],
      [A, 40], // 17-39 missing: 23
      [B, 110], // 104-109 missing: 6
      [A, 41],
      [A, 41], // a repeat is not a gap, and is processed once
    ];
    for (const [log, i] of sends) s.broadcast(certText(i, log));
    await until(() => processed.some((e) => e.index === 41), 10_000, 'all processed');
    await until(async () => metricValue(await metrics(t), `ctwatch_log_missing_entries_total{log="${B}"}`) === 7, 10_000, 'gaps confirmed');

    const m = await metrics(t);
    expect(metricValue(m, `ctwatch_log_missing_entries_total{log="${A}"}`)).toBe(28);
    expect(metricValue(m, `ctwatch_log_missing_entries_total{log="${B}"}`)).toBe(7);
    expect(metricValue(m, 'ctwatch_dropped_total{reason="duplicate"}')).toBe(1);

    const v = await getJson(`${t.base}/readyz?verbose`);
    expect(v.status).toBe(200);
    expect(v.body.missing_entries).toBe(35);
    const byLog = Object.fromEntries(v.body.logs.map((l: any) => [l.log, l]));
    expect(byLog[A]).toMatchObject({ missing: 28, pending: 0, received: 14, nextIndex: 42 });
    expect(byLog[B]).toMatchObject({ missing: 7, pending: 0, received: 4, nextIndex: 111 });
  });
});

describe('two feeds', () => {
  it('one killed mid-stream: every issuance the survivor sent is processed exactly once, and nothing is counted missing', async () => {
    const a = await server();
    const b = await server();
    const processed: CertEvent[] = [];
    const t = await app({ urls: [a.url, b.url], gap_grace: 0.5 }, processed);
    await a.waitForClients(1);
    await b.waitForClients(1);
    const LOG = 'https://shared-log.example/';
    const sentByA = new Set<number>();
    const sentByB = new Set<number>();
    const laggedB: number[] = [];
    const sendA = (i: number) => (a.broadcast(certText(i, LOG)), sentByA.add(i));
    const sendB = (i: number) => (b.broadcast(certText(i, LOG)), sentByB.add(i));

    // Phase 1, both up: most entries from both; every 7th only from B (A "dropped" it, as
    // certstream-server-go does for a slow client); every 5th from B three entries late.
    for (let i = 0; i < 150; i++) {
      if (i % 7 !== 3) sendA(i);
      if (i % 5 === 0) laggedB.push(i);
      else sendB(i);
      if (laggedB.length && laggedB[0] <= i - 3) sendB(laggedB.shift()!);
    }
    for (const i of laggedB.splice(0)) sendB(i);
    await a.flushed();
    await b.flushed();
    await until(() => processed.filter((e) => e.index === 145 || e.index === 149).length === 2, 10_000, 'phase 1 processed');

    // B dies mid-stream; A goes on alone.
    await b.stop();
    for (let i = 150; i < 300; i++) sendA(i);
    await until(() => processed.some((e) => e.index === 299), 10_000, 'phase 2 processed');
    await t.app.drained();

    const counts = new Map<string, number>();
    for (const e of processed) counts.set(entryKey(e.logUrl!, e.index!), (counts.get(entryKey(e.logUrl!, e.index!)) ?? 0) + 1);
    for (const i of sentByA) expect([i, counts.get(entryKey(LOG, i))]).toEqual([i, 1]);
    const union = new Set([...sentByA, ...sentByB]);
    expect(counts.size).toBe(union.size);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    const both = [...sentByA].filter((i) => sentByB.has(i)).length;
    await until(async () => (await getJson(`${t.base}/readyz?verbose`)).body.logs[0].pending === 0, 10_000, 'grace over');
    const m = await metrics(t);
    expect(metricValue(m, 'ctwatch_dropped_total{reason="duplicate"}')).toBe(both);
    expect(metricValue(m, `ctwatch_log_missing_entries_total{log="${LOG}"}`)).toBe(0);
    expect(metricValue(m, 'ctwatch_feed_connected{feed="feed0"}')).toBe(1);
    expect(metricValue(m, 'ctwatch_feed_connected{feed="feed1"}')).toBe(0);
    const v = await getJson(`${t.base}/readyz?verbose`);
    expect(v.status).toBe(200); // one feed up is enough to be watching
    expect(v.body.missing_entries).toBe(0);
    expect(v.body.feeds).toEqual([
      { feed: 'feed0', connected: true },
      { feed: 'feed1', connected: false },
    ]);
  });
});
