/**
 * Issue 9 in the daemon: with feed.ct_logs and no CertStream server, entries read directly from a
 * static-ct-api log on loopback flow through the same pipeline, and health shows per-log state.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAVIGLI } from './fixtures.js';
import { startStaticServer } from './helpers/servers.js';
import { navigliFiles } from './helpers/static-log.js';
import { testLogKey } from './helpers/testlog.js';
import { writeLogList } from './helpers/log-list.js';
import { getJson, startTestApp, until, type TestApp } from '../helpers/app.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';

describe('feed.ct_logs in the daemon', () => {
  let t: TestApp;
  let srv: Awaited<ReturnType<typeof startStaticServer>>;
  const dir = tmpDir();

  beforeAll(async () => {
    const key = testLogKey();
    const origin = 'navigli.test.example';
    srv = await startStaticServer(navigliFiles(NAVIGLI, key, origin, 1024));
    const list = writeLogList(dir, [{ url: srv.url, key: key.keyB64, origin }]);
    t = await startTestApp({
      feed: { ct_logs: [srv.url], log_list: { file: list }, ct_start: 'start', ct_poll_interval: 0.2 },
      store: { path: path.join(dir, 'db.sqlite') },
      http: { listen: '127.0.0.1:0' },
      watch: [{ domain: '.chixbbq.org' }],
      brands: [
        { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
        { name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] },
      ],
    });
  });
  afterAll(async () => {
    await t?.app.close();
    await srv?.close();
  });

  it('reads every entry, verifies the tree, stores the hits, and reports per-log health', async () => {
    await until(async () => {
      const v = (await getJson(`${t.base}/readyz?verbose`)).body;
      return v.ct_logs?.[0]?.position === 1024 && v.ct_logs[0].verifiedSize === 1024;
    }, 60_000, 'log read to its checkpoint');
    const ready = await getJson(`${t.base}/readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(ready.body.ct_logs[0]).toMatchObject({ url: srv.url, lag: 0, verificationFailures: 0, healthy: true, entriesProcessed: 1024 });
    const hits = t.app.store.hits.listHits();
    expect(hits.filter((h) => h.brand === 'Avito').length).toBeGreaterThan(3);
    expect(hits.some((h) => h.watch === '.chixbbq.org')).toBe(true);
    // Every hit came from the log read directly, with its entry index.
    expect(hits.every((h) => h.logUrl === srv.url && h.logIndex !== null && h.logIndex < 1024)).toBe(true);
    const metrics = await (await fetch(`${t.base}/metrics`)).text();
    expect(metrics).toMatch(/ctwatch_ctlog_lag_entries\{log="[^"]+"\} 0/);
    expect(metrics).toMatch(/ctwatch_ctlog_entries_processed\{log="[^"]+"\} 1024/);
    // The position is in SQLite, saved with the hits.
    expect(t.app.store.positions.load(srv.url)).toMatchObject({ index: 1024, verifiedSize: 1024 });
  });
});

describe('a CT log that cannot be reached', () => {
  it('makes that log unhealthy, raises one ctwatch.health alert, and leaves the other log alone', async () => {
    const dir = tmpDir();
    const key = testLogKey();
    const good = await startStaticServer(navigliFiles(NAVIGLI, key, 'good.test.example', 1024));
    const down = await startStaticServer(navigliFiles(NAVIGLI, key, 'down.test.example', 1024));
    const downUrl = down.url;
    await down.close(); // connection refused from now on
    const hook = new HttpReceiver();
    await hook.start();
    const list = writeLogList(dir, [
      { url: good.url, key: key.keyB64, origin: 'good.test.example' },
      { url: downUrl, key: key.keyB64, origin: 'down.test.example' },
    ]);
    const t = await startTestApp({
      feed: { ct_logs: [good.url, downUrl], log_list: { file: list }, ct_start: 'start', ct_poll_interval: 0.2, ct_unhealthy_after: 3 }, // 3 s: reading the good log's 1,024 entries must fit, even on a loaded machine
      store: { path: path.join(dir, 'db.sqlite') },
      http: { listen: '127.0.0.1:0' },
      brands: [{ name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] }],
      notifiers: [{ id: 'ops', type: 'webhook', url: hook.url }],
      routes: [{ notifiers: ['ops'], min_severity: 'high' }],
    });
    try {
      await until(() => hook.requests.some((r) => JSON.parse(r.body).type === 'ctwatch.health'), 20_000, 'health alert');
      const alerts = hook.requests.map((r) => JSON.parse(r.body)).filter((b) => b.type === 'ctwatch.health');
      expect(alerts).toHaveLength(1);
      expect(JSON.stringify(alerts[0])).toContain(downUrl);
      const v = (await getJson(`${t.base}/readyz?verbose`)).body;
      const byUrl = Object.fromEntries(v.ct_logs.map((l: any) => [l.url, l]));
      expect(byUrl[downUrl].healthy).toBe(false);
      await until(async () => (await getJson(`${t.base}/readyz?verbose`)).body.ct_logs.find((l: any) => l.url === good.url).position === 1024, 30_000, 'good log read');
      expect(t.app.store.hits.listHits().length).toBeGreaterThan(3);
    } finally {
      await t.app.close();
      await good.close();
      await hook.stop();
    }
  });
});
