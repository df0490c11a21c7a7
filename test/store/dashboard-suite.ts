/**
 * The dashboard's queries (DashboardQueries), the suite both backends must pass: run by
 * dashboard-sqlite.test.ts and dashboard-pg.test.ts on real databases, seeded through
 * `backend.hits.recordBatch`, read through `backend.dashboard`. Expected answers come from a
 * plain filter-and-sort over every hit (the reference semantics) or are spelled out.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreBackend } from '../../src/store/backend.js';
import { asciiLower, type DashboardHit, type HitCursor, type HitFilter, type HitSort, type SearchTuning, type SortOrder } from '../../src/store/dashboard.js';
import type { CandidateRecord } from '../../src/store/types.js';
import { SEVERITIES } from '../../src/match/types.js';
import { prng } from '../../bench/lib/prng.js';
import { candidate, type SeedHit } from '../api/seed.js';
import { brandMatch, DAY, record, T0, watchMatch, type Clock } from './backend-suite.js';

/** A fresh, empty store: a backend on it, and more backends on the same data (other search thresholds). */
export interface DashboardStore {
  backend: StoreBackend;
  again(tuning: SearchTuning): Promise<StoreBackend>;
}
export type OpenDashboardStore = (clock: Clock) => Promise<DashboardStore>;

const SEVS = SEVERITIES;

// ---- the reference ---------------------------------------------------------------------------

const sortKey = (h: DashboardHit, s: HitSort) => (s === 'first_seen' ? h.firstSeen : s === 'score' ? h.score : SEVS.indexOf(h.severity));

/** HitFilter's meaning, spelled out: brand ASCII case-insensitive, q an ASCII case-insensitive substring of any name. */
function keeps(h: DashboardHit, f: HitFilter): boolean {
  if (f.brand !== undefined && (h.brand === null || asciiLower(h.brand) !== asciiLower(f.brand))) return false;
  if (f.watch !== undefined && h.watch !== f.watch) return false;
  if (f.status !== undefined && h.status !== f.status) return false;
  if (f.technique !== undefined && h.technique !== f.technique) return false;
  if (f.minSeverity !== undefined && SEVS.indexOf(h.severity) < SEVS.indexOf(f.minSeverity)) return false;
  if (f.since !== undefined && h.firstSeen < f.since) return false;
  if (f.until !== undefined && h.firstSeen >= f.until) return false;
  if (f.q && ![h.name, ...h.names].some((n) => asciiLower(n).includes(asciiLower(f.q!)))) return false;
  return true;
}

export function expectedIds(all: readonly DashboardHit[], f: HitFilter, sort: HitSort, order: SortOrder): number[] {
  const dir = order === 'asc' ? 1 : -1;
  return all
    .filter((h) => keeps(h, f))
    .sort((a, b) => dir * (sortKey(a, sort) - sortKey(b, sort) || a.id - b.id))
    .map((h) => h.id);
}

/** Every page, following the cursors; each page checked to hold at most `limit`. */
export async function allPages(b: StoreBackend, f: HitFilter, sort: HitSort, order: SortOrder, limit: number): Promise<{ ids: number[]; pages: number[][] }> {
  const ids: number[] = [];
  const pages: number[][] = [];
  let after: HitCursor | null = null;
  do {
    const p = await b.dashboard.listHits(f, { limit, sort, order, after });
    expect(p.hits.length).toBeLessThanOrEqual(limit);
    pages.push(p.hits.map((h) => h.id));
    ids.push(...p.hits.map((h) => h.id));
    after = p.next;
  } while (after && pages.length < 1000);
  return { ids, pages };
}

const recordAll = async (b: StoreBackend, recs: readonly CandidateRecord[], route: () => readonly string[] = () => []) => (await b.hits.recordBatch(recs, route)).hitIds;

