/**
 * Issue 16: the shared store suite on PostgreSQL, then several instances (several backends, own
 * pools and instance ids) on one database: the store-level half of "several instances, one truth".
 * Each test works in a schema of its own on the test server (test/helpers/pg.ts).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ctlogLease, LEADER_LEASE } from '../../src/store/backend.js';
import { MAX_EVIDENCE_PER_KIND } from '../../src/store/ctlog-evidence.js';
import { openPgBackend, type PgStoreBackend } from '../../src/store/pg/index.js';
import { openBackend } from '../../src/store/open-backend.js';
import { parseStoreUrl } from '../../src/store/pg/connection.js';
import { secrets } from '../../src/log/secrets.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';
import { brandMatch, DAY, defineBackendSuite, record, routeAll, T0, watchMatch, workload, type Clock } from './backend-suite.js';

const { url, why } = await testPgUrl();
const schemas = new Set<string>();

async function openIn(schema: string, clock: Clock, realertAfterMs = 30 * DAY, instanceId?: string): Promise<PgStoreBackend> {
  schemas.add(schema);
  return openPgBackend({ url: url!, schema, realertAfterMs, now: () => clock.t, max: 4, ...(instanceId ? { instanceId } : {}) });
}

afterAll(async () => {
  if (url) for (const s of schemas) await dropSchema(url, s);
});

defineBackendSuite('postgres', url ? (clock, realert) => openIn(freshSchema(), clock, realert) : null, why);

const d = url ? describe : describe.skip;

d('store.url', () => {
  it.each([
    ['postgres://ctw:s3cr3t-pw@db.internal:5433/ctwatch', 'postgres://ctw@db.internal:5433/ctwatch'],
    ['postgresql://ctw:p%40ss-word@db/ctwatch?sslmode=verify-full', 'postgres://ctw@db:5432/ctwatch'],
    ['postgres://db.internal/ctwatch', 'postgres://db.internal:5432/ctwatch'],
    ['postgres://ctw@db.internal:5432/ctwatch', 'postgres://ctw@db.internal:5432/ctwatch'],
    ['postgres://ctw:s3cr3t-pw@db.internal:5432/ctwatch_production_eu?sslmode=verify-full', 'postgres://ctw@db.internal:5432/ctwatch_production_eu'],
  ])('%s is shown as %s, the password registered as a secret', (u, display) => {
    const parsed = parseStoreUrl(u);
    expect(parsed.display).toBe(display);
    // The display form stays printable: only credentials are secrets.
    expect(secrets.redact(`at ${parsed.display}`)).toBe(`at ${display}`);
    const pw = new URL(u).password;
    if (pw) {
      expect(secrets.redact(`failed: ${decodeURIComponent(pw)} ${u}`)).not.toContain(decodeURIComponent(pw));
      expect(parsed.config.password).toBe(decodeURIComponent(pw));
    }
  });

  it('a password given as ?password= is a secret too', () => {
    expect(parseStoreUrl('postgres://u@h/db?password=q-s3cret-pw').config.password).toBe('q-s3cret-pw');
    expect(secrets.redact('failed: q-s3cret-pw')).toBe('failed: [redacted]');
  });

  it.each([
    ['postgres://u@h/db?options=-c%20search_path%3Dctw_blue', 'ctw_blue'],
    ['postgres://u@h/db?options=-csearch_path%3Dctw_blue', 'ctw_blue'],
    ['postgres://u@h/db?options=--search_path%3Dctw_blue', 'ctw_blue'],
    ['postgres://u@h/db?options=-c%20search_path%3Da%20-c%20search_path%3Dctw_last', 'ctw_last'],
    ['postgres://u@h/db?options=-c%20search_path%3Dctw_a%2Cpublic', undefined],
    ['postgres://u@h/db?options=-c%20search_path%3DBad-Name', undefined],
    ['postgres://u@h/db?options=-c%20statement_timeout%3D5000', undefined],
    ['postgres://u@h/db', undefined],
  ])('%s selects schema %s (created by the store when missing)', (u, schema) => {
    expect(parseStoreUrl(u).schema).toBe(schema);
  });

  it('TLS options as node-postgres reads them', () => {
    expect(parseStoreUrl('postgres://u@h/db?sslmode=no-verify').config.ssl).toMatchObject({ rejectUnauthorized: false });
    expect(parseStoreUrl('postgres://u@h/db?ssl=true').config.ssl).toBeTruthy();
  });

  it.each([
    ['mysql://u:pw12345@h/db', 'STORE_URL', /postgres:\/\//],
    ['postgres://u:pw12345@h', 'STORE_URL', /names no database/],
    ['not a url with pw12345', 'STORE_URL', /not a valid URL/],
  ])('%s is refused without echoing it', (u, code, msg) => {
    try {
      parseStoreUrl(u);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code });
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('pw12345');
    }
  });

  it('an unreachable server is STORE_UNAVAILABLE, quickly, without the password', async () => {
    const err = await openPgBackend({ url: 'postgres://u:unreach-pw@127.0.0.1:1/test', realertAfterMs: DAY, connectTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(String((err as Error).message)).not.toContain('unreach-pw');
  });
});

d('several instances on one PostgreSQL database', () => {
  const open: PgStoreBackend[] = [];
  const instances = async (n: number, clock: Clock, schema = freshSchema()) => {
    const out: PgStoreBackend[] = [];
    for (let i = 0; i < n; i++) out.push(await openIn(schema, clock, 30 * DAY, `inst-${i}`));
    open.push(...out);
    return out;
  };
  afterEach(async () => {
    for (const b of open.splice(0)) await b.close();
  });

  it('the same CertStream batches recorded concurrently by three instances: one hit per (issuance, rule), every sighting counted', async () => {
    const clock = { t: T0 };
    const [a, b, c] = await instances(3, clock);
    const recs = workload(300, 11);
    // Each instance gets every record, in batches of its own size and order (feeds differ).
    const batchesOf = (xs: typeof recs, size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
    const reversedPairs = recs.map((r, i) => recs[i ^ 1] ?? r);
    const totals = await Promise.all(
      [
        [a!, batchesOf(recs, 25)],
        [b!, batchesOf(reversedPairs, 40)],
        [c!, batchesOf(recs, 60)],
      ].map(async ([inst, batches]) => {
        let sightings = 0;
        let newHits = 0;
        for (const batch of batches as (typeof recs)[]) {
          const r = await (inst as PgStoreBackend).hits.recordBatch(batch, routeAll);
          sightings += r.sightings;
          newHits += r.newHits + r.suppressed;
        }
        return { sightings, newHits };
      }),
    );
    const hits = await a!.hits.listHits();
    const keys = hits.map((h) => `${h.serial}|${h.brand ?? h.watch}`);
    expect(new Set(keys).size).toBe(keys.length);
    const counts = await a!.hits.counts();
    expect(counts.hits).toBe(hits.length);
    // Every record of every instance is a new hit or a sighting, each counted once.
    const created = totals.reduce((s, t) => s + t.newHits, 0);
    const sighted = totals.reduce((s, t) => s + t.sightings, 0);
    expect(created).toBe(hits.length);
    expect(counts.sightings).toBe(created + sighted);
    expect(hits.reduce((s, h) => s + h.timesSeen, 0)).toBe(counts.sightings);
    // One delivery per notifier per hit, whoever created it.
    const deliveries = (await a!.outbox.list({ limit: 100_000 })).filter((x) => x.kind === 'hit');
    expect(deliveries).toHaveLength(hits.length * 2);
    expect(new Set(deliveries.map((x) => `${x.hitId}|${x.notifierId}`)).size).toBe(deliveries.length);
  });

  it('renewals of one name recorded at the same moment by two instances: one alert (the realert window holds across instances)', async () => {
    const clock = { t: T0 };
    const [a, b] = await instances(2, clock);
    for (let i = 0; i < 25; i++) {
      const name = `paypal-renew${i}.com`;
      await Promise.all([
        a!.hits.recordBatch([record(`ra${i}`, [brandMatch(name)], { seenAt: T0 + i })], routeAll),
        b!.hits.recordBatch([record(`rb${i}`, [brandMatch(name)], { seenAt: T0 + i })], routeAll),
      ]);
    }
    const hits = await a!.hits.listHits();
    expect(hits).toHaveLength(25);
    for (const h of hits) expect(h.timesSeen).toBe(2);
    expect((await a!.outbox.list({ limit: 1000 })).filter((x) => x.kind === 'hit')).toHaveLength(50);
  });

  it('two instances draining one outbox concurrently claim each delivery once', async () => {
    const clock = { t: T0 };
    const [a, b] = await instances(2, clock);
    const recs = Array.from({ length: 150 }, (_, i) => record(`o${i}`, [brandMatch(`paypal-o${i}.com`)]));
    await a!.hits.recordBatch(recs, () => ['hook']);
    await a!.outbox.enqueue('health', ['hook', 'hook'], { event: 'x' });
    const drain = async (inst: PgStoreBackend) => {
      const got: number[] = [];
      for (;;) {
        const claimed = await inst.outbox.claimDue('hook', clock.t, 7, 60_000);
        if (!claimed.length) return got;
        got.push(...claimed.map((x) => x.id));
        expect(await inst.outbox.markDelivered(claimed.map((x) => x.id), clock.t)).toBe(claimed.length);
      }
    };
    const [ga, gb] = await Promise.all([drain(a!), drain(b!)]);
    const all = [...ga, ...gb];
    expect(all).toHaveLength(152);
    expect(new Set(all).size).toBe(152);
    expect(ga.length).toBeGreaterThan(0);
    expect(gb.length).toBeGreaterThan(0);
    expect(await a!.outbox.countByStatus()).toEqual({ pending: 0, delivered: 152, dead: 0 });
  });

  it("a dead instance's in-flight deliveries are taken over when their lease expires; its late outcome is ignored", async () => {
    const clock = { t: T0 };
    const [a, b] = await instances(2, clock);
    await a!.hits.recordBatch([record('x1', [brandMatch('paypal-x1.com')]), record('x2', [brandMatch('paypal-x2.com')])], () => ['hook']);
    const inFlight = await a!.outbox.claimDue('hook', clock.t, 10, 30_000);
    expect(inFlight).toHaveLength(2);
    // a "dies" here. Before the lease runs out nobody else sends them.
    clock.t += 29_999;
    expect(await b!.outbox.claimDue('hook', clock.t, 10, 30_000)).toEqual([]);
    clock.t += 1;
    const taken = await b!.outbox.claimDue('hook', clock.t, 10, 30_000);
    expect(taken.map((x) => x.id)).toEqual(inFlight.map((x) => x.id));
    // a wakes up: its outcome no longer applies; b's does.
    expect(await a!.outbox.markRetry(inFlight.map((x) => x.id), clock.t + 1000, 'late')).toBe(0);
    expect(await a!.outbox.releaseLeases()).toBe(0);
    expect(await b!.outbox.markDelivered(taken.map((x) => x.id), clock.t)).toBe(2);
    expect((await a!.outbox.list()).filter((x) => x.kind === 'hit').map((x) => [x.status, x.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
    ]);
  });

  it('CT-log leases: each log held by exactly one instance, spread evenly, taken over after expiry, a late batch refused', async () => {
    const clock = { t: T0 };
    const TTL = 15_000;
    const logs = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'].map(ctlogLease);
    const [a, b, c] = await instances(3, clock);
    const holders = async () => {
      const out = new Map<string, string>();
      for (const l of logs) {
        const h = await a!.leases.holder(l);
        if (h) out.set(l, h.owner);
      }
      return out;
    };
    // a starts alone and takes every log.
    expect(await a!.leases.balance(logs, TTL), 'a alone').toEqual(logs);
    // b and c join; a few heartbeat rounds (concurrently) settle on an even spread.
    let held: string[][] = [];
    for (let round = 0; round < 3; round++) {
      clock.t += 5_000;
      held = await Promise.all([a!, b!, c!].map((x) => x.leases.balance(logs, TTL)));
      const owners = await holders();
      // Never one log held twice: a lease row has one owner; the balances agree with it.
      for (const [i, inst] of [a!, b!, c!].entries()) for (const l of held[i]!) expect(owners.get(l)).toBe(inst.instanceId);
    }
    expect(held.flat().sort(), `after joining: ${JSON.stringify(held)}`).toEqual(logs);
    expect(held.map((h) => h.length).sort()).toEqual([2, 2, 3]);
    // c dies (no more heartbeats). Before expiry its logs stay its own.
    const cLogs = held[2]!;
    clock.t += 5_000;
    await Promise.all([a!, b!].map((x) => x.leases.balance(logs, TTL)));
    for (const l of cLogs) expect((await a!.leases.holder(l))!.owner).toBe('inst-2');
    // a and b go on heartbeating every 5 s; once c's leases expire they take them over
    // between them (shares 4 and 3) within a few heartbeats.
    for (let step = 0; step < 4; step++) {
      clock.t += 5_000;
      held = await Promise.all([a!, b!].map((x) => x.leases.balance(logs, TTL)));
    }
    expect(held.flat().sort(), `after takeover: ${JSON.stringify(held)}`).toEqual(logs);
    expect(held.map((h) => h.length).sort()).toEqual([3, 4]);
    // c's batch for a log it lost is refused, and the position stays where the new holder put it.
    const lost = cLogs[0]!;
    const logKey = lost.slice('ctlog:'.length);
    const newHolder = held[0]!.includes(lost) ? a! : b!;
    await newHolder.hits.recordBatch([], routeAll, { position: { logKey, position: { next: 100 } }, fence: lost });
    await expect(c!.hits.recordBatch([record('late', [brandMatch('paypal-late.com')])], routeAll, { position: { logKey, position: { next: 50 } }, fence: lost })).rejects.toMatchObject({
      code: 'LEASE_LOST',
    });
    expect(await a!.positions.load(logKey)).toEqual({ next: 100 });
    expect((await a!.hits.counts()).hits).toBe(0);
    // An orderly stop hands the logs over at once.
    await b!.close();
    open.splice(open.indexOf(b!), 1);
    clock.t += 1_000;
    expect(await a!.leases.balance(logs, TTL), 'after orderly stop').toEqual(logs);
  });

  it('leader lease: one instance runs the jobs; another takes over after expiry', async () => {
    const clock = { t: T0 };
    const [a, b] = await instances(2, clock);
    const both = async () => [await a!.leases.acquire(LEADER_LEASE, 20_000), await b!.leases.acquire(LEADER_LEASE, 20_000)];
    expect(await both()).toEqual([true, false]);
    clock.t += 10_000;
    expect(await both()).toEqual([true, false]);
    clock.t += 30_000; // a renewed at +10 s, so it held until +30 s; now +40 s: expired
    expect(await b!.leases.acquire(LEADER_LEASE, 20_000)).toBe(true);
    expect(await a!.leases.acquire(LEADER_LEASE, 20_000)).toBe(false);
    expect(await a!.leases.holder(LEADER_LEASE)).toEqual({ owner: 'inst-1', expiresAt: clock.t + 20_000 });
  });

  it('CT-log tables written by three instances at once: the evidence cap holds, a log remembered by all keeps one entry', async () => {
    const clock = { t: T0 };
    const inst = await instances(3, clock);
    const near = MAX_EVIDENCE_PER_KIND - 3;
    for (let n = 0; n < near; n++) await inst[0]!.ctlog.recordEvidence('https://log/', 'shrinking-tree', 'before', { n });
    // 24 calls at once (each instance's pool has 4 connections) for the last 3 places.
    const results = await Promise.all(inst.flatMap((b, i) => Array.from({ length: 8 }, (_, n) => b.ctlog.recordEvidence('https://log/', 'shrinking-tree', `from ${i}`, { i, n }))));
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(await inst[0]!.ctlog.listEvidence('https://log/', 1000)).toHaveLength(MAX_EVIDENCE_PER_KIND);
    await Promise.all(inst.map((b, i) => b.ctlog.rememberLogs([{ url: 'https://new/', entry: { from: i } }, { url: `https://only-${i}/`, entry: i }])));
    const known = await inst[1]!.ctlog.knownLogs();
    expect([...known.keys()]).toEqual(['https://new/', 'https://only-0/', 'https://only-1/', 'https://only-2/']);
    expect(known.get('https://new/')).toMatchObject({ from: expect.any(Number) });
  });

  it('triage on one instance is seen by the others at once', async () => {
    const clock = { t: T0 };
    const [a, b] = await instances(2, clock);
    await a!.hits.recordBatch([record('t1', [brandMatch('paypal.evil-example.com', { registrable: 'evil-example.com' })])], routeAll);
    const [hit] = await b!.hits.listHits();
    await b!.hits.setStatus(hit!.id, 'false_positive');
    await b!.hits.addAllow('good.example');
    expect(await a!.hits.listAllow()).toEqual(['good.example']);
    const r = await a!.hits.recordBatch([record('t2', [brandMatch('www.paypal.evil-example.com', { registrable: 'evil-example.com' }), watchMatch('w.example.com')])], routeAll);
    expect(r).toMatchObject({ suppressed: 1, newHits: 1 });
    // Both instances mark the same domain at once: one active suppression.
    const hits = await a!.hits.listHits({ brand: 'PayPal' });
    await Promise.all([a!.hits.setStatus(hits[0]!.id, 'false_positive'), b!.hits.setStatus(hits[1]!.id, 'false_positive')]);
    const c = await import('pg');
    const client = new c.default.Client({ connectionString: url!, options: `-c search_path=${[...schemas].at(-1)}` });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM suppressions WHERE active = 1')).rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });
});

d('PostgreSQL specifics', () => {
  it('alertDelayMs: new hits\' deliveries are due that much later (enrichment adds to them first)', async () => {
    const clock = { t: T0 };
    const s = freshSchema();
    schemas.add(s);
    const b = await openPgBackend({ url: url!, schema: s, realertAfterMs: DAY, now: () => clock.t, alertDelayMs: 30_000 });
    try {
      await b.hits.recordBatch([record('ad', [brandMatch('paypal-ad.com')])], () => ['hook']);
      const [row] = await b.outbox.list();
      expect(row).toMatchObject({ createdAt: T0, nextAttemptAt: T0 + 30_000 });
      expect(await b.outbox.countDue(T0 + 29_999)).toBe(0);
    } finally {
      await b.close();
    }
  });

  it('openBackend: store.url selects PostgreSQL, over store.path', async () => {
    const s = freshSchema();
    schemas.add(s);
    const b = await openBackend({ url: url!, schema: s, path: '/nonexistent/x.db', realertAfterMs: DAY, instanceId: 'ob' });
    try {
      expect(b.kind).toBe('postgres');
      expect(b.instanceId).toBe('ob');
      expect(await b.ping()).toBe(true);
    } finally {
      await b.close();
    }
  });

  it('a certificate field with U+0000 (PostgreSQL text cannot hold it) is stored as U+FFFD, not a failed batch', async () => {
    const clock = { t: T0 };
    const b = await openIn(freshSchema(), clock);
    try {
      const r = record('nul', [brandMatch('paypal-nul.com')], { issuer: 'Evil\u0000CA' });
      r.issuance.subject = 'CN=paypal.com\u0000.evil.example';
      expect((await b.hits.recordBatch([r], routeAll)).newHits).toBe(1);
      const [hit] = await b.hits.listHits();
      expect(hit).toMatchObject({ issuer: 'Evil\uFFFDCA', subject: 'CN=paypal.com\uFFFD.evil.example' });
      // Keys with it still find what is stored: the same issuance and name again is a sighting.
      const odd = () => record('nul\u0000key', [brandMatch('paypal\u0000odd.com', { registrable: 'x\u0000.com' })]);
      expect((await b.hits.recordBatch([odd()], routeAll)).newHits).toBe(1);
      expect(await b.hits.recordBatch([odd()], routeAll)).toMatchObject({ newHits: 0, sightings: 1 });
      expect((await b.hits.listHits())[0]).toMatchObject({ name: 'paypal\uFFFDodd.com', timesSeen: 2 });
    } finally {
      await b.close();
    }
  });
});
