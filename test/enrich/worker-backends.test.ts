/**
 * Issue 16: the enrichment worker (Enricher) on both store backends, SQLite and PostgreSQL, with
 * look-ups faked (DNS answers the test controls; no RDAP, no web) and a virtual clock: restart
 * recovery, held alerts released, re-checks on schedule, update alerts threaded with the original
 * message, a late first look, a failed one. The PostgreSQL half is skipped only when the test
 * server is unreachable outside CI.
 */
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { enrichSchema } from '../../src/enrich/config-schema.js';
import { Enricher } from '../../src/enrich/enricher.js';
import { EnrichMetrics } from '../../src/enrich/metrics.js';
import type { DnsRecord } from '../../src/enrich/types.js';
import { silentLogger } from '../../src/log/logger.js';
import { groupAlertId, hitAlertId } from '../../src/notify/alert-builder.js';
import type { StoreBackend } from '../../src/store/backend.js';
import { openStore } from '../../src/store/index.js';
import { openPgBackend } from '../../src/store/pg/index.js';
import { sqliteBackend } from '../../src/store/sqlite-backend.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';
import { brandMatch, DAY, record, T0, type Clock } from '../store/backend-suite.js';

const HOUR = 3_600_000;
const HOLD = 60_000;

const { url, why } = await testPgUrl();
const schemas = new Set<string>();
afterAll(async () => {
  if (url) for (const s of schemas) await dropSchema(url, s);
});

type Open = (clock: Clock) => Promise<StoreBackend>;
const backends: [string, Open | null][] = [
  [
    'sqlite',
    async (clock) => {
      const now = () => clock.t;
      return sqliteBackend(openStore(path.join(tmpDir(), 'w.sqlite'), { realertAfterMs: 30 * DAY, now, alertDelayMs: HOLD }), now);
    },
  ],
  [
    'postgres',
    url
      ? async (clock) => {
          const schema = freshSchema();
          schemas.add(schema);
          return openPgBackend({ url, schema, realertAfterMs: 30 * DAY, now: () => clock.t, alertDelayMs: HOLD, max: 4 });
        }
      : null,
  ],
];

/** DNS that answers from `live` (name → address); anything else does not exist; `broken` names throw. */
function fakeDns(live: Map<string, string>, broken: Set<string>) {
  return {
    async lookup(name: string): Promise<DnsRecord> {
      if (broken.has(name)) throw Object.assign(new Error('resolver crashed'), { code: 'EBROKEN' });
      const a = live.get(name);
      return { name, status: a ? 'ok' : 'nxdomain', a: a ? [a] : [], aaaa: [], cname: [], ns: [], mx: [], errors: {} };
    },
    cancel: () => undefined,
  };
}