/** 400 hits: "rare" on 6 names, "common" on about half, "old" only on the oldest 50, "WIDE-" upper-case names; ties on first_seen. */
export function searchSeed(): SeedHit[] {
  const rnd = prng(7);
  const rows: SeedHit[] = [];
  const start = Date.UTC(2026, 10, 1);
  for (let i = 0; i < 400; i++) {
    const brand = ['PayPal', 'Chase', 'Apple'][Math.floor(rnd() * 3)]!;
    const word = i % 67 === 5 ? 'rare' : rnd() < 0.5 ? 'common' : i < 50 ? 'old' : 'plain';
    const name = `${brand.toLowerCase()}-${word}-${i}.example`;
    rows.push({ name, brand, severity: SEVS[Math.floor(rnd() * 4)], score: Math.floor(rnd() * 100), seenAt: start + Math.floor(i / 3) * 60_000, names: [name, i % 10 === 0 ? `WIDE-${i}.example` : `www.${name}`] });
  }
  return rows;
}

/** A small, varied store for the filters: brands (one non-ASCII), watch items, techniques, severities, statuses, ties. */
export function filterSeed(): CandidateRecord[] {
  const rnd = prng(11);
  const recs: CandidateRecord[] = [];
  const brands = ['PayPal', 'Acme', 'ÜBank'];
  const techniques = ['keyword', 'typosquat', 'combosquat'];
  for (let i = 0; i < 60; i++) {
    const seenAt = T0 + Math.floor(i / 4) * DAY + (i % 2) * 1000; // pairs share first_seen
    if (i % 5 === 4) {
      recs.push(record(`fw${i}`, [watchMatch(`n${i}.example.com`, { watch: i % 2 ? '.example.com' : '.example.org' })], { seenAt }));
      continue;
    }
    const brand = brands[i % 3]!;
    recs.push(
      record(`fb${i}`, [brandMatch(`${asciiLower(brand)}-${i}.com`, { brand, technique: techniques[Math.floor(rnd() * 3)]!, score: 10 * Math.floor(rnd() * 5), severity: SEVS[Math.floor(rnd() * 4)] })], {
        seenAt,
      }),
    );
  }
  return recs;
}

// ---- the suite -------------------------------------------------------------------------------

