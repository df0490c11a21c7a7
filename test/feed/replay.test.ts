/** A replay file waits for room in the queue instead of dropping: every entry is processed even with a tiny queue. */
import { afterAll, describe, expect, it } from 'vitest';
import { NAVIGLI_REPLAY, tmpDir } from '../helpers/fixtures.js';
import { dbPath, startTestApp, until, type TestApp } from '../helpers/app.js';
import { metricValue } from './helpers/stream.js';

describe('replay under a small queue', () => {
  let t: TestApp | null = null;
  afterAll(async () => {
    await t?.app.close();
  });

  it('processes all 1,024 certificates of the real replay file with max_queue 10 and drops nothing', async () => {
    let done: number | null = null;
    let processed = 0;
    t = await startTestApp(
      { feed: { replay: NAVIGLI_REPLAY, max_queue: 10 }, store: { path: dbPath(tmpDir()) }, http: { listen: '127.0.0.1:0' } },
      {},
      { onReplayDone: (n) => (done = n), beforeProcess: (b) => (processed += b.length) },
    );
    await until(() => done !== null, 30_000, 'replay finished');
    expect(done).toBe(1_034);
    expect(processed).toBe(1_024);
    const m = await (await fetch(`${t.base}/metrics`)).text();
    expect(metricValue(m, 'ctwatch_dropped_total{reason="overload"}')).toBe(0);
    expect(metricValue(m, 'ctwatch_messages_total{type="heartbeat"}')).toBe(10);
  });
});
