/**
 * The EnrichmentStore suite both backends must pass (issue 16): the same cases, run by
 * enrichment-sqlite.test.ts and enrichment-pg.test.ts, on a StoreBackend (its hits and outbox set
 * up each case, its `enrichment` is under test). Every expected value is written out by hand:
 * the SQLite store is the reference semantics, and both runs must produce them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreBackend } from '../../src/store/backend.js';
import type { Enrichment } from '../../src/enrich/types.js';
import type { CandidateRecord } from '../../src/store/types.js';
import { brandMatch, DAY, record, T0, type Clock } from './backend-suite.js';

/** Opens a fresh, empty backend on `clock` whose new alerts are held `alertDelayMs`. The suite closes it. */
export type OpenEnrichmentBackend = (clock: Clock, alertDelayMs: number) => Promise<StoreBackend>;

const HOUR = 3_600_000;
const HOLD = 10_000;
const LEASE = 600_000;

/** An enrichment of `round` checked at `at` (fields beyond those are irrelevant to the store). */
export function enrichment(round: number, at: number, title: string | null = null): Enrichment {
  return {
    checked_at: new Date(at).toISOString(),
    round,
    registrable: 'x.com',
    registration: null,
    dns: null,
    web: title === null ? null : [{ url: 'https://x.com/', status: 'ok', http_status: 200, final_url: null, title, server: null, address: null, redirects: 0, cert_sha256: null, cert_matches_hit: null, error: null, favicon_url: null, favicon_sha256: null }],
    severity: 'medium',
    base_severity: 'medium',
    reasons: [],
  };
}

const rec = (key: string, opts: { seenAt?: number; registrable?: string } = {}): CandidateRecord =>
  record(key, [brandMatch(`paypal-${key}.com`, opts.registrable ? { registrable: opts.registrable } : {})], { seenAt: opts.seenAt ?? T0 });