export function defineDashboardSuite(name: string, open: OpenDashboardStore | null, skipWhy = ''): void {
  const d = open ? describe : describe.skip;

  d(`dashboard queries: ${name}${open ? '' : ` (skipped: ${skipWhy})`}`, () => {
    const opened: StoreBackend[] = [];
    const fresh = async (clock: Clock = { t: T0 }) => {
      const s = await open!(clock);
      opened.push(s.backend);
      return s;
    };
    afterEach(async () => {
      for (const b of opened.splice(0)) await b.close();
    });

    describe('search: both paths agree with a plain filter, page after page', () => {
      let base: DashboardStore;
      const tuned = new Map<string, StoreBackend>();
      let all: DashboardHit[];
      const tunings = [
        ['defaults (index path)', {}],
        ['tiny probe and window (scan, short pages that resume)', { probe: 3, window: 25 }],
        ['tiny probe, large window (scan only)', { probe: 3, window: 10_000 }],
      ] as const;
      beforeAll(async () => {
        base = await open!({ t: T0 });
        const ids = await recordAll(base.backend, searchSeed().map(candidate));
        expect(await base.backend.dashboard.triage([ids[2]!, ids[3]!, ids[4]!, ids[59]!, ids[60]!], { action: 'ack' })).toHaveLength(5);
        all = await base.backend.dashboard.getHits(ids);
        for (const [label, t] of tunings) tuned.set(label, await base.again(t));
      });
      afterAll(async () => {
        for (const b of tuned.values()) await b.close();
        await base?.backend.close();
      });

      it('a common term that is rare among the newest rows: short pages that resume, never a wrong one', async () => {
        const b = tuned.get(tunings[1][0])!;
        const first = await b.dashboard.listHits({ q: 'old' }, { limit: 9, sort: 'first_seen', order: 'desc', after: null });
        expect(first.hits).toEqual([]);
        expect(first.next).not.toBeNull();
        const { ids, pages } = await allPages(b, { q: 'old' }, 'first_seen', 'desc', 9);
        expect(ids).toEqual(expectedIds(all, { q: 'old' }, 'first_seen', 'desc'));
        expect(pages.filter((p) => p.length === 0).length).toBeGreaterThan(5);
      });

      const filters: [string, HitFilter][] = [
        ['rare', { q: 'rare' }],
        ['common', { q: 'common' }],
        ['common + brand', { q: 'common', brand: 'Chase' }],
        ['old (common overall is not needed: only in the oldest rows)', { q: 'old' }],
        ['upper-case query and name', { q: 'wide' }],
        ['status + q', { q: 'COMMON', status: 'acknowledged' }],
        ['no match', { q: 'nothing-like-this' }],
      ];
      describe.each(tunings)('%s', (label) => {
        it.each(filters)('%s', async (_what, f) => {
          const b = tuned.get(label)!;
          for (const [sort, order] of [['first_seen', 'desc'], ['score', 'asc'], ['severity', 'desc']] as const) {
            expect((await allPages(b, f, sort, order, 9)).ids, `${sort} ${order}`).toEqual(expectedIds(all, f, sort, order));
          }
        });
      });
    });

    it.each([
      ['LIKE wildcards are literal: _', 'a_b', ['x-a_b.example']],
      ['LIKE wildcards are literal: %', '50%off', ['50%off-paypal.example']],
      ['the escape character is literal', 'back\\sl', ['back\\slash-paypal.example']],
      ['GLOB metacharacters are literal', '*[?]', ['st*[?]r-paypal.example']],
      ['ASCII case folds', 'PAYPAL-LOGIN', ['PayPal-Login.example']],
      ['other letters keep their case (as SQLite lower())', 'cafÉ-', ['CAFÉ-paypal.example']],
      ['... so the other case is no match', 'café-', []],
      ["any name of the certificate, and the hit's own name", 'only-in-san', ['main-paypal.example']],
      ["the hit's own name, not among the certificate's", 'hit-own-name', ['hit-own-name-paypal.example']],
    ])('search: %s (%s)', async (_label, q, want) => {
      const { backend: b } = await fresh();
      const hit = (name: string, names?: string[]): SeedHit => ({ name, seenAt: T0, ...(names ? { names } : {}) });
      await recordAll(b, [
        hit('x-a_b.example'),
        hit('x-aXb.example'),
        hit('50%off-paypal.example'),
        hit('50xoff-paypal.example'),
        hit('back\\slash-paypal.example'),
        hit('st*[?]r-paypal.example'),
        hit('stXYZr-paypal.example'),
        hit('PayPal-Login.example'),
        hit('CAFÉ-paypal.example'),
        hit('main-paypal.example', ['main-paypal.example', 'www.only-in-san.example']),
        hit('hit-own-name-paypal.example', ['cert-name.example']),
      ].map(candidate));
      const page = await b.dashboard.listHits({ q }, { limit: 50, sort: 'first_seen', order: 'desc', after: null });
      expect(page.hits.map((h) => h.name).sort()).toEqual([...want].sort());
      expect(page.next).toBeNull();
    });

    describe('filters, sorts and keyset pages', () => {
      const filters: [string, HitFilter][] = [
        ['none', {}],
        ['brand, any ASCII case', { brand: 'paypal' }],
        ['brand: other letters are not folded (as SQLite NOCASE)', { brand: 'übank' }],
        ['brand: ASCII folded beside them', { brand: 'ÜBANK' }],
        ['watch', { watch: '.example.org' }],
        ['status', { status: 'acknowledged' }],
        ['technique', { technique: 'typosquat' }],
        ['minimum severity', { minSeverity: 'high' }],
        ['since and until', { since: T0 + 3 * DAY, until: T0 + 9 * DAY }],
        ['everything at once', { brand: 'ACME', minSeverity: 'medium', since: T0 + DAY, technique: 'keyword' }],
      ];
      it.each(filters)('%s', async (_label, f) => {
        const { backend: b } = await fresh();
        const ids = await recordAll(b, filterSeed());
        await b.dashboard.triage(ids.filter((_, i) => i % 3 === 1), { action: 'ack' });
        const all = await b.dashboard.getHits(ids);
        for (const sort of ['first_seen', 'score', 'severity'] as const) {
          for (const order of ['desc', 'asc'] as const) {
            const want = expectedIds(all, f, sort, order);
            // Page size 1 (every row its own page) in one order only: it costs a query per hit.
            for (const limit of order === 'desc' ? [1, 7, 100] : [7, 100]) {
              const got = await allPages(b, f, sort, order, limit);
              expect(got.ids, `${sort} ${order} by ${limit}`).toEqual(want);
              // Full pages until the last; the last one says so (next null).
              expect(got.pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
            }
          }
        }
        if (f.brand === 'übank') expect(expectedIds(all, f, 'score', 'asc')).toEqual([]);
        if (f.brand === 'ÜBANK') expect(expectedIds(all, f, 'score', 'asc').length).toBeGreaterThan(0);
      });

      it('a cursor from the middle goes on from there', async () => {
        const { backend: b } = await fresh();
        await recordAll(b, filterSeed());
        const page = { limit: 5, sort: 'score' as const, order: 'desc' as const };
        const first = await b.dashboard.listHits({}, { ...page, after: null });
        const second = await b.dashboard.listHits({}, { ...page, after: first.next });
        const both = await b.dashboard.listHits({}, { ...page, limit: 10, after: null });
        expect([...first.hits, ...second.hits].map((h) => h.id)).toEqual(both.hits.map((h) => h.id));
        expect(first.next).toEqual({ key: first.hits[4]!.score, id: first.hits[4]!.id });
        // A key beyond any score (cursors are opaque, but a forged one must not fail).
        expect((await b.dashboard.listHits({}, { ...page, after: { key: 2 ** 40, id: 1 } })).hits.map((h) => h.id)).toEqual(first.hits.map((h) => h.id));
      });
    });

    it('getHits: in the order given, unknown ids left out, repeats repeated', async () => {
      const { backend: b } = await fresh();
      const [a, c] = await recordAll(b, [candidate({ name: 'paypal-a.example', seenAt: T0 }), candidate({ name: 'paypal-c.example', seenAt: T0 })]);
      const got = await b.dashboard.getHits([c!, 999_999, a!, c!, 1.5]);
      expect(got.map((h) => h.name)).toEqual(['paypal-c.example', 'paypal-a.example', 'paypal-c.example']);
      expect(got[0]).toMatchObject({ takedown: null, status: 'new', names: ['paypal-c.example'], precert: true });
      expect(await b.dashboard.getHits([])).toEqual([]);
    });

    it('getHitDetail: the hit with its takedown, sightings oldest first, triage history in order', async () => {
      const clock = { t: T0 };
      const { backend: b } = await fresh(clock);
      const m = brandMatch('paypal-detail.com');
      const [id] = await recordAll(b, [record('det', [m], { seenAt: T0, log: 'https://a/', index: 1 })]);
      await recordAll(b, [record('det', [m], { seenAt: T0 + 5, log: 'https://b/', index: 2, source: 'certstream' })]);
      clock.t = T0 + 100;
      await b.dashboard.triage([id!], { action: 'ack', note: 'seen it' });
      clock.t = T0 + 200;
      await b.dashboard.triage([id!], { action: 'takedown', takedown: 'reported', note: 'to the registrar', at: T0 + 150 });
      const detail = await b.dashboard.getHitDetail(id!);
      expect(detail!.hit).toMatchObject({ id, status: 'acknowledged', timesSeen: 2, takedown: { status: 'reported', at: T0 + 150, note: 'to the registrar' } });
      expect(detail!.sightings).toEqual([
        { seenAt: T0, logUrl: 'https://a/', logIndex: 1, source: 'test' },
        { seenAt: T0 + 5, logUrl: 'https://b/', logIndex: 2, source: 'certstream' },
      ]);
      expect(detail!.triage).toEqual([
        { action: 'ack', note: 'seen it', takedown: null, at: T0 + 100 },
        { action: 'takedown', note: 'to the registrar', takedown: 'reported', at: T0 + 200 },
      ]);
      expect(await b.dashboard.getHitDetail(id! + 1000)).toBeNull();
    });

    describe('triage', () => {
      const reg = 'evil-example.com';
      const pp = (key: string, name: string, seenAt = T0) => record(key, [brandMatch(name, { registrable: reg })], { seenAt });

      it('ack, fp (suppresses the domain for the brand), reopen (lifts it), each with a history row', async () => {
        const clock = { t: T0 };
        const { backend: b } = await fresh(clock);
        const [h1] = await recordAll(b, [pp('t1', 'paypal.evil-example.com')]);
        expect(await b.dashboard.triage([h1!], { action: 'ack' })).toEqual([h1]);
        expect((await b.dashboard.getHits([h1!]))[0]!.status).toBe('acknowledged');
        expect(await b.dashboard.triage([h1!], { action: 'fp', note: 'our partner' })).toEqual([h1]);
        // Later hits on the domain for the brand: stored suppressed; another brand: not.
        const r = await b.hits.recordBatch([pp('t2', 'login.paypal.evil-example.com', T0 + 1), record('t3', [brandMatch('acme.evil-example.com', { brand: 'Acme', registrable: reg })], { seenAt: T0 + 1 })], () => ['hook']);
        expect(r).toMatchObject({ newHits: 1, suppressed: 1, deliveries: 1 });
        const [sup] = await b.dashboard.getHits([r.hitIds[0]!]);
        expect(sup).toMatchObject({ status: 'false_positive', suppressed: true });
        expect(await b.dashboard.triage([h1!], { action: 'reopen' })).toEqual([h1]);
        expect((await b.hits.recordBatch([pp('t4', 'www.paypal.evil-example.com', T0 + 2)], () => []))).toMatchObject({ newHits: 1, suppressed: 0 });
        expect((await b.dashboard.getHitDetail(h1!))!.triage.map((t) => [t.action, t.note])).toEqual([
          ['ack', null],
          ['fp', 'our partner'],
          ['reopen', null],
        ]);
      });

      it('bulk: the ids that exist, in the order given (repeats too); one suppression per domain, owned by the first hit', async () => {
        const { backend: b } = await fresh();
        const [h1, h2, other] = await recordAll(b, [pp('b1', 'paypal-1.evil-example.com'), pp('b2', 'paypal-2.evil-example.com'), record('b3', [brandMatch('paypal.other-example.com')])]);
        expect(await b.dashboard.triage([h2!, 424_242, h1!, h2!], { action: 'fp' })).toEqual([h2, h1, h2]);
        expect((await b.dashboard.getHitDetail(h2!))!.triage).toHaveLength(2);
        expect((await b.dashboard.getHitDetail(other!))!.triage).toHaveLength(0);
        expect((await b.hits.recordBatch([pp('b4', 'paypal-4.evil-example.com', T0 + 1)], () => [])).suppressed).toBe(1);
        // h2 came first: reopening h1 leaves h2's suppression in force; reopening h2 lifts it.
        await b.dashboard.triage([h1!], { action: 'reopen' });
        expect((await b.hits.recordBatch([pp('b5', 'paypal-5.evil-example.com', T0 + 2)], () => [])).suppressed).toBe(1);
        await b.dashboard.triage([h2!], { action: 'reopen' });
        expect((await b.hits.recordBatch([pp('b6', 'paypal-6.evil-example.com', T0 + 3)], () => [])).suppressed).toBe(0);
        expect(await b.dashboard.triage([424_242], { action: 'ack' })).toEqual([]);
        expect(await b.dashboard.triage([], { action: 'ack' })).toEqual([]);
      });

      it('takedown: status, date (default now) and note; the note is cut at 2,000 characters; status unchanged', async () => {
        const clock = { t: T0 + 42 };
        const { backend: b } = await fresh(clock);
        const [h] = await recordAll(b, [pp('k1', 'paypal-k.evil-example.com')]);
        await b.dashboard.triage([h!], { action: 'takedown', takedown: 'taken_down', note: 'x'.repeat(2_500) });
        const [hit] = await b.dashboard.getHits([h!]);
        expect(hit!.status).toBe('new');
        expect(hit!.takedown).toEqual({ status: 'taken_down', at: T0 + 42, note: 'x'.repeat(2_000) });
        await b.dashboard.triage([h!], { action: 'takedown', takedown: 'none' });
        expect((await b.dashboard.getHits([h!]))[0]!.takedown).toEqual({ status: 'none', at: T0 + 42, note: null });
      });

      it.each([
        ['no takedown status', { action: 'takedown' as const }],
        ['an unknown takedown status', { action: 'takedown' as const, takedown: 'gone' as never }],
      ])('takedown with %s: TRIAGE_INVALID, nothing written', async (_label, input) => {
        const { backend: b } = await fresh();
        const [h] = await recordAll(b, [pp('v1', 'paypal-v.evil-example.com')]);
        await expect(b.dashboard.triage([h!], input)).rejects.toMatchObject({ code: 'TRIAGE_INVALID' });
        expect((await b.dashboard.getHitDetail(h!))!.triage).toEqual([]);
        expect((await b.dashboard.getHits([h!]))[0]!.takedown).toBeNull();
      });
    });

    it('dailyStats: per UTC day and brand (or watch item), per severity and technique, open and triaged, the latest hit', async () => {
      const { backend: b } = await fresh();
      const at = (day: number, ms = 0) => T0 + day * DAY + ms;
      const ids = await recordAll(b, [
        record('s1', [brandMatch('paypal-s1.com', { severity: 'high', technique: 'keyword' })], { seenAt: at(0, 5) }),
        record('s2', [brandMatch('acme-s2.com', { brand: 'Acme', severity: 'low', technique: 'typosquat' })], { seenAt: at(0, DAY - 1) }),
        record('s3', [brandMatch('paypal-s3.com', { severity: 'high', technique: 'keyword' })], { seenAt: at(2) }),
        record('s4', [watchMatch('s4.example.com')], { seenAt: at(2, 10) }),
        record('s5', [brandMatch('paypal-s5.com', { severity: 'critical' })], { seenAt: at(-1) }), // before the window
        record('s6', [brandMatch('paypal-s6.com', { severity: 'medium' })], { seenAt: at(3) }), // after it
      ]);
      await b.dashboard.triage([ids[2]!], { action: 'ack' });
      const s = await b.dashboard.dailyStats(3, at(2, 12 * 3_600_000));
      expect(s).toEqual({
        days: [
          { date: '2026-01-01', byBrand: { Acme: 1, PayPal: 1 }, total: 2 },
          { date: '2026-01-02', byBrand: {}, total: 0 },
          { date: '2026-01-03', byBrand: { '.example.com': 1, PayPal: 1 }, total: 2 },
        ],
        bySeverity: { low: 1, medium: 1, high: 2, critical: 0 },
        byTechnique: { keyword: 2, typosquat: 1, 'own-domain:new-name': 1 },
        open: 3,
        triaged: 1,
        latest: at(3),
      });
      // Keys in one defined order (groups sorted by day, then name in byte order).
      expect(Object.keys(s.days[2]!.byBrand)).toEqual(['.example.com', 'PayPal']);
      expect((await (await fresh()).backend.dashboard.dailyStats(1, T0)).latest).toBeNull();
    });

    it('firedCounts: per brand and per watch item, last 24 h and 7 days, open-ended or before `until`', async () => {
      const { backend: b } = await fresh();
      const now = T0 + 10 * DAY;
      await recordAll(b, [
        record('f1', [brandMatch('paypal-f1.com')], { seenAt: now - 2 * 3_600_000 }),
        record('f2', [brandMatch('paypal-f2.com')], { seenAt: now - 3 * DAY }),
        record('f3', [brandMatch('acme-f3.com', { brand: 'Acme' })], { seenAt: now - 8 * DAY }),
        record('f4', [watchMatch('f4.example.com')], { seenAt: now + 60_000 }), // a little ahead of this clock
        record('f5', [brandMatch('acme-f5.com', { brand: 'Acme' }), watchMatch('f5.example.com', { watch: '.example.org' })], { seenAt: now - 5 * DAY }),
      ]);
      const open = await b.dashboard.firedCounts(now);
      expect([...open.brands]).toEqual([
        ['Acme', { day: 0, week: 1 }],
        ['PayPal', { day: 1, week: 2 }],
      ]);
      expect([...open.watch]).toEqual([
        ['.example.com', { day: 1, week: 1 }],
        ['.example.org', { day: 0, week: 1 }],
      ]);
      // Until a day ago: the week is [now - 8 d, now - 1 d), f3 on its first millisecond.
      const closed = await b.dashboard.firedCounts(now, now - DAY);
      expect([...closed.brands]).toEqual([
        ['Acme', { day: 0, week: 2 }],
        ['PayPal', { day: 0, week: 1 }],
      ]);
      expect([...closed.watch]).toEqual([['.example.org', { day: 0, week: 1 }]]);
    });

    it('outboxByNotifier: pending and dead per notifier, in byte order of the id', async () => {
      const clock = { t: T0 };
      const { backend: b } = await fresh(clock);
      const notifiers = ['mail', 'Mail', 'b-hook', 'hook'];
      await recordAll(b, [record('o1', [brandMatch('paypal-o1.com')]), record('o2', [brandMatch('paypal-o2.com')])], () => notifiers);
      await b.outbox.enqueue('health', ['hook'], { event: 'x' });
      const claimed = await b.outbox.claimDue('hook', T0, 2, 60_000);
      await b.outbox.markDead(claimed.map((c) => c.id), 'HTTP 410');
      const mail = await b.outbox.claimDue('mail', T0, 10, 60_000);
      await b.outbox.markDelivered(mail.map((c) => c.id));
      expect(await b.dashboard.outboxByNotifier()).toEqual([
        { notifier: 'Mail', pending: 2, dead: 0 },
        { notifier: 'b-hook', pending: 2, dead: 0 },
        { notifier: 'hook', pending: 1, dead: 2 },
      ]);
    });

    it('inventory (byte order of watch item and name) and own-domain hits (newest first, limited)', async () => {
      const { backend: b } = await fresh();
      await recordAll(b, [
        record('i1', [watchMatch('b.example.com')], { seenAt: T0 }),
        record('i2', [watchMatch('B.example.com')], { seenAt: T0 + 1 }),
        record('i3', [watchMatch('a.example.org', { watch: '.example.org', issuerExpected: false })], { seenAt: T0 + 2, issuer: 'Odd CA' }),
        record('i4', [watchMatch('b.example.com')], { seenAt: T0 + 40 * DAY }),
        record('i5', [brandMatch('paypal-i5.com')], { seenAt: T0 + 3 }),
      ]);
      expect((await b.dashboard.inventory()).map((x) => [x.watch, x.name, x.certCount, x.issuers])).toEqual([
        ['.example.com', 'B.example.com', 1, ["Let's Encrypt"]],
        ['.example.com', 'b.example.com', 2, ["Let's Encrypt"]],
        ['.example.org', 'a.example.org', 1, ['Odd CA']],
      ]);
      const own = await b.dashboard.ownDomainHits(10);
      expect(own.map((h) => [h.name, h.technique])).toEqual([
        ['a.example.org', 'own-domain:unexpected-issuer'],
        ['B.example.com', 'own-domain:new-name'],
        ['b.example.com', 'own-domain:new-name'],
      ]);
      expect((await b.dashboard.ownDomainHits(1)).map((h) => h.name)).toEqual(['a.example.org']);
    });
  });
}

