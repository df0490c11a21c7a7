/**
 * Issue 2, point 2: the whole daemon against a real WebSocket server on loopback serving real CT
 * entries, with a real SQLite file and a real HTTP receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { verifyStandardWebhook } from '../helpers/standard-webhooks.js';
import { navigliMessages, tmpDir } from '../helpers/fixtures.js';
import { dbPath, getJson, startTestApp, until, type TestApp } from '../helpers/app.js';

const SECRET = 'whsec_' + Buffer.from('e2e-test-signing-key-0123456789').toString('base64');

describe('end to end: certstream → parse → match → store → webhook → health', () => {
  const server = new FakeCertstream();
  const receiver = new HttpReceiver();
  const messages = navigliMessages();
  let t: TestApp;
  const dir = tmpDir();

  beforeAll(async () => {
    await server.start();
    await receiver.start();
    t = await startTestApp(
      {
        feed: { url: server.url, ping_interval: 0.2, reconnect_min: 0.05, reconnect_max: 0.3, stale_after: 5 },
        store: { path: dbPath(dir) },
        http: { listen: '127.0.0.1:0' },
        watch: [{ domain: '.chixbbq.org', issuers: ["Let's Encrypt"] }],
        brands: [
          { name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] },
          { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
          { name: 'BlaBlaCar', domains: ['blablacar.com'], keywords: ['blablacar'] },
        ],
        notifiers: [{ id: 'siem', type: 'webhook', url: receiver.url, secret: '${HOOK_SECRET}' }],
        routes: [{ notifiers: ['siem'], min_severity: 'low' }],
      },
      { HOOK_SECRET: SECRET },
    );
    await server.waitForClients(1);
  });

  afterAll(async () => {
    await t?.app.close();
    await server.stop();
    await receiver.stop();
  });

  it('stores each expected hit once and delivers it signed', async () => {
    // Entries 0-4 are benign; 5 is a Sberbank look-alike, 20 a new name under the watched
    // domain, 65 impersonates both Avito and BlaBlaCar.
    const pick = [0, 1, 2, 3, 4, 5, 20, 65].map((i) => messages[i]);
    for (const m of pick) server.broadcast(JSON.stringify(m));
    // The same certificates again, as if logged by a second log: the same issuances.
    for (const i of [5, 65]) {
      const copy = structuredClone(messages[i]);
      copy.data.source.url = 'https://other-log.example/';
      copy.data.cert_index = 900_000 + i;
      server.broadcast(JSON.stringify(copy));
    }
    await receiver.waitFor((r) => r.length >= 4);
    await t.app.drained();
    await new Promise((r) => setTimeout(r, 300)); // a fifth delivery would have arrived by now

    const hits = t.app.store.hits.listHits();
    const keys = hits.map((h) => `${h.brand ?? h.watch}|${h.name}`).sort();
    expect(keys).toEqual([
      '.chixbbq.org|www.www.apw35th.chixbbq.org',
      'Avito|avito.avito.pay.blablacar.kwid9.jccsmatrei.top',
      'BlaBlaCar|avito.avito.pay.blablacar.kwid9.jccsmatrei.top',
      'Sberbank|ozon.sberbank.pochta.kwid9.jccsmatrei.top',
    ]);
    // The second-log copies became sightings, not hits.
    const sber = hits.find((h) => h.brand === 'Sberbank')!;
    expect(sber.timesSeen).toBe(2);
    expect(t.app.store.hits.sightings(sber.id).map((s) => s.logUrl)).toEqual(['https://navigli2025h2.skylight.geomys.org/', 'https://other-log.example/']);
    // Details come from the full parse of the real DER.
    expect(sber.issuer).toContain("Let's Encrypt");
    expect(sber.serial).toMatch(/^[0-9a-f]+$/);
    expect(sber.precert).toBe(true);
    const own = hits.find((h) => h.watch === '.chixbbq.org')!;
    expect(own.technique).toBe('own-domain:new-name');

    expect(receiver.requests).toHaveLength(4);
    for (const r of receiver.requests) {
      expect(verifyStandardWebhook(SECRET, r.headers as never, r.body)).toBe(true);
      const body = JSON.parse(r.body);
      expect(body).toMatchObject({ type: 'ctwatch.hit', version: 1, id: r.headers['webhook-id'] });
      expect(body.cert).toMatchObject({ precert: true, log: 'https://navigli2025h2.skylight.geomys.org/' });
      expect(body.names.length).toBeGreaterThan(0);
    }
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(4);
  });

  it('is ready while connected, 503 when the server goes away, and reconnects when it returns', async () => {
    server.broadcast(JSON.stringify(messages[6]));
    await until(async () => (await getJson(`${t.base}/readyz`)).status === 200, 5_000, 'ready');

    const port = server.port;
    await server.stop();
    await until(async () => (await getJson(`${t.base}/readyz`)).status === 503, 5_000, 'not ready');
    const down = await getJson(`${t.base}/readyz`);
    expect(down.body.checks.find((c: any) => c.name === 'feed_connected').ok).toBe(false);

    server.port = port;
    await server.start();
    await server.waitForClients(1, 10_000);
    server.broadcast(JSON.stringify(messages[7]));
    await until(async () => (await getJson(`${t.base}/readyz`)).status === 200, 5_000, 'ready again');

    const metrics = await (await fetch(`${t.base}/metrics`)).text();
    expect(metrics).toMatch(/ctwatch_feed_reconnects_total\{feed="feed0",reason="closed"\} [1-9]/);
    expect(metrics).toMatch(/ctwatch_feed_connected\{feed="feed0"\} 1/);
    expect((await getJson(`${t.base}/livez`)).status).toBe(200);
  });
});
