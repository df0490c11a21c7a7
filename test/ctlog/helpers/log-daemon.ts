/**
 * The daemon reading one local static-ct-api log from its first entry, with a webhook receiving
 * the high-severity alerts (where the ctlog.* health alerts go): the setup of the daemon-level
 * log tests. `close` stops all three.
 */
import path from 'node:path';
import { startStaticServer } from './servers.js';
import { writeLogList } from './log-list.js';
import type { TestLogKey } from './testlog.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { HttpReceiver } from '../../helpers/http-receiver.js';
import { tmpDir } from '../../helpers/fixtures.js';

export interface LogDaemon {
  t: TestApp;
  srv: Awaited<ReturnType<typeof startStaticServer>>;
  hook: HttpReceiver;
  close(): Promise<void>;
}

export async function daemonOnLog(files: Map<string, Buffer>, key: TestLogKey, origin: string, brands: Record<string, unknown>[]): Promise<LogDaemon> {
  const dir = tmpDir();
  const srv = await startStaticServer(files);
  const hook = new HttpReceiver();
  await hook.start();
  const list = writeLogList(dir, [{ url: srv.url, key: key.keyB64, origin }]);
  const t = await startTestApp({
    feed: { ct_logs: [srv.url], log_list: { file: list }, ct_start: 'start', ct_poll_interval: 0.2 },
    store: { path: path.join(dir, 'db.sqlite') },
    http: { listen: '127.0.0.1:0' },
    brands,
    notifiers: [{ id: 'ops', type: 'webhook', url: hook.url }],
    routes: [{ notifiers: ['ops'], min_severity: 'high' }],
  });
  return {
    t,
    srv,
    hook,
    async close() {
      await t.app.close();
      await srv.close();
      await hook.stop();
    },
  };
}