export function defineEnrichmentSuite(name: string, open: OpenEnrichmentBackend | null, skipWhy = ''): void {
  const d = open ? describe : describe.skip;
  d(`enrichment store suite: ${name}${open ? '' : ` (skipped: ${skipWhy})`}`, () => {
    const opened: StoreBackend[] = [];
    const fresh = async (clock: Clock, hold = HOLD) => {
      const b = await open!(clock, hold);
      opened.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of opened.splice(0)) await b.close();
    });
    /** Records one hit (at the clock), routed to `notifiers`; returns its id. */
    const hitTo = async (b: StoreBackend, key: string, notifiers: readonly string[], opts: { registrable?: string } = {}) => {
      const r = await b.hits.recordBatch([rec(key, opts)], () => notifiers);
      return r.hitIds[0]!;
    };

    it('holds new alerts, releases them once, keeps history and the schedule', async () => {
      const clock = { t: 1_000_000 };
      const b = await fresh(clock, 8_000);
      const s = b.enrichment;
      const r = await b.hits.recordBatch([rec('a', { seenAt: clock.t }), rec('b', { seenAt: clock.t })], () => ['chat', 'siem']);
      const [a, hb] = r.hitIds as [number, number];
      expect(await b.outbox.countDue(clock.t)).toBe(0); // held
      expect(await s.releaseAlerts(a, clock.t)).toBe(2);
      expect(await s.releaseAlerts(a, clock.t)).toBe(0); // idempotent
      expect(await b.outbox.countDue(clock.t)).toBe(2);
      expect(await b.outbox.countDue(clock.t + 8_000)).toBe(4); // b's hold runs out by itself

      expect(await s.save(a, enrichment(0, clock.t), { round: 1, dueAt: clock.t + HOUR })).toBeNull();
      expect(await s.save(hb, enrichment(0, clock.t), { round: 1, dueAt: clock.t + HOUR })).toBeNull();
      expect(await s.claimDue(clock.t + HOUR - 1, 10, LEASE)).toEqual([]);
      // A false positive is no longer watched: its schedule row goes.
      await b.hits.setStatus(hb, 'false_positive');
      clock.t += HOUR;
      expect(await s.claimDue(clock.t, 10, LEASE)).toEqual([{ hitId: a, round: 1 }]);
      expect(await s.claimDue(clock.t, 10, LEASE)).toEqual([]); // leased
      expect(await s.claimDue(clock.t + LEASE - 1, 10, LEASE)).toEqual([]);
      expect(await s.claimDue(clock.t + LEASE, 10, LEASE)).toEqual([{ hitId: a, round: 1 }]); // the lease ran out (a crash mid-job)
      expect((await s.save(a, enrichment(1, clock.t), null))!.round).toBe(0);
      expect((await s.history(a)).map((e) => e.round)).toEqual([1, 0]);
      expect((await s.enrichmentFor(a))!.round).toBe(1);
      expect(await s.claimDue(clock.t + 30 * DAY, 10, 1)).toEqual([]); // null ended the schedule
      // hb's row went when claimDue saw it closed: reopened, it is not re-checked.
      await b.hits.setStatus(hb, 'new');
      expect(await s.claimDue(clock.t + 30 * DAY, 10, 1)).toEqual([]);
    });

    it('hit, enrichmentFor, history: the hit row, the latest, newest first up to a limit; null/empty when none', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const s = b.enrichment;
      const h = await hitTo(b, 'h', ['n']);
      expect(await s.hit(h)).toEqual(await b.hits.getHit(h));
      expect(await s.hit(h + 1000)).toBeNull();
      expect(await s.enrichmentFor(h)).toBeNull();
      expect(await s.history(h)).toEqual([]);
      for (let round = 0; round < 4; round++) await s.save(h, enrichment(round, T0 + round * HOUR), null);
      expect((await s.enrichmentFor(h))!.round).toBe(3);
      expect((await s.history(h)).map((e) => e.round)).toEqual([3, 2, 1, 0]);
      expect((await s.history(h, 2)).map((e) => e.round)).toEqual([3, 2]);
      expect(await s.enrichmentFor(h + 1000)).toBeNull();
    });

    it('save: returns the enrichment before it, sets or ends the schedule; for a hit that does not exist rejects NO_SUCH_HIT and saves nothing', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const s = b.enrichment;
      const h = await hitTo(b, 's', ['n']);
      expect(await s.save(h, enrichment(0, T0), { round: 1, dueAt: T0 + HOUR })).toBeNull();
      // A later save moves the schedule (upsert), round and time.
      expect(await s.save(h, enrichment(1, T0 + HOUR), { round: 2, dueAt: T0 + DAY })).toEqual(enrichment(0, T0));
      expect(await s.claimDue(T0 + DAY - 1, 10, LEASE)).toEqual([]);
      expect(await s.claimDue(T0 + DAY, 10, LEASE)).toEqual([{ hitId: h, round: 2 }]);
      expect((await s.save(h, enrichment(2, T0 + DAY), null))!.round).toBe(1);
      expect(await s.claimDue(T0 + 100 * DAY, 10, LEASE)).toEqual([]);
      await expect(s.save(h + 1000, enrichment(0, T0), { round: 1, dueAt: T0 })).rejects.toMatchObject({ code: 'NO_SUCH_HIT' });
      expect(await s.history(h + 1000)).toEqual([]);
      expect(await s.claimDue(T0 + 100 * DAY, 10, LEASE)).toEqual([]);
    });

    it('save: two at once for one hit each return the other or null (serialised), both kept', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const h = await hitTo(b, 'c', ['n']);
      const [x, y] = await Promise.all([b.enrichment.save(h, enrichment(0, T0, 'one'), null), b.enrichment.save(h, enrichment(0, T0, 'two'), null)]);
      // Whichever went first returned null; the other returned the first one's.
      const before = [x, y].map((e) => e?.web?.[0]?.title ?? null);
      expect(before).toEqual(x === null ? [null, 'one'] : ['two', null]);
      const history = (await b.enrichment.history(h)).map((e) => e.web![0]!.title);
      expect(history.sort()).toEqual(['one', 'two']);
    });

    it('attacker-controlled text in a result (NUL, a lone surrogate, bidi and escape codes) round-trips unchanged', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const h = await hitTo(b, 'x', ['n']);
      const title = "Pay\u0000Pal \uD800 \u202Elog in\u001b[2J' OR 1=1; --";
      await b.enrichment.save(h, enrichment(0, T0, title), null);
      expect((await b.enrichment.enrichmentFor(h))!.web![0]!.title).toBe(title);
      await b.enrichment.queueUpdates(h, new Map([['n', { changes: [{ code: 'brand_title', text: title }] }]]), T0);
      const [update] = (await b.outbox.list()).filter((x) => x.kind === 'update');
      expect(update!.payload).toEqual({ changes: [{ code: 'brand_title', text: title }] });
    });

    it('claimDue: oldest first (ties by hit id) up to the limit, open hits only, closed ones removed (counted in the limit), each claimed once', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const s = b.enrichment;
      const fp = await hitTo(b, 'fp', ['n'], { registrable: 'evil-a.com' });
      const [h1, h2, h3, ack] = [await hitTo(b, 'h1', ['n']), await hitTo(b, 'h2', ['n']), await hitTo(b, 'h3', ['n']), await hitTo(b, 'ack', ['n'])];
      await b.hits.setStatus(fp, 'false_positive');
      await b.hits.setStatus(ack, 'acknowledged');
      // Suppressed (its registrable domain was marked false positive), then reopened: status new, still suppressed.
      const sup = await hitTo(b, 'sup', ['n'], { registrable: 'evil-a.com' });
      expect((await b.hits.getHit(sup))!.suppressed).toBe(true);
      await b.hits.setStatus(sup, 'new');
      const due: [number, number, number][] = [
        [h3, 2, T0 + 100],
        [fp, 1, T0 + 100],
        [h1, 1, T0 + 200],
        [sup, 1, T0 + 50],
        [ack, 3, T0 + 300],
        [h2, 1, T0 + 100],
      ];
      for (const [id, round, at] of due) await s.save(id, enrichment(round - 1, T0), { round, dueAt: at });
      // Due by T0 + 100, by due time then hit id: sup (50, suppressed: removed), fp (100, closed:
      // removed), h2 (100), h3 (100). The limit (3) counts the removed ones: h3 waits.
      expect(await s.claimDue(T0 + 100, 3, LEASE)).toEqual([{ hitId: h2, round: 1 }]);
      expect(await s.claimDue(T0 + 100, 10, LEASE)).toEqual([{ hitId: h3, round: 2 }]);
      // Claimed ones are pushed by the lease, removed ones are gone; the acknowledged hit is open.
      expect(await s.claimDue(T0 + 300, 10, LEASE)).toEqual([
        { hitId: h1, round: 1 },
        { hitId: ack, round: 3 },
      ]);
      expect(await s.claimDue(T0 + 100 + LEASE, 10, LEASE)).toEqual([
        { hitId: h2, round: 1 },
        { hitId: h3, round: 2 },
      ]);
      expect(await s.claimDue(T0 + 100 * DAY, 10, LEASE)).toEqual([
        { hitId: h1, round: 1 }, // due T0 + 200 + LEASE
        { hitId: ack, round: 3 }, // T0 + 300 + LEASE
        { hitId: h2, round: 1 }, // T0 + 100 + 2 LEASE
        { hitId: h3, round: 2 },
      ]);
      expect(await s.claimDue(T0 + 100 * DAY, 10, LEASE)).toEqual([]);
    });

    it('claimDue: two claimers at once (two instances on PostgreSQL) never get the same re-check', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) ids.push(await hitTo(b, `cc${i}`, ['n']));
      for (const id of ids) await b.enrichment.save(id, enrichment(0, T0), { round: 1, dueAt: T0 + (id % 7) });
      const batches = await Promise.all([0, 1, 2, 3].map(() => b.enrichment.claimDue(T0 + 10, 15, LEASE)));
      const claimed = batches.flat().map((x) => x.hitId);
      expect(claimed.length).toBe(40);
      expect(new Set(claimed).size).toBe(40);
      expect(await b.enrichment.claimDue(T0 + 10, 100, LEASE)).toEqual([]);
    });

    it('releaseAlerts: only the hit\'s alerts that are pending and never attempted, not due yet', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const s = b.enrichment;
      // One hit per state, each to a notifier of its own, so each can be claimed alone.
      const states = ['retrying', 'delivered', 'dead', 'deferred', 'claimed', 'due'] as const;
      const hit = new Map<string, number>();
      for (const st of states) hit.set(st, await hitTo(b, st, [st]));
      clock.t = T0 + HOLD;
      for (const st of states) {
        if (st === 'due') continue;
        const ids = (await b.outbox.claimDue(st, clock.t, 10, LEASE)).map((x) => x.id);
        expect(ids).toHaveLength(1);
        if (st === 'retrying') await b.outbox.markRetry(ids, T0 + 100_000, 'HTTP 503');
        if (st === 'delivered') await b.outbox.markDelivered(ids, clock.t);
        if (st === 'dead') await b.outbox.markDead(ids, 'HTTP 400');
        if (st === 'deferred') await b.outbox.defer(ids, T0 + 100_000); // a grouping window: no attempt counted
      }
      clock.t = T0 + 15_000;
      const held = await hitTo(b, 'held', ['held-1', 'held-2']); // held until T0 + 25 s
      await s.queueUpdates(held, new Map([['held-1', { round: 1 }]]), T0 + 50_000); // an update: never released
      const at = T0 + 20_000;
      const released: Record<string, number> = {};
      for (const [st, id] of [...hit, ['held', held] as const]) released[st] = await s.releaseAlerts(id, at);
      expect(released).toEqual({ retrying: 0, delivered: 0, dead: 0, deferred: 1, claimed: 0, due: 0, held: 2 });
      const rows = await b.outbox.list();
      expect(rows.filter((x) => x.hitId === held).map((x) => [x.kind, x.nextAttemptAt]).sort()).toEqual([
        ['hit', at],
        ['hit', at],
        ['update', T0 + 50_000],
      ]);
      expect(await s.releaseAlerts(held + 1000, at)).toBe(0);
    });

    it('alertsOut: the notifiers the alert was delivered to or is claimed by right now, sorted, once each', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const notifiers = ['n-retry', 'n-delivered', 'n-held', 'n-dead', 'n-claimed', 'n-deferred'];
      const h = await hitTo(b, 'out', notifiers);
      expect(await b.enrichment.alertsOut(h)).toEqual([]); // all held
      clock.t = T0 + HOLD;
      for (const n of notifiers) {
        if (n === 'n-held') continue;
        const ids = (await b.outbox.claimDue(n, clock.t, 10, LEASE)).map((x) => x.id);
        if (n === 'n-retry') await b.outbox.markRetry(ids, clock.t + 60_000, 'timeout');
        if (n === 'n-delivered') await b.outbox.markDelivered(ids, clock.t);
        if (n === 'n-dead') await b.outbox.markDead(ids, 'HTTP 400');
        if (n === 'n-deferred') await b.outbox.defer(ids, clock.t + 60_000);
      }
      // An update to a notifier is not the hit's alert.
      await b.enrichment.queueUpdates(h, new Map([['n-held', { round: 1 }]]), clock.t);
      expect(await b.enrichment.alertsOut(h)).toEqual(['n-claimed', 'n-delivered']);
      // Leases released (a restart): claimed is claimed no more.
      await b.outbox.releaseLeases();
      expect(await b.enrichment.alertsOut(h)).toEqual(['n-delivered']);
      expect(await b.enrichment.alertsOut(h + 1000)).toEqual([]);
    });

    it('sentAlerts: where the alert went, one entry per delivery row, and which message carried it (for threading)', async () => {
      const clock = { t: 5_000_000 };
      const b = await fresh(clock, 0);
      const s = b.enrichment;
      const r = await b.hits.recordBatch([rec('c'), rec('d'), rec('e')], () => ['chat']);
      const rows = await b.outbox.claimDue('chat', clock.t, 10, 60_000);
      // c and d went out together in one message, e alone later.
      await b.outbox.markDelivered([rows[0]!.id, rows[1]!.id], clock.t + 10);
      await b.outbox.markDelivered([rows[2]!.id], clock.t + 20);
      const [c, dd, e] = r.hitIds as [number, number, number];
      expect(await s.sentAlerts(c)).toEqual([{ notifierId: 'chat', deliveryId: rows[0]!.id, message: { firstDeliveryId: rows[0]!.id, count: 2 } }]);
      expect(await s.sentAlerts(dd)).toEqual([{ notifierId: 'chat', deliveryId: rows[1]!.id, message: { firstDeliveryId: rows[0]!.id, count: 2 } }]);
      expect(await s.sentAlerts(e)).toEqual([{ notifierId: 'chat', deliveryId: rows[2]!.id, message: { firstDeliveryId: rows[2]!.id, count: 1 } }]);
      expect(await s.queueUpdates(e, new Map([['chat', { round: 1 }]]), clock.t)).toHaveLength(1);
      expect((await b.outbox.list({ status: 'pending' })).map((x) => x.kind)).toEqual(['update']);
      expect(await s.sentAlerts(e + 1000)).toEqual([]);
    });

    it('sentAlerts: a message\'s first row is the first claimed (due first), not the lowest id; undelivered rows have no message', async () => {
      const clock = { t: T0 + 5 };
      const b = await fresh(clock, 0);
      const late = await hitTo(b, 'late', ['chat', 'siem']); // lower id, due at T0 + 5
      clock.t = T0;
      const early = await hitTo(b, 'early', ['chat', 'siem']); // higher id, due at T0
      const rows = await b.outbox.claimDue('chat', T0 + 10, 10, 60_000);
      expect(rows.map((x) => x.hitId)).toEqual([early, late]);
      await b.outbox.markDelivered(rows.map((x) => x.id), T0 + 10);
      const lateRows = (await b.outbox.list()).filter((x) => x.hitId === late).sort((x, y) => x.id - y.id);
      expect(await b.enrichment.sentAlerts(late)).toEqual([
        { notifierId: 'chat', deliveryId: lateRows.find((x) => x.notifierId === 'chat')!.id, message: { firstDeliveryId: rows[0]!.id, count: 2 } },
        { notifierId: 'siem', deliveryId: lateRows.find((x) => x.notifierId === 'siem')!.id, message: null },
      ]);
    });

    it('queueUpdates: one update row per notifier, due at once, ids in the map\'s order; none for an empty map', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const h = await hitTo(b, 'u', ['chat', 'siem']);
      const ids = await b.enrichment.queueUpdates(
        h,
        new Map<string, unknown>([
          ['siem', { round: 1, reply_to: null }],
          ['chat', { round: 1, reply_to: 'ctw-hit-1-chat' }],
        ]),
        T0 + HOUR,
      );
      expect(ids).toHaveLength(2);
      expect(ids[0]!).toBeLessThan(ids[1]!);
      const updates = (await b.outbox.list()).filter((x) => x.kind === 'update').sort((x, y) => x.id - y.id);
      expect(updates.map((x) => ({ id: x.id, hitId: x.hitId, notifierId: x.notifierId, payload: x.payload, status: x.status, attempts: x.attempts, createdAt: x.createdAt, nextAttemptAt: x.nextAttemptAt }))).toEqual([
        { id: ids[0], hitId: h, notifierId: 'siem', payload: { round: 1, reply_to: null }, status: 'pending', attempts: 0, createdAt: T0 + HOUR, nextAttemptAt: T0 + HOUR },
        { id: ids[1], hitId: h, notifierId: 'chat', payload: { round: 1, reply_to: 'ctw-hit-1-chat' }, status: 'pending', attempts: 0, createdAt: T0 + HOUR, nextAttemptAt: T0 + HOUR },
      ]);
      expect(await b.enrichment.queueUpdates(h, new Map(), T0)).toEqual([]);
      expect(await b.outbox.countDue(T0 + HOUR - 1)).toBe(2); // the hit's own two alerts
      expect(await b.outbox.countDue(T0 + HOUR)).toBe(4);
    });

    it('unenriched: open hits since a time with neither an enrichment nor a schedule, by id, up to a limit', async () => {
      const clock = { t: T0 };
      const b = await fresh(clock);
      const s = b.enrichment;
      const at = async (t: number, key: string, registrable?: string) => {
        const r = await b.hits.recordBatch([rec(key, { seenAt: t, ...(registrable ? { registrable } : {}) })], () => ['n']);
        return r.hitIds[0]!;
      };
      const old = await at(T0 - 1, 'old');
      const plain = await at(T0, 'plain');
      const enriched = await at(T0, 'enriched');
      const scheduled = await at(T0 + 1, 'scheduled');
      const acked = await at(T0 + 2, 'acked');
      const fp = await at(T0 + 3, 'fp', 'evil-b.com');
      const sameDomain = await at(T0 + 4, 'same', 'evil-b.com'); // recorded before fp is marked: not suppressed
      const last = await at(T0 + 5, 'last');
      await b.enrichment.save(enriched, enrichment(0, T0), null);
      // A schedule without an enrichment (only reachable by a crash between writes elsewhere): still not lost work.
      await b.enrichment.save(scheduled, enrichment(0, T0), { round: 1, dueAt: T0 + HOUR });
      await b.hits.setStatus(acked, 'acknowledged');
      await b.hits.setStatus(fp, 'false_positive');
      expect((await b.hits.getHit(sameDomain))!.suppressed).toBe(false);
      const sup2 = await at(T0 + 6, 'sup2', 'evil-b.com');
      expect((await b.hits.getHit(sup2))!.suppressed).toBe(true);
      await b.hits.setStatus(sup2, 'new'); // reopened, still suppressed
      expect(await s.unenriched(T0, 100)).toEqual([plain, acked, sameDomain, last]);
      expect(await s.unenriched(T0, 2)).toEqual([plain, acked]);
      expect(await s.unenriched(T0 - 1, 1)).toEqual([old]);
      expect(await s.unenriched(T0 + 7, 100)).toEqual([]);
    });
  });
}
