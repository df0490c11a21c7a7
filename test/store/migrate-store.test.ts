/**
 * Issue 16: `ctwatch migrate-store` copies a SQLite store into PostgreSQL: every row, ids kept,
 * the same answers from both stores afterwards, counts verified; an existing PostgreSQL store is
 * never written into; a PostgreSQL schema behind the file's is refused, leaving nothing behind.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateStoreCommand } from '../../src/cli/commands/migrate-store.js';
import { CliError } from '../../src/cli/util.js';
import { openStore } from '../../src/store/index.js';
import type { StoreBackend } from '../../src/store/backend.js';
import { copySqliteToPg } from '../../src/store/pg/copy-from-sqlite.js';
import { openPgBackend } from '../../src/store/pg/index.js';
import { openSqliteBackend } from '../../src/store/sqlite-backend.js';
import type { RouteFn } from '../../src/store/types.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';
import { DAY, T0, workload } from './backend-suite.js';

const { url, why } = await testPgUrl();
const schemas: string[] = [];
afterAll(async () => {
  if (url) for (const s of schemas) await dropSchema(url, s);
});
const schema = () => {
  const s = freshSchema();
  schemas.push(s);
  return s;
};

/** A SQLite store with every kind of row: hits, sightings, triage, inventory, allow, positions, outbox states. */
function sqliteStore(): string {
  const file = path.join(tmpDir(), 'ctwatch.db');
  const clock = { t: T0 };
  const s = openStore(file, { realertAfterMs: 30 * DAY, now: () => clock.t });
  const route: RouteFn = (h) => (h.severity === 'low' ? ['mail'] : ['hook', 'mail']);
  const recs = workload(300, 5);
  for (let i = 0; i < recs.length; i += 40) s.hits.recordBatch(recs.slice(i, i + 40), route);
  const hits = s.hits.listHits();
  s.hits.setStatus(hits[3]!.id, 'false_positive');
  s.hits.setStatus(hits[5]!.id, 'acknowledged');
  s.hits.addAllow('good.example');
  s.positions.save('https://log.example/', { next: 1234, treeSize: 5000 }, T0);
  const claimed = s.outbox.claimDue('hook', T0, 10, 60_000);
  s.outbox.markDelivered(claimed.slice(0, 5).map((c) => c.id), T0 + 1);
  s.outbox.markDead(claimed.slice(5, 7).map((c) => c.id), 'HTTP 400');
  s.outbox.enqueue('health', ['mail'], { event: 'feed.stalled' }, T0);
  s.close();
  return file;
}

async function answers(b: StoreBackend) {
  const hits = await b.hits.listHits();
  return {
    hits: JSON.stringify(hits),
    sightings: await Promise.all(hits.map((h) => b.hits.sightings(h.id))),
    inventory: await b.hits.listInventory(),
    allow: await b.hits.listAllow(),
    outbox: await b.outbox.list({ limit: 100_000 }),
    position: await b.positions.load('https://log.example/'),
    counts: await b.hits.counts(),
    // The search index is not copied: PostgreSQL builds it as the hits come in.
    search: await b.dashboard.listHits({ q: 'PAYPAL-N1' }, { limit: 1000, sort: 'first_seen', order: 'desc', after: null }),
  };
}

const d = url ? describe : describe.skip;
d(`migrate-store${url ? '' : ` (skipped: ${why})`}`, () => {
  it('copies every row with its id; both stores then give the same answers; new ids continue after the copied ones', async () => {
    const file = sqliteStore();
    const to = schema();
    expect(await migrateStoreCommand({ from: file, to: url!, schema: to })).toBe(0);
    const sqlite = openSqliteBackend(file, { realertAfterMs: 30 * DAY, checkpointOnClose: false });
    const pgb = await openPgBackend({ url: url!, schema: to, realertAfterMs: 30 * DAY });
    try {
      const [a, b] = await Promise.all([answers(sqlite), answers(pgb)]);
      expect(b.counts.hits).toBeGreaterThan(50);
      expect(b.search.hits.length).toBeGreaterThan(2);
      expect(b.outbox.map((x) => x.status)).toEqual(expect.arrayContaining(['pending', 'delivered', 'dead']));
      expect(b).toEqual(a);
      // The PostgreSQL store goes on where the file stopped.
      const maxId = Math.max(...(await pgb.hits.listHits()).map((h) => h.id));
      const r = await pgb.hits.recordBatch(workload(1, 99).map((x) => ({ ...x, issuance: { ...x.issuance, issuanceKey: 'fresh', seenAt: T0 + 500 * DAY } })), () => ['hook']);
      expect(r.hitIds.length).toBeGreaterThan(0);
      expect(Math.min(...r.hitIds)).toBeGreaterThan(maxId);
    } finally {
      await sqlite.close();
      await pgb.close();
    }
  });

  it('refuses to write into a PostgreSQL store that has rows (exit 2), and leaves it as it was', async () => {
    const file = sqliteStore();
    const to = schema();
    expect(await migrateStoreCommand({ from: file, to: url!, schema: to })).toBe(0);
    const err = await migrateStoreCommand({ from: file, to: url!, schema: to }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 2 });
    expect((err as Error).message).toMatch(/not empty/);
    const report = await copySqliteToPg(file, { url: url!, schema: schema() });
    expect(report.ok).toBe(true);
    expect(report.tables.find((t) => t.table === 'hits')!.source).toBeGreaterThan(50);
  });

  it('a SQLite file with a column PostgreSQL lacks is refused (SCHEMA_MISMATCH) and nothing is left half-copied', async () => {
    const file = sqliteStore();
    const db = new Database(file);
    db.exec('ALTER TABLE sightings ADD COLUMN verified_at INTEGER');
    db.close();
    const to = schema();
    await expect(copySqliteToPg(file, { url: url!, schema: to })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringMatching(/sightings lacks column\(s\) verified_at/) });
    const pgb = await openPgBackend({ url: url!, schema: to, realertAfterMs: DAY });
    try {
      expect(await pgb.hits.counts()).toEqual({ hits: 0, issuances: 0, sightings: 0 });
    } finally {
      await pgb.close();
    }
  });

  it.each([
    [{ to: 'postgres://u@h/db' }, /usage/],
    [{ from: 'x.db' }, /usage/],
  ])('usage errors exit 2: %j', async (f, msg) => {
    await expect(migrateStoreCommand(f)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(msg) });
  });
});