for (const [name, open] of backends) {
  const d = open ? describe : describe.skip;
  d(`enrichment worker on ${name}${open ? '' : ` (skipped: ${why})`}`, () => {
    const closers: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of closers.splice(0).reverse()) await c();
    });

    async function setup() {
      const clock = { t: T0 };
      const b = await open!(clock);
      closers.push(() => b.close());
      const live = new Map<string, string>();
      const broken = new Set<string>();
      let nudges = 0;
      const registry = new Registry();
      const worker = new Enricher({
        config: enrichSchema.parse({ enabled: true, rdap: false, web: false, recheck: ['1h', '1d'], concurrency: 2 }),
        store: b.enrichment,
        log: silentLogger(),
        metrics: new EnrichMetrics(registry),
        dns: fakeDns(live, broken) as never,
        rdap: {} as never,
        web: {} as never,
        brandTerms: () => ['paypal'],
        onOutbox: () => void nudges++,
        now: () => clock.t,
        tickMs: 10 * DAY, // ticks are driven by the test
        onTimerError: (err) => {
          throw err;
        },
      });
      closers.push(() => worker.close(100));
      const hit = async (key: string, notifiers: readonly string[], seenAt = clock.t) =>
        (await b.hits.recordBatch([record(key, [brandMatch(`paypal-${key}.com`)], { seenAt })], () => notifiers)).hitIds[0]!;
      const updates = async () =>
        (await b.outbox.list())
          .filter((x) => x.kind === 'update')
          .sort((x, y) => x.id - y.id)
          .map((x) => ({ hitId: x.hitId, notifierId: x.notifierId, payload: x.payload }));
      return { clock, b, live, broken, worker, hit, updates, registry, nudges: () => nudges };
    }

    it('start() picks up first looks a restart lost, releases their alerts, and re-checks on schedule with one threaded update per change', async () => {
      const s = await setup();
      const { b, clock, worker } = s;
      const a = await s.hit('a', ['chat', 'siem']);
      const quiet = await s.hit('quiet', ['chat', 'siem']);
      const done = await s.hit('done', ['chat']);
      await b.enrichment.save(done, { checked_at: new Date(T0).toISOString(), round: 0, registrable: null, registration: null, dns: null, web: null, severity: 'high', base_severity: 'high', reasons: ['before the restart'] }, null);
      const old = await s.hit('old', ['chat'], T0 - HOUR - 1); // older than the first re-check: left alone
      expect(await b.outbox.countDue(T0)).toBe(0); // all held

      worker.start();
      await worker.idle();
      expect((await b.enrichment.enrichmentFor(a))!.round).toBe(0);
      expect((await b.enrichment.enrichmentFor(quiet))!.round).toBe(0);
      expect((await b.enrichment.enrichmentFor(done))!.reasons).toEqual(['before the restart']);
      expect(await b.enrichment.enrichmentFor(old)).toBeNull();
      expect(await b.outbox.countDue(T0)).toBe(4); // a's and quiet's alerts released, done's and old's still held
      expect(s.nudges()).toBeGreaterThan(0);
      expect(await s.updates()).toEqual([]); // nothing had gone out: no update

      // The chat alerts of a and quiet go out in one message; siem's are not delivered yet.
      const chat = await b.outbox.claimDue('chat', T0, 10, 60_000);
      expect(chat.map((x) => x.hitId)).toEqual([a, quiet]);
      await b.outbox.markDelivered(chat.map((x) => x.id), T0 + 1);

      clock.t = T0 + HOUR - 1;
      expect(await worker.tick()).toBe(0);
      s.live.set('paypal-a.com', '192.0.2.7'); // a goes live
      clock.t = T0 + HOUR;
      expect(await worker.tick()).toBe(2);
      await worker.idle();
      expect((await b.enrichment.history(a)).map((e) => e.round)).toEqual([1, 0]);
      const change = { round: 1, changes: [{ code: 'resolving', text: 'started resolving (192.0.2.7)' }] };
      expect(await s.updates()).toEqual([
        { hitId: a, notifierId: 'chat', payload: { ...change, reply_to: groupAlertId(chat[0]!.id, 2) } },
        { hitId: a, notifierId: 'siem', payload: { ...change, reply_to: null } },
      ]);

      // The last re-check is timed from the first look (T0 + 1 d); no change: no update; then none left.
      clock.t = T0 + DAY - 1;
      expect(await worker.tick()).toBe(0);
      clock.t = T0 + DAY;
      expect(await worker.tick()).toBe(2);
      await worker.idle();
      expect((await b.enrichment.history(quiet)).map((e) => e.round)).toEqual([2, 1, 0]);
      expect(await s.updates()).toHaveLength(2);
      clock.t = T0 + 100 * DAY;
      expect(await worker.tick()).toBe(0);
    });

    it('a first look finishing after the hold: one update (round 0) to the notifiers the alert already left for, the held one released instead', async () => {
      const s = await setup();
      const { b, clock, worker } = s;
      worker.start();
      await worker.idle();
      const e = await s.hit('late', ['chat', 'siem', 'mail']);
      clock.t = T0 + HOLD;
      const [inFlight] = await b.outbox.claimDue('chat', clock.t, 10, 60_000); // its message is being built now
      const sent = await b.outbox.claimDue('siem', clock.t, 10, 60_000);
      await b.outbox.markDelivered(sent.map((x) => x.id), clock.t);
      const grouped = await b.outbox.claimDue('mail', clock.t, 10, 60_000);
      await b.outbox.defer(grouped.map((x) => x.id), clock.t + 30_000); // waits for its group window
      expect(inFlight!.hitId).toBe(e);

      s.live.set('paypal-late.com', '192.0.2.9');
      worker.submit([e]);
      await worker.idle();
      expect((await b.enrichment.enrichmentFor(e))!.round).toBe(0);
      const change = { round: 0, changes: [{ code: 'resolving', text: 'started resolving (192.0.2.9)' }] };
      expect(await s.updates()).toEqual([
        { hitId: e, notifierId: 'chat', payload: { ...change, reply_to: null } },
        { hitId: e, notifierId: 'siem', payload: { ...change, reply_to: hitAlertId(e, 'siem') } },
      ]);
      // mail's alert goes now, built with the enrichment.
      expect((await b.outbox.list()).find((x) => x.notifierId === 'mail')!.nextAttemptAt).toBe(clock.t);
    });

    it('a failed first look lets the alerts go without it, counted; nothing is saved', async () => {
      const s = await setup();
      const { b, worker } = s;
      worker.start();
      await worker.idle();
      const h = await s.hit('broken', ['chat']);
      s.broken.add('paypal-broken.com');
      worker.submit([h]);
      await worker.idle();
      expect(await b.enrichment.enrichmentFor(h)).toBeNull();
      expect(await b.outbox.countDue(T0)).toBe(1);
      const jobs = await s.registry.getSingleMetric('ctwatch_enrich_jobs_total')!.get();
      expect(jobs.values).toEqual([{ value: 1, labels: { round: 'first', outcome: 'failed' } }]);
    });
  });
}
