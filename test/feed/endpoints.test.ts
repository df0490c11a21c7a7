/**
 * Issue 3, protocol fidelity through the daemon: /full-stream, / (lite) and /domains-only at once
 * (as `feed.urls`), with the real samples of each server family, heartbeats and an unknown
 * message type. Every certificate message is processed, from the right endpoint, and typed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { FIXTURES, tmpDir } from '../helpers/fixtures.js';
import { dbPath, startTestApp, until, type TestApp } from '../helpers/app.js';
import type { CertEvent } from '../../src/feed/types.js';
import { certText, metricValue } from './helpers/stream.js';

const sample = (f: string) => fs.readFileSync(path.join(FIXTURES, 'certstream', f), 'utf8');

describe('all three endpoints through the daemon', () => {
  const server = new FakeCertstream();
  let t: TestApp;
  const processed: CertEvent[] = [];

  beforeAll(async () => {
    await server.start();
    t = await startTestApp(
      {
        feed: { urls: [server.urlFor('/full-stream'), server.urlFor('/'), server.urlFor('/domains-only')], ping_interval: 0.2, stale_after: 30 },
        store: { path: dbPath(tmpDir()) },
        http: { listen: '127.0.0.1:0' },
        brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
      },
      {},
      { beforeProcess: (b) => processed.push(...b) },
    );
    await server.waitForClients(3);
  });

  afterAll(async () => {
    await t?.app.close();
    await server.stop();
  });

  it('processes each family on its endpoint and ignores what it does not know', async () => {
    expect([...server.paths].sort()).toEqual(['/', '/domains-only', '/full-stream']);
    server.broadcastOn('/full-stream', certText(7, 'https://full.example/'));
    server.broadcastOn('/full-stream', sample('calidog-python_readme_with_as_der_sabre_2017.json'));
    // CaliDog's README sample carries a placeholder for as_der: counted bad_der, its names still matched.
    server.broadcastOn('/full-stream', sample('calidog-server_readme_full-stream_mammoth_2017.json'));
    server.broadcastOn('/', sample('certstream-server-go-lite-certificate_update.json'));
    server.broadcastOn('/', sample('calidog-elixir-lite-certificate_update.json'));
    server.broadcastOn('/domains-only', JSON.stringify({ message_type: 'dns_entries', data: ['paypal-login.example', 'www.paypal-login.example'] }));
    server.broadcastOn('/domains-only', JSON.stringify({ message_type: 'dns_entries', data: { all_domains: ['other.example'], cert_index: 3, source: { url: 'https://dom.example/' } } }));
    for (const p of ['/full-stream', '/', '/domains-only']) {
      server.broadcastOn(p, sample('calidog-python-server-heartbeat.json'));
      server.broadcastOn(p, '{"message_type":"stats","data":{"clients":3},"new_top_level_field":true}');
    }
    await until(() => processed.length >= 7, 10_000, 'seven certificate messages');
    await t.app.drained();

    const bySource = (p: string) => processed.filter((e) => e.source === server.urlFor(p as never));
    expect(bySource('/full-stream').map((e) => e.der !== null)).toEqual([true, true, false]);
    expect(bySource('/full-stream')[2].names?.length).toBeGreaterThan(0);
    expect(bySource('/').map((e) => e.names)).toEqual([['cmslieferhit.e06.k-k.de'], expect.any(Array)]);
    expect(bySource('/').every((e) => e.der === null && e.fields.serialHex !== null)).toBe(true);
    expect(bySource('/domains-only').map((e) => e.names)).toEqual([['paypal-login.example', 'www.paypal-login.example'], ['other.example']]);

    const m = await (await fetch(`${t.base}/metrics`)).text();
    expect(metricValue(m, 'ctwatch_messages_total{type="certificate_update"}')).toBe(5);
    expect(metricValue(m, 'ctwatch_dropped_total{reason="bad_der"}')).toBe(1);
    expect(metricValue(m, 'ctwatch_messages_total{type="dns_entries"}')).toBe(2);
    expect(metricValue(m, 'ctwatch_messages_total{type="heartbeat"}')).toBe(3);
    expect(metricValue(m, 'ctwatch_messages_total{type="other"}')).toBe(3);
    expect(m).not.toMatch(/ctwatch_dropped_total\{reason="(invalid_json|bad_field|not_object)"\} [1-9]/);
    // The domains-only look-alike is a hit (one per issuance and brand).
    expect(t.app.store.hits.listHits().map((h) => [h.brand, h.name])).toEqual([['PayPal', 'paypal-login.example']]);
  });
});
