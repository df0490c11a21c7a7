/**
 * Issue 14, the operator's first hour offline: the daemon says why the log list and the logs
 * cannot be reached (DNS, refused, timeout, TLS, HTTP status), once per cause rather than every
 * round, and /readyz?verbose shows that the list in use is the bootstrap and how old it is.
 * No test here reaches the internet: every request is sent to a closed port on 127.0.0.1.
 */
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { CtLogFeed } from '../../src/feed/ctlog-feed.js';
import { createLogger } from '../../src/log/logger.js';
import { sqliteBackend } from '../../src/store/sqlite-backend.js';
import { openStore, type Store } from '../../src/store/index.js';
import { getJson, startTestApp, until, type TestApp } from '../helpers/app.js';
import { tmpDir } from '../helpers/fixtures.js';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A fetch that sends every request to `target` instead (real sockets, real errors), counting them. */
function redirectedFetch(target: (url: string) => string) {
  const calls: string[] = [];
  const f: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push(url);
    return fetch(target(url), init);
  };
  return { f, calls };
}

const ARGON = 'https://ct.googleapis.com/logs/us1/argon2026h2/'; // a usable log of the shipped list

const lines = (logs: string[]) => logs.map((l) => JSON.parse(l) as { msg: string; level: string; cause?: string; log?: string });

describe('offline, in the daemon', () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.app.close();
    t = null;
  });

  it('says why (connection refused), once per cause, and /readyz?verbose shows the bootstrap list and its age', async () => {
    const port = await closedPort();
    const { f, calls } = redirectedFetch(() => `http://127.0.0.1:${port}/`);
    const dir = tmpDir();
    t = await startTestApp(
      {
        feed: { ct_logs: [ARGON], ct_poll_interval: 0.2 },
        store: { path: path.join(dir, 'db.sqlite') },
        http: { listen: '127.0.0.1:0' },
        brands: [{ name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] }],
      },
      {},
      { fetch: f },
    );
    // Several attempts at the log (the client retries), and the list refresh.
    await until(() => calls.filter((u) => u.startsWith(ARGON)).length >= 3, 20_000, 'three attempts at the log');
    await until(() => calls.some((u) => u.includes('all_logs_list')), 10_000, 'list refresh attempted');
    await until(async () => (await getJson(`${t!.base}/readyz?verbose`)).body.ct_log_list?.last_refresh != null, 10_000, 'refresh recorded');

    const v = (await getJson(`${t.base}/readyz?verbose`)).body;
    expect(v.ct_log_list).toMatchObject({
      source: 'bootstrap',
      version: '89.25',
      timestamp: '2026-08-20T13:34:57Z',
      reading: 1,
      last_refresh: { ok: false, cause: 'connection refused (ECONNREFUSED)' },
    });
    expect(typeof v.ct_log_list.age_seconds).toBe('number');

    const l = lines(t.logs);
    const list = l.filter((x) => x.msg.startsWith('log list refresh failed'));
    expect(list).toHaveLength(1);
    expect(list[0]!.msg).toBe('log list refresh failed: connection refused (ECONNREFUSED); keeping the list shipped with ctwatch');
    const unreachable = l.filter((x) => x.log === ARGON && ['warn', 'error', 'fatal'].includes(x.level));
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toMatchObject({ msg: 'CT log unreachable: connection refused (ECONNREFUSED)', cause: 'connection refused (ECONNREFUSED)' });
  });
});

describe('log list refresh failures, once per cause', () => {
  let store: Store | null = null;
  afterEach(() => store?.close());

  it.each([
    ['refused, refused, DNS, DNS, refused', ['refused', 'refused', 'dns', 'dns', 'refused'], ['connection refused (ECONNREFUSED)', 'DNS lookup failed (ENOTFOUND)', 'connection refused (ECONNREFUSED)']],
    ['HTTP 503 twice', ['503', '503'], ['HTTP status 503']],
  ])('%s', async (_name, sequence, expected) => {
    const port = await closedPort();
    const http503 = await new Promise<{ port: number; close: () => void }>((r) => {
      const s = net.createServer((c) => c.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')).listen(0, '127.0.0.1', () => r({ port: (s.address() as net.AddressInfo).port, close: () => s.close() }));
    });
    const targets: Record<string, string> = { refused: `http://127.0.0.1:${port}/`, '503': `http://127.0.0.1:${http503.port}/` };
    // No DNS query leaves the machine: a failed lookup is the error undici's fetch throws for one.
    const failDns = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND www.gstatic.com'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' }) }));
    let step = 0; // one step per refresh: the list, then its signature
    const f: typeof fetch = (input, init) => {
      const kind = sequence[String(input).endsWith('.sig') ? step - 1 : step++]!;
      return kind === 'dns' ? failDns() : fetch(targets[kind]!, init);
    };
    const dir = tmpDir();
    store = openStore(path.join(dir, 'db.sqlite'), { realertAfterMs: 1 });
    const logs: string[] = [];
    const alerts: string[] = [];
    const loaded = buildConfig({ feed: { ct_logs: [ARGON] }, store: { path: path.join(dir, 'db.sqlite') }, brands: [{ name: 'x', domains: ['x.com'], keywords: ['x'] }] }, {}, null);
    const feed = new CtLogFeed({
      feed: loaded.config.feed,
      store: sqliteBackend(store),
      stateDir: dir,
      log: createLogger({ level: 'debug', write: (s) => logs.push(s) }),
      process: () => undefined,
      onStatus: () => undefined,
      onEntries: () => undefined,
      onAlert: (event, _s, summary) => alerts.push(`${event}: ${summary}`),
      fetch: f,
    });
    try {
      for (let i = 0; i < sequence.length; i++) expect((await feed.refresh()).failed).toBe(true);
      const warned = lines(logs).filter((x) => ['warn', 'error', 'fatal'].includes(x.level) && x.msg.startsWith('log list refresh failed')).map((x) => x.cause);
      expect(warned).toEqual(expected);
      expect(alerts).toHaveLength(expected.length);
      expect(feed.listInfo().last_refresh).toMatchObject({ ok: false, cause: expected[expected.length - 1] });
      expect(feed.listInfo().source).toBe('bootstrap');
    } finally {
      http503.close();
    }
  });
});
