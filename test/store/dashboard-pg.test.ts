/**
 * The dashboard's queries on PostgreSQL: the shared suite (dashboard-suite.ts), then the same
 * data in both backends answering every query identically (to the JSON text, so even the order
 * of keys), and a database whose collation is not byte order still sorting as SQLite does.
 * Each store works in a schema of its own on the test server (test/helpers/pg.ts).
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StoreBackend } from '../../src/store/backend.js';
import type { HitFilter, HitSort, SearchTuning, SortOrder } from '../../src/store/dashboard.js';
import { openPgBackend } from '../../src/store/pg/index.js';
import { openSqliteBackend } from '../../src/store/sqlite-backend.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';
import { candidate } from '../api/seed.js';
import { brandMatch, DAY, record, T0, watchMatch, workload, type Clock } from './backend-suite.js';
import { allPages, defineDashboardSuite, filterSeed, searchSeed } from './dashboard-suite.js';

const { url, why } = await testPgUrl();
const schemas = new Set<string>();
afterAll(async () => {
  if (url) for (const s of schemas) await dropSchema(url, s);
});

async function pgQuery(u: string, sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: u });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

function openIn(schema: string, clock: Clock, searchTuning?: SearchTuning): Promise<StoreBackend> {
  schemas.add(schema);
  return openPgBackend({ url: url!, schema, realertAfterMs: 30 * DAY, now: () => clock.t, max: 4, ...(searchTuning ? { searchTuning } : {}) });
}

defineDashboardSuite(
  'postgres',
  url
    ? async (clock) => {
        const schema = freshSchema();
        return { backend: await openIn(schema, clock), again: (t) => openIn(schema, clock, t) };
      }
    : null,
  why,
);

const d = url ? describe : describe.skip;

d('PostgreSQL answers exactly as SQLite', () => {
  const opened: StoreBackend[] = [];
  afterEach(async () => {
    for (const b of opened.splice(0)) await b.close();
  });

  /** The same records, the same triage, the same clock, in both backends. */
  async function twins(tuning?: SearchTuning): Promise<[StoreBackend, StoreBackend]> {
    const clock = { t: T0 + 200 * DAY };
    const opts = { realertAfterMs: 30 * DAY, now: () => clock.t, ...(tuning ? { searchTuning: tuning } : {}) };
    const lite = openSqliteBackend(path.join(tmpDir(), 'twin.sqlite'), opts);
    const post = await openIn(freshSchema(), clock, tuning);
    opened.push(lite, post);
    const route = (h: { severity: string }) => (h.severity === 'low' ? ['mail'] : ['hook', 'Mail']);
    const batches = [workload(300, 5), filterSeed(), searchSeed().map(candidate)];
    for (const b of [lite, post]) {
      for (const recs of batches) {
        for (let i = 0; i < recs.length; i += 97) await b.hits.recordBatch(recs.slice(i, i + 97), route);
      }
      clock.t += 1000;
      await b.dashboard.triage([5, 9, 9, 12, 400, 77_777], { action: 'fp', note: 'bulk' });
      await b.dashboard.triage([9, 30], { action: 'reopen' });
      await b.dashboard.triage([41, 42], { action: 'takedown', takedown: 'reported', note: 'reg' });
      await b.dashboard.triage([43], { action: 'ack' });
      const claimed = await b.outbox.claimDue('hook', clock.t, 20, 60_000);
      await b.outbox.markDead(claimed.slice(0, 7).map((c) => c.id), 'HTTP 410');
      await b.ctlog.recordEvidence('https://log.example/', 'stale-sth', 'stale', { age: 1 });
      clock.t -= 1000;
    }
    return [lite, post];
  }

  const same = async (what: string, q: (b: StoreBackend) => Promise<unknown>, pair: [StoreBackend, StoreBackend]) => {
    const [a, b] = await Promise.all(pair.map(q));
    const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x] : x));
    expect(json(b), what).toBe(json(a));
  };

  it('pages (every sort, order and filter, q included), hit details, stats, counts, outbox, inventory, own-domain hits', async () => {
    const pair = await twins();
    const filters: HitFilter[] = [
      {},
      { brand: 'paypal' },
      { brand: 'ÜBANK' },
      { watch: '.example.org' },
      { status: 'false_positive' },
      { technique: 'typosquat', minSeverity: 'high' },
      { since: T0 + 10 * DAY, until: T0 + 60 * DAY },
      { q: 'paypal' },
      { q: 'WWW.' },
      { q: 'n1', brand: 'Acme' },
      { q: 'common', status: 'acknowledged' },
      { q: '-n2' },
    ];
    for (const f of filters) {
      for (const sort of ['first_seen', 'score', 'severity'] as HitSort[]) {
        for (const order of ['desc', 'asc'] as SortOrder[]) {
          await same(`${JSON.stringify(f)} ${sort} ${order}`, (b) => allPages(b, f, sort, order, 37), pair);
          await same(`${JSON.stringify(f)} ${sort} ${order}: first page`, (b) => b.dashboard.listHits(f, { limit: 11, sort, order, after: null }), pair);
        }
      }
    }
    for (const id of [1, 5, 9, 41, 43, 300, 99_999]) await same(`detail ${id}`, (b) => b.dashboard.getHitDetail(id), pair);
    await same('getHits', (b) => b.dashboard.getHits([7, 3, 99_999, 7, 100]), pair);
    for (const [days, end] of [
      [30, T0 + 20 * DAY],
      [366, T0 + 200 * DAY],
      [1, T0],
    ] as const) {
      await same(`dailyStats ${days}`, (b) => b.dashboard.dailyStats(days, end), pair);
    }
    await same('firedCounts open', (b) => b.dashboard.firedCounts(T0 + 100 * DAY), pair);
    await same('firedCounts until', (b) => b.dashboard.firedCounts(T0 + 100 * DAY, T0 + 50 * DAY), pair);
    await same('outboxByNotifier', (b) => b.dashboard.outboxByNotifier(), pair);
    await same('inventory', (b) => b.dashboard.inventory(), pair);
    await same('ownDomainHits', (b) => b.dashboard.ownDomainHits(25), pair);
    await same('hits.listInventory', (b) => b.hits.listInventory(), pair);
    await same('listEvidence', (b) => b.ctlog.listEvidence(), pair);
  });

  it('the scan path too: short pages and their resume cursors are the same', async () => {
    const pair = await twins({ probe: 3, window: 40 });
    for (const f of [{ q: 'old' }, { q: 'common', brand: 'chase' }, { q: 'rare', minSeverity: 'medium' }] as HitFilter[]) {
      for (const sort of ['first_seen', 'score', 'severity'] as HitSort[]) {
        await same(`${f.q} ${sort}`, async (b) => {
          const out: unknown[] = [];
          let after = null;
          do {
            const p = await b.dashboard.listHits(f, { limit: 6, sort, order: 'desc', after });
            out.push(p);
            after = p.next;
          } while (after);
          return out;
        }, pair);
      }
    }
  });
});

