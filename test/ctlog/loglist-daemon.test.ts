/**
 * Issue 14 in the daemon: a refreshed log list can never change the key a known log is
 * verified with (the known key is kept, counted and alerted, also across restarts), and a
 * refresh with a bad signature is refused while the list in use is kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NAVIGLI } from './fixtures.js';
import { startStaticServer } from './helpers/servers.js';
import { navigliFiles } from './helpers/static-log.js';
import { testLogKey } from './helpers/testlog.js';
import { listServer, signList, testListKey, writeLogList, writeSignedCopy } from './helpers/log-list.js';
import { getJson, startTestApp, until, type TestApp } from '../helpers/app.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.app.close();
});

async function setup(serve: (ctx: { logUrl: string; origin: string; listKey: ReturnType<typeof testListKey> }) => { json: Buffer; sig: Buffer }) {
  const dir = tmpDir();
  const key = testLogKey();
  const origin = 'keyed.test.example';
  const log = await startStaticServer(navigliFiles(NAVIGLI, key, origin, 1024));
  const lk = testListKey(dir);
  writeSignedCopy(writeLogList(tmpDir(), [{ url: log.url, key: key.keyB64, origin }], '2026-11-01T00:00:00Z'), dir, 'log_list.refreshed', lk.privateKey);
  const served = serve({ logUrl: log.url, origin, listKey: lk });
  const lists = await listServer(() => served.json, () => served.sig);
  const hook = new HttpReceiver();
  await hook.start();
  const config = {
    feed: { ct_logs: [log.url], log_list: { url: lists.url, public_key: lk.publicKeyFile }, ct_start: 'start' as const, ct_poll_interval: 0.2 },
    store: { path: path.join(dir, 'db.sqlite') },
    http: { listen: '127.0.0.1:0' },
    brands: [{ name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] }],
    notifiers: [{ id: 'ops', type: 'webhook', url: hook.url }],
    routes: [{ notifiers: ['ops'], min_severity: 'medium' }],
  };
  const start = async () => {
    const t = await startTestApp(config);
    apps.push(t);
    return t;
  };
  const cleanup = async () => {
    await log.close();
    lists.close();
    await hook.stop();
  };
  return { dir, log, lists, hook, start, cleanup };
}

describe('a refreshed list naming another key for a known log', () => {
  it('is refused for that log: the key known before stays in use (also after a restart), counted and alerted once', async () => {
    const s = await setup(({ logUrl, origin, listKey }) => {
      // Properly signed, newer, but the log now has an impostor's key.
      const json = fs.readFileSync(writeLogList(tmpDir(), [{ url: logUrl, key: testLogKey().keyB64, origin }], '2026-11-02T00:00:00Z'));
      return { json, sig: signList(json, listKey.privateKey) };
    });
    try {
      const t = await s.start();
      await until(() => s.lists.hits() >= 1, 10_000, 'refresh');
      await until(() => s.hook.requests.some((r) => r.body.includes('ctlog.key_changed')), 10_000, 'key change alert');
      await until(() => t.app.store.positions.load(s.log.url)?.verifiedSize === 1024, 60_000, 'read');
      const metrics = await (await fetch(`${t.base}/metrics`)).text();
      expect(metrics).toMatch(/ctwatch_ctlog_list_key_changes_refused_total 1/);
      expect(metrics).toMatch(/ctwatch_ctlog_list_refreshes_total\{result="ok"\} 1/);
      await t.app.close();
      apps.pop();
      // The refreshed copy (with the impostor key) is what the next start reads.
      const t2 = await s.start();
      await until(async () => (await getJson(`${t2.base}/readyz?verbose`)).body.ct_logs?.[0]?.lastContact != null, 20_000, 'contact after restart');
      const st = (await getJson(`${t2.base}/readyz?verbose`)).body.ct_logs[0];
      expect(st).toMatchObject({ verificationFailures: 0, healthy: true });
      expect(s.hook.requests.filter((r) => r.body.includes('ctlog.key_changed')).length).toBeGreaterThanOrEqual(1);
    } finally {
      await s.cleanup();
    }
  });
});

describe('a refresh with a bad signature in the daemon', () => {
  it('is refused, counted, and the list in use is kept (the log it dropped is not reported dropped)', async () => {
    const s = await setup(({ listKey }) => {
      const json = fs.readFileSync(writeLogList(tmpDir(), [{ url: 'http://127.0.0.1:9/x/', key: testLogKey().keyB64, origin: 'x.example' }], '2026-11-02T00:00:00Z'));
      const sig = signList(json, listKey.privateKey);
      sig[5] ^= 0xff;
      return { json, sig };
    });
    try {
      const t = await s.start();
      await until(() => s.lists.hits() >= 1, 10_000, 'refresh');
      await until(async () => /ctwatch_ctlog_list_refreshes_total\{result="failed"\} 1/.test(await (await fetch(`${t.base}/metrics`)).text()), 10_000, 'refresh counted as failed');
      await until(() => t.app.store.positions.load(s.log.url)?.verifiedSize === 1024, 60_000, 'read');
      expect(s.hook.requests.some((r) => r.body.includes('ctlog.dropped'))).toBe(false);
      // The saved copy is untouched: still the list naming the log.
      expect(fs.readFileSync(path.join(s.dir, 'log_list.refreshed.json'), 'utf8')).toContain(s.log.url);
    } finally {
      await s.cleanup();
    }
  });
});
