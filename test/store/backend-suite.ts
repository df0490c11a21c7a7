/**
 * The store suite both backends must pass (issue 16): the same cases, run by
 * backend-sqlite.test.ts and backend-pg.test.ts. Records are built directly (no matcher), so
 * each case says exactly what goes in; the workload case compares the backend, batch by batch,
 * with the synchronous HitStore fed record by record (the reference semantics).
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreBackend } from '../../src/store/backend.js';
import { ctlogLease, LEADER_LEASE } from '../../src/store/backend.js';
import { openStore } from '../../src/store/index.js';
import { MAX_EVIDENCE_PER_KIND } from '../../src/store/ctlog-evidence.js';
import type { CandidateMatch, CandidateRecord, HitRow, RouteFn } from '../../src/store/types.js';
import type { Severity } from '../../src/match/types.js';
import { tmpDir } from '../helpers/fixtures.js';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);

export interface Clock {
  t: number;
}

/** Opens a fresh, empty backend on `clock`. The suite closes it. */
export type OpenBackend = (clock: Clock, realertAfterMs: number) => Promise<StoreBackend>;

// ---- record builders -----------------------------------------------------------------------

export function brandMatch(name: string, o: { brand?: string; registrable?: string; technique?: string; score?: number; severity?: Severity } = {}): CandidateMatch {
  const technique = o.technique ?? 'keyword';
  return {
    name,
    brand: o.brand ?? 'PayPal',
    watch: null,
    technique,
    techniques: [technique],
    severity: o.severity ?? 'high',
    score: o.score ?? 70,
    reason: `contains "${(o.brand ?? 'PayPal').toLowerCase()}"`,
    registrable: o.registrable ?? name.split('.').slice(-2).join('.'),
  };
}

export function watchMatch(name: string, o: { watch?: string; issuerExpected?: boolean } = {}): CandidateMatch {
  return {
    name,
    brand: null,
    watch: o.watch ?? '.example.com',
    technique: 'own-domain',
    techniques: ['own-domain'],
    severity: 'low',
    score: 20,
    reason: 'name under a watched domain',
    registrable: 'example.com',
    ...(o.issuerExpected !== undefined ? { issuerExpected: o.issuerExpected } : {}),
  };
}

export function record(
  key: string,
  matches: CandidateMatch[],
  o: { seenAt?: number; precert?: boolean; sha?: string | null; issuer?: string; log?: string; index?: number; source?: string } = {},
): CandidateRecord {
  return {
    issuance: {
      issuanceKey: key,
      sha256: o.sha === undefined ? `sha-${key}-${o.precert ? 'pre' : 'final'}` : o.sha,
      serial: `serial-${key}`,
      issuer: o.issuer ?? "Let's Encrypt",
      subject: `CN=${matches[0]?.name ?? key}`,
      notBefore: T0,
      notAfter: T0 + 90 * DAY,
      precert: o.precert ?? false,
      names: [...new Set(matches.map((m) => m.name))],
      logUrl: o.log ?? 'https://log.example/',
      logIndex: o.index ?? 0,
      source: o.source ?? 'test',
      seenAt: o.seenAt ?? T0,
    },
    matches,
  };
}

/** Every hit to both notifiers. */
export const routeAll: RouteFn = () => ['hook', 'mail'];
const hitDeliveries = async (b: StoreBackend) => (await b.outbox.list()).filter((d) => d.kind === 'hit');

/** A hit without its ids, for comparing stores. */
function comparable(h: HitRow) {
  const { id: _id, ...rest } = h;
  return rest;
}

// ---- the suite -----------------------------------------------------------------------------

