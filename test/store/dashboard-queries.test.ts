/**
 * The dashboard's queries on a real SQLite file: both text-search paths (trigram index for rare
 * terms, bounded in-order scan for common ones, and the fallback between them) give exactly the
 * rows a plain filter over every hit gives, in page order, across every page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { SqliteDashboardQueries, type DashboardHit, type HitFilter, type HitSort, type SortOrder } from '../../src/store/dashboard.js';
import { FIXTURES, tmpDir } from '../helpers/fixtures.js';
import { seed, type SeedHit } from '../api/seed.js';
import { prng } from '../../bench/lib/prng.js';

const SEVS = ['low', 'medium', 'high', 'critical'] as const;

describe('dashboard queries: search paths agree', () => {
  let store: Store;
  const T0 = Date.UTC(2026, 10, 1);
  beforeAll(() => {
    store = openStore(path.join(tmpDir(), 'db.sqlite'), { realertAfterMs: 0 });
    const rnd = prng(7);
    const rows: SeedHit[] = [];
    for (let i = 0; i < 400; i++) {
      const brand = ['PayPal', 'Chase', 'Apple'][Math.floor(rnd() * 3)]!;
      // "rare" on 6 names, "common" on about half, "old" only on the oldest 50, "Wide" in upper case.
      const word = i % 67 === 5 ? 'rare' : rnd() < 0.5 ? 'common' : i < 50 ? 'old' : 'plain';
      const name = `${brand.toLowerCase()}-${word}-${i}.example`;
      // Some equal first_seen values, so the id tie-break matters.
      rows.push({ name, brand, severity: SEVS[Math.floor(rnd() * 4)], score: Math.floor(rnd() * 100), seenAt: T0 + Math.floor(i / 3) * 60_000, names: [name, i % 10 === 0 ? `WIDE-${i}.example` : `www.${name}`] });
    }
    seed(store, rows);
    store.hits.triage([3, 4, 5, 60, 61], { action: 'ack' });
  });

  const sortKey = (h: DashboardHit, s: HitSort) => (s === 'first_seen' ? h.firstSeen : s === 'score' ? h.score : SEVS.indexOf(h.severity));
  function expected(all: DashboardHit[], f: HitFilter, sort: HitSort, order: SortOrder): number[] {
    const q = f.q?.toLowerCase();
    const dir = order === 'asc' ? 1 : -1;
    return all
      .filter((h) => (!f.brand || h.brand === f.brand) && (!f.status || h.status === f.status) && (!q || h.names.some((n) => n.toLowerCase().includes(q))))
      .sort((a, b) => dir * (sortKey(a, sort) - sortKey(b, sort) || a.id - b.id))
      .map((h) => h.id);
  }
  async function pages(qs: SqliteDashboardQueries, f: HitFilter, sort: HitSort, order: SortOrder, limit: number): Promise<number[]> {
    const out: number[] = [];
    let after = null;
    do {
      const p = await qs.listHits(f, { limit, sort, order, after });
      out.push(...p.hits.map((h) => h.id));
      after = p.next;
    } while (after);
    return out;
  }

  const filters: [string, HitFilter][] = [
    ['rare', { q: 'rare' }],
    ['common', { q: 'common' }],
    ['common + brand', { q: 'common', brand: 'Chase' }],
    ['old (common overall is not needed: only in the oldest rows)', { q: 'old' }],
    ['upper-case query and name', { q: 'wide' }],
    ['status + q', { q: 'COMMON', status: 'acknowledged' }],
    ['no match', { q: 'nothing-like-this' }],
  ];
  const tunings = [
    ['defaults (index path)', {}],
    ['tiny probe and window (scan, short pages that resume)', { probe: 3, window: 25 }],
    ['tiny probe, large window (scan only)', { probe: 3, window: 10_000 }],
  ] as const;
  it('a common term that is rare among the newest rows: short pages that resume, never a wrong one', async () => {
    const qs = new SqliteDashboardQueries(store.db, store.hits, { probe: 3, window: 25 });
    const first = await qs.listHits({ q: 'old' }, { limit: 9, sort: 'first_seen', order: 'desc', after: null });
    expect(first.hits).toEqual([]);
    expect(first.next).not.toBeNull();
  });

  describe.each(tunings)('%s', (_label, tuning) => {
    it.each(filters)('%s', async (_what, f) => {
      const all = (await new SqliteDashboardQueries(store.db, store.hits).listHits({}, { limit: 1000, sort: 'first_seen', order: 'desc', after: null })).hits;
      const qs = new SqliteDashboardQueries(store.db, store.hits, tuning);
      for (const [sort, order] of [['first_seen', 'desc'], ['score', 'asc'], ['severity', 'desc']] as const) {
        expect(await pages(qs, f, sort, order, 9), `${sort} ${order}`).toEqual(expected(all, f, sort, order));
      }
    });
  });

});

describe('migration 5 on an older database', () => {
  it('indexes the names of the hits that were there before, and the v1 rows answer the dashboard', async () => {
    const file = path.join(tmpDir(), 'v1.db');
    fs.copyFileSync(path.join(FIXTURES, 'store/schema-v1.db'), file);
    const store = openStore(file, { realertAfterMs: 0 });
    try {
      const hits = store.hits.listHits();
      expect((store.db.prepare('SELECT count(*) AS n FROM hits_names').get() as { n: number }).n).toBe(hits.length);
      const found = await store.dashboard.listHits({ q: 'PAYPA' }, { limit: 10, sort: 'first_seen', order: 'desc', after: null });
      expect(found.hits.map((h) => h.name).sort()).toEqual(['paypa1.com', 'paypal-secure-login.com']);
      expect(found.hits.every((h) => h.takedown === null)).toBe(true);
    } finally {
      store.close();
    }
  });
});
