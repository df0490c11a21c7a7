import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { LogHttpClient, parseRetryAfter } from '../../src/feed/ctlog/http.js';
import { describeNetError } from '../../src/log/net-error.js';
import { CtLogSource } from '../../src/feed/ctlog/source.js';
import { MemoryPositionStore } from '../../src/feed/ctlog/memory-store.js';
import { testLogKey } from './helpers/testlog.js';
import { until } from '../helpers/app.js';
import { FakeClock } from './helpers/clock.js';

type Handler = (n: number, res: import('node:http').ServerResponse) => void;
const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

async function server(handler: Handler): Promise<{ url: string; hits: () => number; maxInFlight: () => number }> {
  let n = 0;
  let inFlight = 0;
  let max = 0;
  const srv = createServer((_req, res) => {
    n++;
    inFlight++;
    max = Math.max(max, inFlight);
    res.on('close', () => inFlight--);
    handler(n, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closers.push(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/x`, hits: () => n, maxInFlight: () => max };
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['7', 7000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 00:00:00 GMT', 0],
    ['soon', null],
    [null, null],
  ])('%s → %s ms', (v, ms) => expect(parseRetryAfter(v, now)).toBe(ms));
});

describe('LogHttpClient', () => {
  it('retries 429 after Retry-After and 5xx with exponential backoff, then succeeds', async () => {
    const s = await server((n, res) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '12' }).end();
      else if (n <= 3) res.writeHead(503).end();
      else res.writeHead(200).end('ok');
    });
    const clock = new FakeClock();
    const c = new LogHttpClient({ clock, limits: { minIntervalMs: 0, baseBackoffMs: 1000 } });
    expect(Buffer.from(await c.get(s.url)).toString()).toBe('ok');
    expect(clock.sleeps).toEqual(expect.arrayContaining([12_000, 2000, 4000]));
    expect(c.stats).toMatchObject({ requests: 4, retries: 3, throttled: 1, lastRetryAfterMs: 12_000 });
  });

  it('clamps an absurd Retry-After', async () => {
    const s = await server((n, res) => (n === 1 ? res.writeHead(429, { 'retry-after': '999999' }).end() : res.writeHead(200).end('ok')));
    const clock = new FakeClock();
    await new LogHttpClient({ clock, limits: { minIntervalMs: 0, maxRetryAfterMs: 60_000 } }).get(s.url);
    expect(clock.sleeps).toContain(60_000);
  });

  it('gives up after maxRetries with the last status', async () => {
    const s = await server((_n, res) => res.writeHead(502).end());
    const c = new LogHttpClient({ clock: new FakeClock(), limits: { minIntervalMs: 0, maxRetries: 2 } });
    await expect(c.get(s.url)).rejects.toMatchObject({ code: 'http', status: 502 });
    expect(s.hits()).toBe(3);
  });

  it('does not retry a 404', async () => {
    const s = await server((_n, res) => res.writeHead(404).end());
    const c = new LogHttpClient({ clock: new FakeClock(), limits: { minIntervalMs: 0 } });
    await expect(c.get(s.url)).rejects.toMatchObject({ code: 'http', status: 404 });
    expect(s.hits()).toBe(1);
  });

  it('times out a request that never answers', async () => {
    const s = await server(() => undefined);
    const c = new LogHttpClient({ clock: new FakeClock(), limits: { minIntervalMs: 0, timeoutMs: 100, maxRetries: 0 } });
    await expect(c.get(s.url)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('keeps at most maxConcurrent requests in flight and spaces their starts', async () => {
    const s = await server((_n, res) => setTimeout(() => res.writeHead(200).end('ok'), 20));
    const clock = new FakeClock();
    const c = new LogHttpClient({ clock, limits: { maxConcurrent: 2, minIntervalMs: 250 } });
    await Promise.all(Array.from({ length: 6 }, () => c.get(s.url)));
    expect(s.maxInFlight()).toBeLessThanOrEqual(2);
    expect(s.hits()).toBe(6);
    expect(clock.sleeps.filter((ms) => ms > 0).length).toBeGreaterThanOrEqual(5); // each later start waited its turn
  });

  it('sends a User-Agent naming ctwatch and accepts gzip', async () => {
    let ua = '';
    let ae = '';
    const srv = createServer((req, res) => {
      ua = req.headers['user-agent'] ?? '';
      ae = String(req.headers['accept-encoding']);
      res.end('ok');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    closers.push(() => srv.close());
    await new LogHttpClient({ limits: { minIntervalMs: 0 } }).get(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/`);
    expect(ua).toMatch(/^ctwatch\/\S+ \(\+https:\/\/github\.com\/ctwatch\/ctwatch\)$/);
    expect(ae).toContain('gzip');
  });

  it('refuses a body over the size limit', async () => {
    const s = await server((_n, res) => res.writeHead(200, { 'content-length': '2048' }).end(Buffer.alloc(2048)));
    await expect(new LogHttpClient({ limits: { minIntervalMs: 0, maxBodyBytes: 1024 } }).get(s.url)).rejects.toMatchObject({ code: 'too-large' });
  });

  it('caps a body after decompression: a gzip bomb is cut off after the cap, not inflated, and not retried', async () => {
    // 256 gzip members of 1 MiB of zeros each (one stream of 256 MiB once inflated, about 260 KB
    // on the wire), sent slowly enough to observe the stop.
    const bomb = Buffer.concat(Array.from({ length: 256 }, () => gzipSync(Buffer.alloc(1 << 20), { level: 9 })));
    let sent = 0;
    let closedEarly = false;
    const s = await server((_n, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' });
      const step = 1024;
      const push = () => {
        if (res.destroyed || res.writableEnded) return;
        if (sent >= bomb.length) return void res.end();
        res.write(bomb.subarray(sent, sent + step));
        sent += step;
        setTimeout(push, 2);
      };
      res.on('close', () => (closedEarly = sent < bomb.length));
      push();
    });
    const client = new LogHttpClient({ limits: { minIntervalMs: 0, maxBodyBytes: 1 << 20, maxRetries: 3, baseBackoffMs: 1 } });
    const before = process.memoryUsage().arrayBuffers;
    const err = await client.get(s.url).catch((e) => e);
    expect(err).toMatchObject({ code: 'too-large' });
    expect(err.message).toMatch(/exceeds the limit of 1048576 bytes after decompression/);
    expect(describeNetError(err)).toBe('response body too large (too-large)');
    expect(s.hits()).toBe(1); // not retried
    await new Promise((r) => setTimeout(r, 50));
    expect(closedEarly).toBe(true);
    expect(sent).toBeLessThan(bomb.length / 4);
    // Far below the 256 MiB the body inflates to.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
  });

  it('a log serving a gzip bomb: the round fails with the cause in lastError and onError, the loop goes on', async () => {
    const bomb = gzipSync(Buffer.alloc(8 << 20));
    const s = await server((_n, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    const errors: string[] = [];
    const source = new CtLogSource({
      logs: [{ kind: 'static', url: s.url.replace(/x$/, ''), submissionUrl: 'https://bomb.example/', key: testLogKey().keyB64 }],
      positions: new MemoryPositionStore(),
      sink: async () => undefined,
      onError: (_u, e) => errors.push(`${e.code}: ${describeNetError(e)}`),
      clock: new FakeClock(),
      limits: { minIntervalMs: 0, maxBodyBytes: 1 << 20 },
    });
    await source.start();
    try {
      await until(() => errors.length >= 2, 10_000, 'two failed rounds');
      expect(errors[0]).toBe('too-large: response body too large (too-large)');
      expect(source.status()[0]!.lastError).toMatchObject({ code: 'too-large', message: expect.stringContaining('after decompression') });
    } finally {
      await source.close();
    }
  });

  it('stops waiting when aborted', async () => {
    const s = await server((_n, res) => res.writeHead(503, { 'retry-after': '3600' }).end());
    const ac = new AbortController();
    const c = new LogHttpClient({ signal: ac.signal, limits: { minIntervalMs: 0 } }); // real clock: would wait an hour
    const p = c.get(s.url);
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
  });
});
