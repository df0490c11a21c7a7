/**
 * Issue 3, points 1 and 2 at the level of the WebSocket client: keepalive against a server that
 * behaves like certstream-server-go, every reconnect reason, backoff bounds and reset, oversized
 * and binary frames, and a frame over the 16 MiB read limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CertstreamClient, MAX_FRAME_BYTES, type CertstreamClientOptions } from '../../src/feed/certstream-client.js';
import { Backoff } from '../../src/feed/backoff.js';
import { FakeCertstream, type FakeCertstreamOptions } from '../helpers/certstream-server.js';
import { until } from '../helpers/app.js';
import { RecordingObserver } from './helpers/recorder.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve(opts: FakeCertstreamOptions = {}): Promise<FakeCertstream> {
  const s = new FakeCertstream(opts);
  await s.start();
  cleanups.push(() => s.stop());
  return s;
}

function client(url: string, over: Partial<CertstreamClientOptions> = {}) {
  const obs = new RecordingObserver();
  const texts: string[] = [];
  const c = new CertstreamClient({
    url,
    pingIntervalMs: 100,
    pongTimeoutMs: 5_000,
    staleAfterMs: 60_000,
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    resetAfterMs: 60_000,
    maxMessageBytes: 64 * 1024,
    onText: (t) => {
      texts.push(t);
      return 'certificate_update';
    },
    observer: obs,
    ...over,
  });
  cleanups.push(() => c.close());
  return { c, obs, texts };
}

describe('keepalive against a certstream-server-go-like server', () => {
  // certstream-server-go pings every 30 s and drops a client that sent no ping for 65 s; the
  // reference clients ping every 15 s. The same ratios, scaled to a 400 ms timeout.
  const TIMEOUT = 400;
  const goLike = { requireClientPingMs: TIMEOUT, serverPingMs: Math.round((TIMEOUT * 30) / 65) };

  it('keeps one connection for more than three timeouts with zero reconnects', async () => {
    const s = await serve(goLike);
    const { c, obs } = client(s.url, { pingIntervalMs: Math.round((TIMEOUT * 15) / 65) });
    await c.start();
    await s.waitForClients(1);
    await sleep(TIMEOUT * 4);
    expect(s.connections).toBe(1);
    expect(s.closedForNoPing).toBe(0);
    expect(obs.reconnects).toEqual([]);
    expect(s.pingsReceived).toBeGreaterThanOrEqual(4);
    expect(c.connected).toBe(true);
  });

  it('control: a client that pings less often than the timeout is dropped by that server (the check can fail)', async () => {
    const s = await serve(goLike);
    const { c, obs } = client(s.url, { pingIntervalMs: TIMEOUT * 3 });
    await c.start();
    await until(() => s.closedForNoPing > 0, 5_000, 'server drops the silent client');
    await until(() => obs.reconnects.length > 0, 5_000, 'client notices');
    expect(obs.reasons()[0]).toBe('closed');
    await until(() => s.connections >= 2, 5_000, 'client redials');
  });
});

describe('reconnect reasons and backoff bounds', () => {
  it('connect_failed: nothing listening, redials with delays inside [min, max]', async () => {
    const s = await serve();
    const url = s.url;
    await s.stop();
    const { c, obs } = client(url, { reconnectMinMs: 20, reconnectMaxMs: 80 });
    await c.start();
    await until(() => obs.reconnects.length >= 6, 10_000, 'six failed dials');
    expect(new Set(obs.reasons())).toEqual(new Set(['connect_failed']));
    for (const r of obs.reconnects) {
      expect(r.delayMs).toBeGreaterThanOrEqual(20);
      expect(r.delayMs).toBeLessThanOrEqual(80);
    }
    expect(obs.transitions).toEqual([]);
  });

  it('closed: the server closes every 3 messages; every close is followed by a redial', async () => {
    const s = await serve({ closeEveryN: 3 });
    const { c, obs, texts } = client(s.url);
    await c.start();
    for (let round = 0; round < 3; round++) {
      await s.waitForClients(1);
      for (let i = 0; i < 3; i++) s.broadcast(`m${round}.${i}`);
      await until(() => obs.reconnects.length > round, 5_000, `close ${round}`);
    }
    await s.waitForClients(1);
    // The server sees the fourth connection before the client has handled its 'open'.
    await until(() => obs.transitions.length === 7, 5_000, 'connected again');
    expect(obs.reasons()).toEqual(['closed', 'closed', 'closed']);
    expect(s.connections).toBe(4);
    expect(texts).toHaveLength(9);
    expect(obs.transitions).toEqual([true, false, true, false, true, false, true]);
  });

  it('stale: socket open but silent for stale_after is redialled', async () => {
    const s = await serve();
    const { c, obs } = client(s.url, { staleAfterMs: 200 });
    await c.start();
    await until(() => obs.reconnects.length >= 2, 10_000, 'two stale redials');
    expect(obs.reasons().slice(0, 2)).toEqual(['stale', 'stale']);
  });

  it('pong_timeout: a peer that answers no ping and sends nothing is terminated and redialled', async () => {
    const s = await serve({ autoPong: false });
    const { c, obs } = client(s.url, { pongTimeoutMs: 200, pingIntervalMs: 50 });
    await c.start();
    await until(() => obs.reconnects.length >= 1, 10_000, 'pong timeout');
    expect(obs.reasons()[0]).toBe('pong_timeout');
    await until(() => s.connections >= 2, 5_000, 'redial');
  });

  it('backoff grows to the cap while connections keep failing, and resets after a healthy connection', async () => {
    // Jitter pinned to its maximum: each delay equals the ceiling, so the sequence is exact.
    const dead = await serve();
    const deadUrl = dead.url;
    await dead.stop();
    const a = client(deadUrl, { reconnectMinMs: 10, reconnectMaxMs: 60, random: () => 0.999999 });
    await a.c.start();
    await until(() => a.obs.reconnects.length >= 6, 10_000, 'six failures');
    expect(a.obs.reconnects.slice(0, 6).map((r) => r.delayMs)).toEqual([10, 20, 40, 60, 60, 60]);

    // A connection that carried certificates for reset_after (0 here) resets the backoff.
    const s = await serve({ closeEveryN: 1 });
    const b = client(s.url, { reconnectMinMs: 10, reconnectMaxMs: 60, resetAfterMs: 0, random: () => 0.999999 });
    await b.c.start();
    for (let i = 0; i < 4; i++) {
      await s.waitForClients(1);
      s.broadcast('x');
      await until(() => b.obs.reconnects.length > i, 5_000, `close ${i}`);
    }
    expect(b.obs.reconnects.map((r) => r.delayMs)).toEqual([10, 10, 10, 10]);
  });

  it.each([
    ['pinned high', 0.999999, [100, 200, 400, 800, 1000, 1000]],
    ['pinned low', 0, [100, 100, 100, 100, 100, 100]],
  ])('Backoff with jitter %s', (_n, rnd, expected) => {
    const b = new Backoff(100, 1000, () => rnd);
    expect(Array.from({ length: 6 }, () => b.next())).toEqual(expected);
    b.reset();
    expect(b.next()).toBe(expected[0]);
  });

  it('Backoff never leaves [min, max] whatever the jitter', () => {
    const b = new Backoff(50, 700);
    for (let i = 0; i < 200; i++) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(50);
      expect(d).toBeLessThanOrEqual(700);
    }
  });
});

describe('frames', () => {
  it('counts binary and oversized frames and keeps the connection and the messages behind them', async () => {
    const s = await serve();
    const { c, obs, texts } = client(s.url, { maxMessageBytes: 64 * 1024 });
    await c.start();
    await s.waitForClients(1);
    s.broadcast('before');
    s.broadcastBinary(Buffer.from([0, 1, 2, 3]));
    s.broadcast('x'.repeat(3 * 1024 * 1024));
    s.broadcast('after');
    await until(() => texts.includes('after'), 10_000, 'message after the big frame');
    expect(texts).toEqual(['before', 'after']);
    expect(obs.dropCount('binary_frame')).toBe(1);
    expect(obs.dropCount('oversized')).toBe(1);
    expect(obs.reconnects).toEqual([]);
    expect(s.connections).toBe(1);
  });

  it('a frame over 16 MiB closes the connection (ws enforces maxPayload) and the client redials', async () => {
    const s = await serve();
    const { c, obs, texts } = client(s.url);
    await c.start();
    await s.waitForClients(1);
    s.broadcast('x'.repeat(MAX_FRAME_BYTES + 1));
    await until(() => obs.reconnects.length >= 1, 20_000, 'connection closed');
    expect(obs.reasons()[0]).toBe('error');
    await until(() => s.connections >= 2 && s.clients.size === 1, 10_000, 'redialled');
    s.broadcast('after');
    await until(() => texts.includes('after'), 10_000, 'stream goes on');
    expect(texts).toEqual(['after']);
  });
});