export function defineBackendSuite(name: string, open: OpenBackend | null, skipWhy = ''): void {
  const d = open ? describe : describe.skip;
  d(`store backend suite: ${name}${open ? '' : ` (skipped: ${skipWhy})`}`, () => {
    const opened: StoreBackend[] = [];
    const fresh = async (clock: Clock, realertDays = 30) => {
      const b = await open!(clock, realertDays * DAY);
      opened.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of opened.splice(0)) await b.close();
    });

    it.each([
      ['one batch', 1],
      ['one record per batch', 8],
    ])('precert and final from two logs (%s): one hit per (issuance, rule), the rest sightings', async (_label, batches) => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const recs: CandidateRecord[] = [];
      let index = 0;
      for (const log of ['https://a/', 'https://b/']) {
        for (const precert of [true, false]) {
          recs.push(record('iss-1', [brandMatch('paypal-login.com'), watchMatch('login.example.com')], { log, index: index++, precert }));
        }
      }
      recs.push(record('iss-2', [brandMatch('paypa1.com', { technique: 'typosquat' }), brandMatch('www.paypa1.com', { technique: 'typosquat', score: 90 })]));
      recs.push(record('iss-2', [brandMatch('paypa1.com', { technique: 'typosquat' })], { index: 99 }));
      const per = Math.ceil(recs.length / batches);
      let newHits = 0;
      let sightings = 0;
      for (let i = 0; i < recs.length; i += per) {
        const r = await b.hits.recordBatch(recs.slice(i, i + per), routeAll);
        newHits += r.newHits;
        sightings += r.sightings;
      }
      const hits = await b.hits.listHits();
      expect(hits.map((h) => `${h.brand ?? h.watch}|${h.serial}`).sort()).toEqual(['.example.com|serial-iss-1', 'PayPal|serial-iss-1', 'PayPal|serial-iss-2']);
      expect(newHits).toBe(3);
      expect(sightings).toBe(6 + 1);
      const iss1 = hits.filter((h) => h.serial === 'serial-iss-1');
      for (const h of iss1) {
        expect(h.timesSeen).toBe(4);
        expect(h.precert).toBe(false);
        expect(h.sha256).toBe('sha-iss-1-final');
      }
      // The strongest name of the rule won.
      expect(hits.find((h) => h.serial === 'serial-iss-2')!.name).toBe('www.paypa1.com');
      expect(await b.hits.counts()).toEqual({ hits: 3, issuances: 2, sightings: 10 });
      expect(await hitDeliveries(b)).toHaveLength(6);
      const first = hits.find((h) => h.brand === 'PayPal' && h.serial === 'serial-iss-1')!;
      expect((await b.hits.sightings(first.id)).map((s) => `${s.logUrl}#${s.logIndex}`)).toEqual(['https://a/#0', 'https://a/#1', 'https://b/#2', 'https://b/#3']);
    });

    it('a renewal within realert_after is a sighting; after the window a new alert', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock, 30);
      await b.hits.recordBatch([record('r1', [brandMatch('paypal-verify.com')], { seenAt: T0 })], routeAll);
      await b.hits.recordBatch([record('r2', [brandMatch('paypal-verify.com')], { seenAt: T0 + 20 * DAY })], routeAll);
      let hits = await b.hits.listHits();
      expect(hits).toHaveLength(1);
      expect(hits[0]!.timesSeen).toBe(2);
      expect(hits[0]!.lastSeen).toBe(T0 + 20 * DAY);
      const r = await b.hits.recordBatch([record('r3', [brandMatch('paypal-verify.com')], { seenAt: T0 + 60 * DAY })], routeAll);
      expect(r.newHits).toBe(1);
      hits = await b.hits.listHits();
      expect(hits).toHaveLength(2);
      expect(r.hitIds).toEqual([hits[0]!.id]);
      expect(await hitDeliveries(b)).toHaveLength(4);
    });

    it('false positive suppresses the registrable domain for the brand; reopening lifts it', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const m = (n: string) => brandMatch(n, { registrable: 'shop-example.com' });
      await b.hits.recordBatch([record('a', [m('paypal.shop-example.com')])], routeAll);
      const [hit] = await b.hits.listHits();
      expect(await b.hits.setStatus(hit!.id, 'false_positive')).toBe(true);
      expect(await b.hits.setStatus(hit!.id, 'false_positive')).toBe(true); // idempotent
      expect(await b.hits.setStatus(999_999, 'acknowledged')).toBe(false);
      const r = await b.hits.recordBatch([record('b', [m('www.paypal.shop-example.com')])], routeAll);
      expect(r).toMatchObject({ newHits: 0, suppressed: 1, deliveries: 0 });
      const sup = (await b.hits.listHits()).find((h) => h.name === 'www.paypal.shop-example.com')!;
      expect(sup).toMatchObject({ suppressed: true, status: 'false_positive' });
      // Another brand on the same domain is not suppressed.
      expect((await b.hits.recordBatch([record('c', [brandMatch('ebay.shop-example.com', { brand: 'eBay', registrable: 'shop-example.com' })])], routeAll)).newHits).toBe(1);
      await b.hits.setStatus(hit!.id, 'new');
      expect((await b.hits.recordBatch([record('d', [m('login.paypal.shop-example.com')])], routeAll)).newHits).toBe(1);
      expect((await b.hits.getHit(hit!.id))!.status).toBe('new');
      expect(await hitDeliveries(b)).toHaveLength(6);
    });

    it('own-domain inventory: new names, unexpected issuers, certificate counts', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      await b.hits.recordBatch([record('o1', [watchMatch('api.example.com')], { seenAt: T0 })], routeAll);
      await b.hits.recordBatch(
        [
          record('o2', [watchMatch('api.example.com')], { seenAt: T0 + 40 * DAY }),
          record('o3', [watchMatch('api.example.com', { issuerExpected: false })], { seenAt: T0 + 40 * DAY, issuer: 'Other CA' }),
          record('o3', [watchMatch('api.example.com', { issuerExpected: false })], { seenAt: T0 + 41 * DAY, issuer: 'Other CA', index: 7 }),
        ],
        routeAll,
      );
      const techniques = (await b.hits.listHits()).map((h) => `${h.technique}/${h.severity}/${h.score}`).sort();
      expect(techniques).toEqual(['own-domain/low/20', 'own-domain:new-name/medium/50', 'own-domain:unexpected-issuer/high/80']);
      const inv = await b.hits.listInventory({ watch: '.example.com' });
      expect(inv).toEqual([{ watch: '.example.com', name: 'api.example.com', firstSeen: T0, lastSeen: T0 + 40 * DAY, issuers: ["Let's Encrypt", 'Other CA'], certCount: 3 }]);
      expect(await b.hits.listInventory({ watch: '.other.com' })).toEqual([]);
    });

    it('listHits filters: since, brand (any case), minimum severity, status, limit; newest first', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const sev: Severity[] = ['low', 'medium', 'high', 'critical'];
      await b.hits.recordBatch(
        sev.map((s, i) => record(`f${i}`, [brandMatch(`paypal-${s}.com`, { severity: s, brand: i % 2 ? 'PayPal' : 'Acme' })], { seenAt: T0 + i * DAY })),
        routeAll,
      );
      const names = (hs: HitRow[]) => hs.map((h) => h.name);
      expect(names(await b.hits.listHits())).toEqual(['paypal-critical.com', 'paypal-high.com', 'paypal-medium.com', 'paypal-low.com']);
      expect(names(await b.hits.listHits({ since: T0 + 2 * DAY }))).toEqual(['paypal-critical.com', 'paypal-high.com']);
      expect(names(await b.hits.listHits({ brand: 'paypal' }))).toEqual(['paypal-critical.com', 'paypal-medium.com']);
      expect(names(await b.hits.listHits({ minSeverity: 'high' }))).toEqual(['paypal-critical.com', 'paypal-high.com']);
      expect(names(await b.hits.listHits({ limit: 1 }))).toEqual(['paypal-critical.com']);
      const [top] = await b.hits.listHits();
      await b.hits.setStatus(top!.id, 'acknowledged');
      expect(names(await b.hits.listHits({ status: 'acknowledged' }))).toEqual(['paypal-critical.com']);
      expect(await b.hits.getHit(top!.id)).toMatchObject({ status: 'acknowledged', severity: 'critical' });
      expect(await b.hits.getHit(424242)).toBeNull();
      // NOCASE folds ASCII letters only.
      await b.hits.recordBatch([record('f-u', [brandMatch('ubank.com', { brand: 'ÜBank' })], { seenAt: T0 - DAY })], routeAll);
      expect(names(await b.hits.listHits({ brand: 'ÜBANK' }))).toEqual(['ubank.com']);
      expect(names(await b.hits.listHits({ brand: 'übank' }))).toEqual([]);
    });

    it('allow list: idempotent, sorted', async () => {
      const b = await fresh({ t: T0 });
      for (const d of ['b.example', 'a.example', 'b.example']) await b.hits.addAllow(d);
      expect(await b.hits.listAllow()).toEqual(['a.example', 'b.example']);
    });

    it('a CT-log position commits with its batch; a fenced batch without its lease writes nothing', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const lease = ctlogLease('https://log-a/');
      expect(await b.positions.load('https://log-a/')).toBeNull();
      // Not holding the lease: rejected, nothing written.
      await expect(
        b.hits.recordBatch([record('p1', [brandMatch('paypal-p1.com')])], routeAll, { position: { logKey: 'https://log-a/', position: { next: 10 } }, fence: lease }),
      ).rejects.toMatchObject({ code: 'LEASE_LOST' });
      expect(await b.hits.counts()).toEqual({ hits: 0, issuances: 0, sightings: 0 });
      expect(await b.positions.load('https://log-a/')).toBeNull();
      // Holding it: hits and position together.
      expect(await b.leases.acquire(lease, 15_000)).toBe(true);
      await b.hits.recordBatch([record('p1', [brandMatch('paypal-p1.com')])], routeAll, { position: { logKey: 'https://log-a/', position: { next: 10 } }, fence: lease });
      expect(await b.positions.load('https://log-a/')).toEqual({ next: 10 });
      expect((await b.hits.counts()).hits).toBe(1);
      // An empty batch still moves the position (entries without candidates).
      await b.hits.recordBatch([], routeAll, { position: { logKey: 'https://log-a/', position: { next: 20 } }, fence: lease });
      expect(await b.positions.load('https://log-a/')).toEqual({ next: 20 });
      // The lease ran out: refused again.
      clock.t += 16_000;
      await expect(b.hits.recordBatch([], routeAll, { position: { logKey: 'https://log-a/', position: { next: 30 } }, fence: lease })).rejects.toMatchObject({ code: 'LEASE_LOST' });
      expect(await b.positions.load('https://log-a/')).toEqual({ next: 20 });
      await b.positions.save('https://log-b/', { next: 5 });
      expect(await b.positions.load('https://log-b/')).toEqual({ next: 5 });
    });

    it('outbox: claim with a lease, deliver, retry, defer, dead, retry dead, kill, counts', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      await b.hits.recordBatch([record('h1', [brandMatch('paypal-h1.com')]), record('h2', [brandMatch('acme-h2.com', { brand: 'Acme' })])], () => ['hook']);
      const [healthId] = await b.outbox.enqueue('health', ['hook'], { event: 'test.health' }, T0);
      expect(healthId).toBeTypeOf('number');
      expect(await b.outbox.countDue(T0)).toBe(3);
      const claimed = await b.outbox.claimDue('hook', T0, 10, 60_000);
      expect(claimed.map((c) => c.kind)).toEqual(['hit', 'hit', 'health']);
      expect(claimed[0]!.hit).toMatchObject({ name: 'paypal-h1.com', brand: 'PayPal' });
      expect(claimed[2]!.hit).toBeNull();
      expect(claimed[2]!.payload).toEqual({ event: 'test.health' });
      // Leased: not claimed again until the lease runs out.
      expect(await b.outbox.claimDue('hook', T0 + 1, 10, 60_000)).toEqual([]);
      expect(await b.outbox.claimDue('mail', T0, 10, 60_000)).toEqual([]);
      const [h1, h2, health] = claimed.map((c) => c.id) as [number, number, number];
      expect(await b.outbox.markDelivered([h1], T0 + 5)).toBe(1);
      expect(await b.outbox.markRetry([h2], T0 + 30_000, 'HTTP 503')).toBe(1);
      expect(await b.outbox.defer([health], T0 + 10_000)).toBe(1);
      expect(await b.outbox.countDue(T0 + 1)).toBe(0);
      expect(await b.outbox.countDue(T0 + 30_000)).toBe(2);
      const again = await b.outbox.claimDue('hook', T0 + 30_000, 10, 60_000);
      expect(again.map((c) => c.id)).toEqual([health, h2]);
      expect(again.find((c) => c.id === h2)).toMatchObject({ attempts: 1, lastError: 'HTTP 503' });
      expect(await b.outbox.markDead([h2, health], 'HTTP 400')).toBe(2);
      expect(await b.outbox.countByStatus()).toEqual({ pending: 0, delivered: 1, dead: 2 });
      expect((await b.outbox.list({ status: 'delivered' })).map((r) => [r.id, r.deliveredAt])).toEqual([[h1, T0 + 5]]);
      expect(await b.outbox.retryDead(h2, T0 + 40_000)).toBe(1);
      expect(await b.outbox.retryDead(null, T0 + 40_000)).toBe(1);
      expect(await b.outbox.countByStatus()).toEqual({ pending: 2, delivered: 1, dead: 0 });
      // Claimed, then the process restarts: releaseLeases makes them claimable at once.
      expect(await b.outbox.claimDue('hook', T0 + 40_000, 10, 60_000)).toHaveLength(2);
      expect(await b.outbox.releaseLeases()).toBe(2);
      expect(await b.outbox.claimDue('hook', T0 + 40_001, 1, 60_000)).toHaveLength(1);
      expect(await b.outbox.killPending('hook', 'HTTP 410')).toBe(2);
      expect(await b.outbox.countByStatus()).toEqual({ pending: 0, delivered: 1, dead: 2 });
      expect(await b.outbox.enqueue('test', [], {})).toEqual([]);
    });

    it('leases: acquire, renew, expiry, release; balance on one instance holds every log', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      expect(await b.leases.holder(LEADER_LEASE)).toBeNull();
      expect(await b.leases.acquire(LEADER_LEASE, 10_000)).toBe(true);
      expect(await b.leases.holder(LEADER_LEASE)).toEqual({ owner: b.instanceId, expiresAt: T0 + 10_000 });
      clock.t += 5_000;
      expect(await b.leases.acquire(LEADER_LEASE, 10_000)).toBe(true);
      expect((await b.leases.holder(LEADER_LEASE))!.expiresAt).toBe(T0 + 15_000);
      expect(await b.leases.heartbeat(10_000)).toBe(1);
      expect((await b.leases.holder(LEADER_LEASE))!.expiresAt).toBe(T0 + 15_000);
      clock.t += 20_000;
      expect(await b.leases.holder(LEADER_LEASE)).toBeNull();
      expect(await b.leases.release(LEADER_LEASE)).toBe(true);
      expect(await b.leases.release(LEADER_LEASE)).toBe(false);
      const logs = ['https://c/', 'https://a/', 'https://b/'].map(ctlogLease);
      expect(await b.leases.balance(logs, 15_000)).toEqual([...logs].sort());
    });

    it('prune: old sightings, inventory and hits go; a hit with a pending delivery stays', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      await b.hits.recordBatch([record('old', [brandMatch('paypal-old.com')], { seenAt: T0 }), record('kept', [brandMatch('acme-kept.com', { brand: 'Acme' })], { seenAt: T0 })], (h) =>
        h.brand === 'Acme' ? ['hook'] : [],
      );
      await b.hits.recordBatch([record('inv', [watchMatch('x.example.com')], { seenAt: T0 })], () => []);
      await b.hits.recordBatch([record('new', [brandMatch('paypal-new.com')], { seenAt: T0 + 100 * DAY })], () => []);
      const r = await b.prune({ sightingsMs: 30 * DAY, inventoryMs: 30 * DAY, hitsMs: 60 * DAY }, T0 + 100 * DAY);
      expect(r).toEqual({ sightings: 3, inventory: 1, hits: 2, deliveries: 0, issuances: 2 });
      expect((await b.hits.listHits()).map((h) => h.name).sort()).toEqual(['acme-kept.com', 'paypal-new.com']);
      expect(await b.hits.listInventory()).toEqual([]);
      expect(await b.prune({ sightingsMs: 30 * DAY, inventoryMs: 30 * DAY, hitsMs: 60 * DAY }, T0 + 100 * DAY)).toEqual({
        sightings: 0,
        inventory: 0,
        hits: 0,
        deliveries: 0,
        issuances: 0,
      });
    });

    it('a generated workload gives the same hits, sightings, inventory and deliveries as the reference HitStore', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock, 30);
      const ref = openStore(path.join(tmpDir(), 'ref.sqlite'), { realertAfterMs: 30 * DAY, now: () => clock.t });
      try {
        const recs = workload(400);
        const route: RouteFn = (h) => (h.severity === 'low' ? ['mail'] : ['hook', 'mail']);
        // Batches of varied sizes on the backend, one record at a time on the reference.
        const sizes = [1, 7, 50, 3, 120];
        let i = 0;
        for (let k = 0; i < recs.length; k++) {
          const batch = recs.slice(i, i + sizes[k % sizes.length]!);
          i += batch.length;
          // Triage between batches, on both.
          if (k === 6) {
            const victim = (await b.hits.listHits({ brand: 'Acme' })).at(-1)!;
            const refVictim = ref.hits.listHits({ brand: 'Acme' }).at(-1)!;
            expect(comparable(victim)).toEqual(comparable(refVictim));
            await b.hits.setStatus(victim.id, 'false_positive');
            ref.hits.setStatus(refVictim.id, 'false_positive');
          }
          const got = await b.hits.recordBatch(batch, route);
          const want = { newHits: 0, sightings: 0, suppressed: 0, deliveries: 0 };
          for (const r of batch) {
            const one = ref.hits.recordBatch([r], route);
            for (const key of Object.keys(want) as (keyof typeof want)[]) want[key] += one[key];
          }
          expect({ newHits: got.newHits, sightings: got.sightings, suppressed: got.suppressed, deliveries: got.deliveries }).toEqual(want);
        }
        const hits = await b.hits.listHits();
        const refHits = ref.hits.listHits();
        expect(hits.map(comparable)).toEqual(refHits.map(comparable));
        expect(hits.length).toBeGreaterThan(50);
        for (let j = 0; j < hits.length; j += 7) {
          expect(await b.hits.sightings(hits[j]!.id)).toEqual(ref.hits.sightings(refHits[j]!.id));
        }
        expect(await b.hits.listInventory()).toEqual(ref.hits.listInventory());
        expect(await b.hits.counts()).toEqual(ref.hits.counts());
        const summary = (ds: { notifierId: string; kind: string; groupKey: string | null; status: string }[]) =>
          ds.map((x) => `${x.kind}|${x.notifierId}|${x.groupKey}|${x.status}`).sort();
        expect(summary(await b.outbox.list({ limit: 100_000 }))).toEqual(summary(ref.outbox.list({ limit: 100_000 })));
      } finally {
        ref.close();
      }
    });

    it('CT-log evidence: newest first, of one log or all, at most MAX_EVIDENCE_PER_KIND per (log, kind), time from the clock', async () => {
      const clock = { t: T0 + 7 };
      const b = await fresh(clock);
      for (let i = 0; i < MAX_EVIDENCE_PER_KIND; i++) expect(await b.ctlog.recordEvidence('https://a/', 'stale-sth', `stale ${i}`, { i }, T0 + i)).toBe(true);
      expect(await b.ctlog.recordEvidence('https://a/', 'stale-sth', 'one too many', { i: -1 })).toBe(false);
      expect(await b.ctlog.recordEvidence('https://a/', 'split-view', 'two roots', { roots: ['x', 'y'] })).toBe(true);
      expect(await b.ctlog.recordEvidence('https://b/', 'stale-sth', 'another log', { n: null, deep: { a: [1, 'ü'] } })).toBe(true);
      const all = await b.ctlog.listEvidence();
      expect(all).toHaveLength(MAX_EVIDENCE_PER_KIND + 2);
      expect(all.slice(0, 3).map((e) => [e.logUrl, e.kind, e.summary, e.at, e.evidence])).toEqual([
        ['https://b/', 'stale-sth', 'another log', T0 + 7, { n: null, deep: { a: [1, 'ü'] } }],
        ['https://a/', 'split-view', 'two roots', T0 + 7, { roots: ['x', 'y'] }],
        ['https://a/', 'stale-sth', `stale ${MAX_EVIDENCE_PER_KIND - 1}`, T0 + MAX_EVIDENCE_PER_KIND - 1, { i: MAX_EVIDENCE_PER_KIND - 1 }],
      ]);
      expect(all.map((e) => e.id)).toEqual(all.map((e) => e.id).sort((x, y) => y - x));
      expect(all.some((e) => e.summary === 'one too many')).toBe(false);
      expect((await b.ctlog.listEvidence('https://a/', 2)).map((e) => e.summary)).toEqual(['two roots', `stale ${MAX_EVIDENCE_PER_KIND - 1}`]);
      expect(await b.ctlog.listEvidence('https://none/')).toEqual([]);
    });

    it('known CT logs: a URL keeps the entry first seen for it (also twice in one call); URL order; idempotent', async () => {
      const b = await fresh({ t: T0 });
      expect(await b.ctlog.knownLogs()).toEqual(new Map());
      await b.ctlog.rememberLogs([
        { url: 'https://b/', entry: { key: 'k1' } },
        { url: 'https://a/', entry: { key: 'a1' } },
        { url: 'https://b/', entry: { key: 'k2' } },
      ]);
      await b.ctlog.rememberLogs([
        { url: 'https://b/', entry: { key: 'k3' } },
        { url: 'https://C/', entry: { key: 'c1', extra: [1, null] } },
      ]);
      await b.ctlog.rememberLogs([]);
      const want = [
        ['https://C/', { key: 'c1', extra: [1, null] }],
        ['https://a/', { key: 'a1' }],
        ['https://b/', { key: 'k1' }],
      ];
      expect([...(await b.ctlog.knownLogs())]).toEqual(want);
      await b.ctlog.rememberLogs([{ url: 'https://a/', entry: { key: 'a2' } }]);
      expect([...(await b.ctlog.knownLogs())]).toEqual(want);
    });

    it('ping answers until closed; close is idempotent', async () => {
      const b = await open!({ t: T0 }, DAY);
      expect(await b.ping()).toBe(true);
      await b.close();
      await b.close();
      expect(await b.ping()).toBe(false);
    });
  });
}

