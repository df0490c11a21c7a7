/**
 * Issue 16, point 2: two real daemons on one PostgreSQL database, both reading the same
 * CertStream corpus and the same two local CT logs. Every hit is stored once, alerted once to a
 * signed webhook (checked by webhook-id), and each CT log is read by one instance at a time, each
 * entry once.
 */
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAVIGLI } from '../ctlog/fixtures.js';
import { startStaticServer } from '../ctlog/helpers/servers.js';
import { bigSyntheticLog } from '../ctlog/helpers/static-log.js';
import { testLogKey } from '../ctlog/helpers/testlog.js';
import { writeLogList } from '../ctlog/helpers/log-list.js';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { verifyStandardWebhook } from '../helpers/standard-webhooks.js';
import { tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';
import { testPgUrl } from '../helpers/pg.js';
import { freshDatabase, hitAlertIds, startInstance, stopInstance, storeFacts, type Instance } from './cluster.js';
import { certstreamCorpus, expectedSightings, HA_BRANDS } from './expected.js';

const ENTRIES = 3_000;
const SECRET = 'whsec_' + Buffer.from('ha-two-instances-secret-0123456789').toString('base64');
const pgUrl = await testPgUrl();

describe.skipIf(!pgUrl.url)('two daemons on one PostgreSQL store', () => {
  const dir = tmpDir();
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const logs: Awaited<ReturnType<typeof startStaticServer>>[] = [];
  const certstream = new FakeCertstream();
  const hook = new HttpReceiver();
  const instances: Instance[] = [];

  beforeAll(async () => {
    db = await freshDatabase(pgUrl.url!);
    await certstream.start();
    await hook.start();
    const listed: { url: string; key: string; origin: string }[] = [];
    for (const [i, origin] of ['ha-a.test.example', 'ha-b.test.example'].entries()) {
      const key = testLogKey();
      const srv = await startStaticServer(bigSyntheticLog(NAVIGLI, key, origin, ENTRIES, i << 28).files);
      logs.push(srv);
      listed.push({ url: srv.url, key: key.keyB64, origin });
    }
    const list = writeLogList(dir, listed);
    const config = (name: string) => ({
      feed: { url: certstream.url, ct_logs: listed.map((l) => l.url), log_list: { file: list }, ct_start: 'start', ct_poll_interval: 0.2, ct_min_request_interval: 0 },
      store: { url: db.url, path: path.join(dir, name, 'state.db') },
      http: { token: 'ha-dashboard-token-0123456789' },
      brands: HA_BRANDS,
      notifiers: [{ id: 'siem', type: 'webhook', url: hook.url, secret: '${HOOK_SECRET}' }],
      routes: [{ notifiers: ['siem'], min_severity: 'low' }],
    });
    for (const name of ['one', 'two']) {
      fs.mkdirSync(path.join(dir, name), { recursive: true });
      instances.push(await startInstance(dir, name, config(name), { HOOK_SECRET: SECRET }));
    }
  }, 120_000);

  afterAll(async () => {
    for (const i of instances) await stopInstance(i);
    for (const l of logs) await l.close();
    await certstream.stop();
    await hook.stop();
    await db?.drop();
  });

  it('stores, alerts and reads everything exactly once between them', { timeout: 240_000 }, async () => {
    // Each log read by one instance at a time: sampled every 200 ms for the whole run.
    const overlaps: string[] = [];
    const readers = new Map<string, Set<string>>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [a, b] = await Promise.all(instances.map((i) => i.ctLogs()));
        for (const [i, held] of [a, b].entries()) for (const u of held ?? []) (readers.get(u) ?? readers.set(u, new Set()).get(u)!).add(instances[i]!.name);
        for (const u of a ?? []) if (b?.includes(u)) overlaps.push(u);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    // The logs spread over the two instances: one each.
    await until(async () => {
      const [a, b] = await Promise.all(instances.map((i) => i.ctLogs()));
      return a?.length === 1 && b?.length === 1 && a[0] !== b[0];
    }, 60_000, 'one log per instance');

    // Both read the same CertStream corpus.
    await certstream.waitForClients(2);
    for (const line of certstreamCorpus()) certstream.broadcast(line);

    const facts = storeFacts(db.query);
    await until(async () => (await facts.position(logs[0]!.url)) === ENTRIES && (await facts.position(logs[1]!.url)) === ENTRIES, 180_000, 'both logs read');
    await until(async () => (await facts.undelivered()) === 0, 60_000, 'every alert delivered');
    // Nothing more arrives later (a late duplicate would show here).
    await new Promise((r) => setTimeout(r, 2_000));
    sampling = false;
    await sampler;

    // No (issuance, rule) stored twice.
    expect(await facts.repeatedHits()).toBe(0);
    // Every CT-log entry processed once: one sighting per (entry, hit), as many as the rules fire.
    const ctSightings = await facts.ctSightings(logs.map((l) => l.url));
    expect(ctSightings.repeated).toBe(0);
    expect(ctSightings.total).toBe(2 * expectedSightings(ENTRIES));

    // Every hit alerted exactly once, signed; the webhook-id is the idempotency key.
    const hits = await facts.alertedHits();
    for (const r of hook.requests) expect(verifyStandardWebhook(SECRET, r.headers as never, r.body)).toBe(true);
    const ids = hitAlertIds(hook.requests);
    expect(hits).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(hits);
    expect(ids.length).toBe(hits);

    // Each log was read by one instance at a time.
    expect(overlaps).toEqual([]);
    const outputs = instances.map((i) => i.daemon.output());
    console.log(
      `two instances: ${hits} hits, ${ids.length} webhook deliveries (${new Set(ids).size} distinct ids), ${ctSightings.total} CT-log sightings of ${2 * ENTRIES} entries; ` +
        `readers per log: ${[...readers].map(([u, s]) => `${u} → ${[...s].join('+')}`).join('; ')}`,
    );
    for (const o of outputs) expect(o).not.toMatch(/"level":(50|60)/);
  });
});
