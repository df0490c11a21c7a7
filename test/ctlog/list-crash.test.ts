/**
 * Issue 14, crash paths around the CT-log feed: a log list refresh that drops a configured log
 * (or fails in any other way) must not reject `void feed.refresh()` (an unhandled rejection
 * exits the daemon), and the next start must not fail on the refreshed copy (a restart loop
 * under systemd). The dropped log is still read with the key known before, and alerted once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NAVIGLI } from './fixtures.js';
import { startStaticServer } from './helpers/servers.js';
import { navigliFiles } from './helpers/static-log.js';
import { testLogKey } from './helpers/testlog.js';
import { listServer, signList, testListKey, writeLogList, writeSignedCopy } from './helpers/log-list.js';
import { startTestApp, until, type TestApp } from '../helpers/app.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';

describe('a log list refresh that drops the configured log', () => {
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.app.close();
  });

  it('neither rejects the refresh nor stops the next start; the log is still read with its known key, alerted once', async () => {
    const dir = tmpDir();
    const key = testLogKey();
    const origin = 'dropped.test.example';
    const log = await startStaticServer(navigliFiles(NAVIGLI, key, origin, 1024));
    // The list in use at start (as a previous refresh saved it) names the log …
    const listed = writeLogList(dir, [{ url: log.url, key: key.keyB64, origin }]);
    const dbFile = path.join(dir, 'db.sqlite');
    const lk = testListKey(dir);
    writeSignedCopy(listed, dir, 'log_list.refreshed', lk.privateKey);
    // … the list now published does not (another log only).
    const otherDir = tmpDir();
    const other = fs.readFileSync(writeLogList(otherDir, [{ url: 'http://127.0.0.1:9/other/', key: testLogKey().keyB64, origin: 'other.example' }]));
    const otherSig = signList(other, lk.privateKey);
    const lists = await listServer(() => other, () => otherSig);
    const hook = new HttpReceiver();
    await hook.start();
    const config = {
      feed: { ct_logs: [log.url], log_list: { url: lists.url, public_key: lk.publicKeyFile }, ct_start: 'start' as const, ct_poll_interval: 0.2 },
      store: { path: dbFile },
      http: { listen: '127.0.0.1:0' },
      brands: [{ name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] }],
      notifiers: [{ id: 'ops', type: 'webhook', url: hook.url }],
      routes: [{ notifiers: ['ops'], min_severity: 'medium' }],
    };
    try {
      const t = await startTestApp(config);
      apps.push(t);
      await until(() => lists.hits() >= 1, 10_000, 'refresh fetched');
      await until(() => t.app.store.positions.load(log.url)?.verifiedSize === 1024, 60_000, 'log read');
      await until(() => hook.requests.some((r) => r.body.includes('ctlog.dropped')), 10_000, 'dropped alert');
      expect(rejections).toEqual([]);
      await t.app.close();
      apps.pop();

      // Restart: the saved copy is the list without the log. The daemon starts and reads on.
      const t2 = await startTestApp(config);
      apps.push(t2);
      await until(() => lists.hits() >= 2, 10_000, 'second refresh');
      expect(t2.app.store.positions.load(log.url)?.verifiedSize).toBe(1024);
      const st = await (await fetch(`${t2.base}/readyz?verbose`)).json();
      expect(st.ct_logs.map((l: { url: string }) => l.url)).toEqual([log.url]);
      expect(rejections).toEqual([]);
      expect(hook.requests.filter((r) => r.body.includes('ctlog.dropped')).length).toBeGreaterThanOrEqual(1);
    } finally {
      await log.close();
      lists.close();
      await hook.stop();
    }
  });
});