/**
 * A deterministic mix: repeated issuances (precert, final, several logs), renewals inside and
 * outside the realert window, several brands and watch items, several matches per record, own
 * names with expected and unexpected issuers, out-of-order times.
 */
export function workload(n: number, seed = 7): CandidateRecord[] {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const brands = ['PayPal', 'Acme', 'Globex'];
  const out: CandidateRecord[] = [];
  for (let i = 0; i < n; i++) {
    const key = `w${Math.floor(rnd() * n * 0.6)}`; // ~40 % repeats
    const seenAt = T0 + Math.floor(rnd() * 120) * DAY + Math.floor(rnd() * 1000);
    const label = `n${Math.floor(rnd() * 25)}`;
    const matches: CandidateMatch[] = [];
    if (rnd() < 0.75) {
      const brand = pick(brands);
      const name = `${brand.toLowerCase()}-${label}.com`;
      matches.push(brandMatch(name, { brand, technique: pick(['keyword', 'typosquat', 'combosquat']), score: 40 + Math.floor(rnd() * 60), severity: pick(['medium', 'high', 'critical']) }));
      if (rnd() < 0.3) matches.push(brandMatch(`www.${name}`, { brand, score: 50 }));
    }
    if (rnd() < 0.4 || matches.length === 0) {
      matches.push(watchMatch(`${label}.example.com`, { watch: pick(['.example.com', '.example.org']), ...(rnd() < 0.2 ? { issuerExpected: false } : {}) }));
    }
    out.push(record(key, matches, { seenAt, precert: rnd() < 0.5, issuer: pick(["Let's Encrypt", 'Other CA']), log: pick(['https://a/', 'https://b/']), index: i, sha: rnd() < 0.1 ? null : undefined }));
  }
  return out;
}
