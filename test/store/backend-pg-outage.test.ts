/**
 * Issue 16, store level: PostgreSQL going away and coming back. A TCP relay on loopback stands
 * between the store and the test server, so the test can cut the connection (the shared server
 * itself is not stopped): calls then reject with STORE_UNAVAILABLE, ping says false, nothing is
 * half-written, and once the relay is back the same backend works again by itself (the pool
 * opens new connections).
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgBackend } from '../../src/store/pg/index.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';
import { brandMatch, DAY, record, routeAll, T0 } from './backend-suite.js';

const { url, why } = await testPgUrl();
const schema = freshSchema();
afterAll(async () => {
  if (url) await dropSchema(url, schema);
});

/** A loopback relay to the server that can be cut and restored on the same port. */
async function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    async cut() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: listen,
    close() {
      for (const s of sockets) s.destroy();
      server?.close();
    },
  };
}

const d = url ? describe : describe.skip;
d(`PostgreSQL unavailable${url ? '' : ` (skipped: ${why})`}`, () => {
  it('calls reject with STORE_UNAVAILABLE while it is down, nothing is half-written, and the backend recovers by itself', async () => {
    const target = new URL(url!);
    const r = await relay(target);
    const viaRelay = new URL(url!);
    viaRelay.port = String(r.port);
    viaRelay.hostname = '127.0.0.1';
    const clock = { t: T0 };
    const b = await openPgBackend({ url: viaRelay.toString(), schema, realertAfterMs: 30 * DAY, now: () => clock.t, connectTimeoutMs: 1000 });
    try {
      await b.hits.recordBatch([record('u1', [brandMatch('paypal-u1.com')])], routeAll, { position: { logKey: 'L', position: { next: 1 } } });
      expect(await b.ping()).toBe(true);

      await r.cut();
      await expect(b.hits.recordBatch([record('u2', [brandMatch('paypal-u2.com')])], routeAll, { position: { logKey: 'L', position: { next: 2 } } })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
      await expect(b.hits.listHits()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(b.outbox.claimDue('hook', clock.t, 10, 1000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(await b.ping()).toBe(false);

      await r.restore();
      expect(await b.ping()).toBe(true);
      // What was committed before is there once; the refused batch was not half-written.
      expect(await b.positions.load('L')).toEqual({ next: 1 });
      expect((await b.hits.counts()).hits).toBe(1);
      await b.hits.recordBatch([record('u2', [brandMatch('paypal-u2.com')])], routeAll, { position: { logKey: 'L', position: { next: 2 } } });
      expect(await b.hits.counts()).toEqual({ hits: 2, issuances: 2, sightings: 2 });
      expect(await b.positions.load('L')).toEqual({ next: 2 });
    } finally {
      await b.close();
      r.close();
    }
  });
});