const icu = url ? ((await pgQuery(url, `SELECT 1 FROM pg_collation WHERE collname = 'en-x-icu'`)).rowCount ?? 0) > 0 : false;
(icu ? describe : describe.skip)(`a database whose collation is not byte order${icu ? '' : ' (skipped: no ICU collation en-x-icu on this server)'}`, () => {
  it('text sorts as in SQLite (COLLATE "C"), not in the collation of the columns', async () => {
    const schema = freshSchema();
    const clock = { t: T0 };
    const b = await openIn(schema, clock);
    const c = new pg.Client({ connectionString: url!, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      // As if the database had been created with an ICU English collation (upper after lower case).
      for (const [table, cols] of [
        ['deliveries', ['notifier_id']],
        ['inventory', ['watch', 'name']],
        ['hits', ['brand', 'watch', 'technique', 'severity']],
        ['ctlog_known_logs', ['log_url']],
        ['allowlist', ['domain']],
      ] as const) {
        for (const col of cols) await c.query(`ALTER TABLE ${table} ALTER COLUMN ${col} TYPE text COLLATE "en-x-icu"`);
      }
      // The columns now sort otherwise than bytes: without COLLATE "C" the answers below would differ.
      expect((await c.query(`SELECT array_agg(domain ORDER BY domain) AS a FROM (VALUES ('b'), ('B'), ('a')) v(domain)`)).rows[0].a).toEqual(['B', 'a', 'b']);
      expect((await c.query(`SELECT array_agg(x ORDER BY x COLLATE "en-x-icu") AS a FROM (VALUES ('b'), ('B'), ('a')) v(x)`)).rows[0].a).toEqual(['a', 'b', 'B']);
      await b.hits.recordBatch(
        [
          record('c1', [brandMatch('paypal-c1.com', { brand: 'paypal' }), watchMatch('b.example.com')]),
          record('c2', [brandMatch('paypal-c2.com', { brand: 'PayPal' }), watchMatch('B.example.com')]),
          record('c3', [watchMatch('a.example.com', { watch: '.Example.com' })]),
        ],
        () => ['mail', 'Mail', 'hook'],
      );
      await b.ctlog.rememberLogs([{ url: 'https://b/', entry: 1 }, { url: 'https://B/', entry: 2 }, { url: 'https://a/', entry: 3 }]);
      await b.hits.addAllow('b.example');
      await b.hits.addAllow('B.example');
      expect((await b.dashboard.outboxByNotifier()).map((r) => r.notifier)).toEqual(['Mail', 'hook', 'mail']);
      expect((await b.dashboard.inventory()).map((r) => `${r.watch} ${r.name}`)).toEqual(['.Example.com a.example.com', '.example.com B.example.com', '.example.com b.example.com']);
      expect((await b.hits.listInventory()).map((r) => r.name)).toEqual(['a.example.com', 'B.example.com', 'b.example.com']);
      expect([...(await b.ctlog.knownLogs()).keys()]).toEqual(['https://B/', 'https://a/', 'https://b/']);
      expect(await b.hits.listAllow()).toEqual(['B.example', 'b.example']);
      expect([...(await b.dashboard.firedCounts(T0)).brands.keys()]).toEqual(['PayPal', 'paypal']);
      expect(Object.keys((await b.dashboard.dailyStats(1, T0)).days[0]!.byBrand)).toEqual(['.Example.com', '.example.com', 'PayPal', 'paypal']);
    } finally {
      await c.end();
      await b.close();
    }
  });
});
