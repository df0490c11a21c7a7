/** Issue 5: one hit per (issuance, rule), renewals as sightings, triage, inventory. Real SQLite files. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { sqliteBackend } from '../../src/store/sqlite-backend.js';
import { buildConfig } from '../../src/config/load.js';
import { compileRules } from '../../src/app.js';
import { Processor } from '../../src/pipeline/processor.js';
import { Metrics } from '../../src/http/metrics.js';
import { silentLogger } from '../../src/log/logger.js';
import { decodeCertstreamText } from '../../src/feed/certstream-decode.js';
import type { CertEvent } from '../../src/feed/types.js';
import { CertFactory, fullStreamMessage, type Issuance } from '../helpers/cert-factory.js';
import { tmpDir } from '../helpers/fixtures.js';

const DAY = 86_400_000;

async function setup(now: { t: number }, realertDays = 30) {
  const dir = tmpDir();
  const loaded = buildConfig({
    feed: { replay: 'unused.jsonl' },
    store: { path: path.join(dir, 'db.sqlite'), realert_after: `${realertDays}d` },
    watch: [{ domain: '.example.com', issuers: ["Let's Encrypt"] }],
    brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
    notifiers: [{ id: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/' }],
    routes: [{ notifiers: ['hook'] }],
  });
  const store = openStore(loaded.config.store.path, { realertAfterMs: loaded.config.store.realert_after, now: () => now.t });
  const rules = compileRules(loaded);
  const processor = new Processor({ hits: sqliteBackend(store).hits, metrics: new Metrics({ defaultMetrics: false }), log: silentLogger(), rules: () => rules, maxNames: 1000 });
  const feed = (text: string, seenMs = now.t) => {
    const r = decodeCertstreamText(text, { source: 'test', maxNames: 1000, receivedAt: now.t });
    if (r.kind !== 'cert') throw new Error(`fixture did not decode: ${JSON.stringify(r)}`);
    const ev: CertEvent = { ...r.event, seenAt: new Date(seenMs) };
    return processor.processBatch([ev]);
  };
  return { store, feed, dir };
}

const deliveries = (s: Store) => s.outbox.list().filter((d) => d.kind === 'hit').length;

describe('issuance identity', () => {
  let factory: CertFactory;
  let corpus: Issuance[];
  beforeAll(async () => {
    factory = await CertFactory.create();
    corpus = [];
    for (const names of [['paypal-secure-login.com'], ['login.example.com', 'www.example.com'], ['paypa1.com', 'www.paypa1.com'], ['benign.org']]) corpus.push(await factory.issue(names));
  });

  it('precertificate and final certificate, each from two logs, yield exactly one hit per (issuance, rule)', async () => {
    const now = { t: Date.UTC(2026, 10, 20) };
    const { store, feed } = await setup(now);
    let index = 0;
    for (const iss of corpus) {
      for (const log of ['https://log-a.example/', 'https://log-b.example/']) {
        feed(fullStreamMessage(iss.precert, iss.names, { log, index: index++, precert: true }));
        feed(fullStreamMessage(iss.final, iss.names, { log, index: index++, precert: false }));
      }
    }
    const hits = store.hits.listHits();
    const perRule = hits.map((h) => `${h.brand ?? h.watch}|${h.serial}`);
    expect(new Set(perRule).size).toBe(perRule.length);
    // paypal-secure-login.com (PayPal), login.example.com + www (one own-domain hit), paypa1.com (PayPal).
    expect(hits).toHaveLength(3);
    for (const h of hits) expect(h.timesSeen).toBe(4);
    expect(store.hits.counts().issuances).toBe(3);
    // The final certificate's details win over the precertificate's.
    for (const h of hits) expect(h.precert).toBe(false);
    expect(deliveries(store)).toBe(3);
    store.close();
  });

  it('renewal within realert_after is a sighting of the same hit (one alert); after the window a new alert', async () => {
    const now = { t: Date.UTC(2026, 0, 1) };
    const { store, feed } = await setup(now, 30);
    const first = await factory.issue(['paypal-verify.com']);
    const renewal = await factory.issue(['paypal-verify.com']);
    const late = await factory.issue(['paypal-verify.com']);
    feed(fullStreamMessage(first.final, first.names, { log: 'https://l/', index: 1, precert: false }));
    now.t += 20 * DAY;
    feed(fullStreamMessage(renewal.final, renewal.names, { log: 'https://l/', index: 2, precert: false }));
    let hits = store.hits.listHits();
    expect(hits).toHaveLength(1);
    expect(store.hits.sightings(hits[0]!.id)).toHaveLength(2);
    expect(deliveries(store)).toBe(1);
    now.t += 40 * DAY;
    feed(fullStreamMessage(late.final, late.names, { log: 'https://l/', index: 3, precert: false }));
    hits = store.hits.listHits();
    expect(hits).toHaveLength(2);
    expect(deliveries(store)).toBe(2);
    store.close();
  });

  it('false-positive marking suppresses later certificates for the same registrable domain and brand, reversibly', async () => {
    const now = { t: Date.UTC(2026, 0, 1) };
    const { store, feed } = await setup(now);
    const a = await factory.issue(['paypal.shop-example.com']);
    const b = await factory.issue(['www.paypal.shop-example.com']);
    const c = await factory.issue(['login.paypal.shop-example.com']);
    feed(fullStreamMessage(a.final, a.names, { log: 'https://l/', index: 1, precert: false }));
    const [hit] = store.hits.listHits();
    expect(hit!.registrable).toBe('shop-example.com');
    expect(store.hits.setStatus(hit!.id, 'false_positive')).toBe(true);
    feed(fullStreamMessage(b.final, b.names, { log: 'https://l/', index: 2, precert: false }));
    const suppressed = store.hits.listHits().find((h) => h.name === 'www.paypal.shop-example.com')!;
    expect(suppressed.suppressed).toBe(true);
    expect(suppressed.status).toBe('false_positive');
    expect(deliveries(store)).toBe(1);
    // Reopening lifts the suppression.
    store.hits.setStatus(hit!.id, 'new');
    feed(fullStreamMessage(c.final, c.names, { log: 'https://l/', index: 3, precert: false }));
    expect(store.hits.listHits().find((h) => h.name === 'login.paypal.shop-example.com')!.suppressed).toBe(false);
    expect(deliveries(store)).toBe(2);
    store.close();
  });

  it('keeps an own-domain inventory and flags new names and unexpected issuers', async () => {
    const now = { t: Date.UTC(2026, 0, 1) };
    const { store, feed } = await setup(now);
    const other = await CertFactory.create('C=XX, O=Some Other CA, CN=Other CA 1');
    const one = await factory.issue(['api.example.com']);
    const again = await factory.issue(['api.example.com']);
    const rogue = await other.issue(['api.example.com']);
    feed(fullStreamMessage(one.final, one.names, { log: 'https://l/', index: 1, precert: false }));
    now.t += 40 * DAY;
    feed(fullStreamMessage(again.final, again.names, { log: 'https://l/', index: 2, precert: false }));
    feed(fullStreamMessage(rogue.final, rogue.names, { log: 'https://l/', index: 3, precert: false }));
    const techniques = store.hits.listHits().map((h) => `${h.technique}/${h.severity}`).sort();
    expect(techniques).toEqual(['own-domain/low', 'own-domain:new-name/medium', 'own-domain:unexpected-issuer/high']);
    const inv = store.hits.listInventory({ watch: '.example.com' });
    expect(inv).toHaveLength(1);
    expect(inv[0]!.certCount).toBe(3);
    expect(inv[0]!.issuers).toHaveLength(2);
    store.close();
  });
});
