/** Issue 16: the PostgreSQL migrations, aligned with SQLite's, applied once, under a lock. */
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { migratePg, PG_MIGRATIONS, searchIndexSql, type PgMigration } from '../../src/store/migrations-pg.js';
import { openPgBackend } from '../../src/store/pg/index.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';
import { brandMatch, DAY, record, routeAll, T0, workload } from './backend-suite.js';

const { url, why } = await testPgUrl();
const schemas: string[] = [];
afterAll(async () => {
  if (url) for (const s of schemas) await dropSchema(url, s);
});

describe('one list of versions for both backends', () => {
  const sqlite = new Set(MIGRATIONS.map((m) => m.version));
  // Versions the lead's board reserved for other branches' SQLite migrations (merged separately):
  // their PostgreSQL dialect may be here before the SQLite migration is on this branch.
  const RESERVED = new Set([3, 4, 5, 6]);
  it('every PostgreSQL migration has the SQLite migration of the same version (or a reserved one), or completes one', () => {
    for (const m of PG_MIGRATIONS) {
      if (m.completes === undefined) {
        expect(sqlite.has(m.version) || RESERVED.has(m.version), `PG v${m.version} has no SQLite counterpart`).toBe(true);
      } else {
        expect(sqlite.has(m.completes), `PG v${m.version} completes SQLite v${m.completes}, which does not exist`).toBe(true);
        // A SQLite migration with this number would pass for having its PostgreSQL counterpart.
        expect(sqlite.has(m.version), `SQLite v${m.version} takes the number of PostgreSQL's own v${m.version}: give it the next free one`).toBe(false);
      }
    }
    expect(new Set(PG_MIGRATIONS.map((m) => m.version)).size).toBe(PG_MIGRATIONS.length);
  });
  // Every SQLite migration has its PostgreSQL dialect; one added to SQLite alone shows up here.
  const pgVersions = new Set(PG_MIGRATIONS.map((m) => m.version));
  for (const m of MIGRATIONS.filter((x) => !pgVersions.has(x.version))) {
    it.todo(`PostgreSQL counterpart of SQLite migration v${m.version} (${m.description}) in src/store/migrations-pg.ts`);
  }
});

/** A client working in `schema` (created; dropped after the file). */
async function client(schema: string) {
  schemas.push(schema);
  const c = new pg.Client({ connectionString: url!, options: `-c search_path=${schema}` });
  await c.connect();
  await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  return c;
}

const d = url ? describe : describe.skip;
d(`migratePg${url ? '' : ` (skipped: ${why})`}`, () => {
  const noop = (version: number): PgMigration => ({ version, description: `v${version}`, sql: `CREATE TABLE t${version} (x int)` });

  it('instances starting together migrate once; again is a no-op', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const opened = await Promise.all([1, 2, 3].map((i) => openPgBackend({ url: url!, schema, realertAfterMs: 1, instanceId: `m${i}` })));
    for (const b of opened) await b.close();
    const c = await client(schema);
    try {
      const rows = (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      expect(rows).toEqual(PG_MIGRATIONS.map((m) => m.version));
    } finally {
      await c.end();
    }
  });

  it('a version added later below one already applied is still applied (branches adding v3..v6)', async () => {
    const c = await client(freshSchema());
    try {
      expect((await migratePg(c as unknown as pg.PoolClient, [noop(1), noop(7)])).applied).toEqual([1, 7]);
      expect((await migratePg(c as unknown as pg.PoolClient, [noop(1), noop(3), noop(7)])).applied).toEqual([3]);
      expect((await migratePg(c as unknown as pg.PoolClient, [noop(1), noop(3), noop(7)])).applied).toEqual([]);
    } finally {
      await c.end();
    }
  });

  it('a database with a version this ctwatch does not know is refused (DB_TOO_NEW), not guessed at', async () => {
    const c = await client(freshSchema());
    try {
      await migratePg(c as unknown as pg.PoolClient, [noop(1), noop(9)]);
      await expect(migratePg(c as unknown as pg.PoolClient, [noop(1)])).rejects.toMatchObject({ code: 'DB_TOO_NEW' });
    } finally {
      await c.end();
    }
  });

  it('a failing migration leaves nothing half-applied', async () => {
    const c = await client(freshSchema());
    try {
      await expect(migratePg(c as unknown as pg.PoolClient, [noop(1), { version: 2, description: 'bad', sql: 'CREATE TABLE ok2 (x int); SELECT nonsense FROM nowhere' }])).rejects.toThrow(/nowhere/);
      expect((await c.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version)).toEqual([1]);
      expect((await c.query("SELECT to_regclass('ok2') AS t")).rows[0].t).toBeNull();
    } finally {
      await c.end();
    }
  });
});

d(`v7, the dashboard's name search${url ? '' : ` (skipped: ${why})`}`, () => {
  const namesOf = async (c: pg.Client) => (await c.query<{ hit_id: number; names: string }>('SELECT hit_id::int, names FROM hits_names ORDER BY hit_id')).rows.map((r) => [r.hit_id, r.names]);

  it("hits_names holds what SQLite's holds, hit for hit, kept by the trigger; a pg_trgm GIN index answers LIKE", async () => {
    const schema = freshSchema();
    const clock = { t: T0 };
    const b = await openPgBackend({ url: url!, schema, realertAfterMs: 30 * DAY, now: () => clock.t, max: 2 });
    schemas.push(schema);
    const ref = openStore(path.join(tmpDir(), 'ref.sqlite'), { realertAfterMs: 30 * DAY, now: () => clock.t });
    const c = await client(schema);
    try {
      const odd = ['PayPal-Login.EXAMPLE', 'CAFÉ-paypal.example', '50%_off\\*[?].example', 'line\nbreak.example', 'ctl\u0001char.example', 'ünï.example'];
      const recs = [...workload(120, 3), record('odd', odd.map((n) => brandMatch(n, { registrable: 'odd.example' })).slice(0, 1).map((m) => ({ ...m, name: 'hit-name.example' })))];
      recs.at(-1)!.issuance.names = odd;
      for (let i = 0; i < recs.length; i += 40) {
        await b.hits.recordBatch(recs.slice(i, i + 40), routeAll);
        ref.hits.recordBatch(recs.slice(i, i + 40), routeAll);
      }
      const want = (ref.db.prepare('SELECT rowid AS hit_id, names FROM hits_names ORDER BY rowid').all() as { hit_id: number; names: string }[]).map((r) => [r.hit_id, r.names]);
      expect(want.length).toBeGreaterThan(80);
      expect(await namesOf(c)).toEqual(want);
      expect(want.at(-1)![1]).toBe(`hit-name.example\npaypal-login.example\ncafÉ-paypal.example\n50%_off\\*[?].example\nline\nbreak.example\nctl\u0001char.example\nünï.example`);
      // The index, with the operator class of wherever pg_trgm lives.
      const idx = (await c.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'hits_names_trgm'`, [schema])).rows[0]?.indexdef as string;
      expect(idx).toMatch(/USING gin \(names \S*gin_trgm_ops\)/);
      await c.query('SET enable_seqscan = off');
      const plan = (await c.query(`EXPLAIN SELECT hit_id FROM hits_names WHERE names LIKE '%paypal-log%'`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('hits_names_trgm');
      // Pruned hits take their search text with them.
      for (const n of ['hook', 'mail']) await b.outbox.killPending(n, 'gone');
      const pruned = await b.prune({ sightingsMs: 0, inventoryMs: 0, hitsMs: -365 * DAY }, T0);
      expect(pruned.hits).toBe(want.length);
      expect(await namesOf(c)).toEqual([]);
    } finally {
      await c.end();
      ref.close();
      await b.close();
    }
  });

  it('on a database with hits (v6): indexes them; names_json PostgreSQL cannot read as text never fails a write', async () => {
    const schema = freshSchema();
    const c = await client(schema);
    try {
      await migratePg(c as unknown as pg.PoolClient, PG_MIGRATIONS.filter((m) => m.version < 7));
      const addHits = (batch: string, rows: [string, string][]) =>
        c.query(
          `WITH i AS (INSERT INTO issuances (issuance_key, names_json, first_seen, last_seen)
             SELECT $3 || u.o, u.j, 1, 1 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(n, j, o) RETURNING id, issuance_key)
           INSERT INTO hits (issuance_id, rule_key, name, technique, techniques_json, severity, score, reason, first_seen, last_seen)
           SELECT i.id, 'brand:PayPal', u.n, 'keyword', '[]', 'low', 1, 'r', 1, 1
           FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(n, j, o) JOIN i ON i.issuance_key = $3 || u.o ORDER BY u.o`,
          [rows.map((r) => r[0]), rows.map((r) => r[1]), batch],
        );
      await addHits('a', [
        ['paypal-login.example', JSON.stringify(['PayPal-Login.example', 'www.paypal-login.example'])],
        ['nul.example', JSON.stringify(['a\u0000b.example', 'c\\u0000d.example'])],
        ['surrogate.example', JSON.stringify(['\ud800X.example'])],
      ]);
      expect((await migratePg(c as unknown as pg.PoolClient)).applied).toEqual([7]);
      expect(await namesOf(c)).toEqual([
        [1, 'paypal-login.example\npaypal-login.example\nwww.paypal-login.example'],
        [2, 'nul.example\na\uFFFDb.example\nc\\u0000d.example'],
        [3, 'surrogate.example\n\uFFFDx.example'],
      ]);
      // Written later, in one statement with good rows: text that is no JSON array is searched as it is.
      await addHits('b', [
        ['good.example', JSON.stringify(['Good.example'])],
        ['bad.example', 'Not JSON ['],
        ['object.example', '{"A": 1}'],
      ]);
      expect((await namesOf(c)).slice(3).map((r) => r[1])).toEqual(['good.example\ngood.example', 'bad.example\nnot json [', 'object.example\n{"a": 1}']);
      const b = await openPgBackend({ url: url!, schema, realertAfterMs: DAY, max: 2 });
      try {
        const found = await b.dashboard.listHits({ q: 'PAYPAL-LOG' }, { limit: 10, sort: 'first_seen', order: 'desc', after: null });
        expect(found.hits.map((h) => h.name)).toEqual(['paypal-login.example']);
      } finally {
        await b.close();
      }
    } finally {
      await c.end();
    }
  });

  it('without pg_trgm on the server: a warning, no index, the same answers (read without it)', async () => {
    const schema = freshSchema();
    const c = await client(schema);
    const notices: string[] = [];
    c.on('notice', (n) => notices.push(n.message ?? ''));
    try {
      const list = PG_MIGRATIONS.map((m) => (m.version === 7 ? { ...m, sql: searchIndexSql('ctwatch_no_such_extension') } : m));
      expect((await migratePg(c as unknown as pg.PoolClient, list)).applied).toEqual(PG_MIGRATIONS.map((m) => m.version));
      expect(notices.join('\n')).toMatch(/ctwatch: no ctwatch_no_such_extension .*name search works without its index/);
      expect((await c.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'hits_names'`, [schema])).rows.map((r) => r.indexname)).toEqual(['hits_names_pkey']);
      const b = await openPgBackend({ url: url!, schema, realertAfterMs: DAY, max: 2 });
      try {
        await b.hits.recordBatch([record('n1', [brandMatch('paypal-login.example')]), record('n2', [brandMatch('paypal_x.example')])], routeAll);
        const names = async (q: string) => (await b.dashboard.listHits({ q }, { limit: 10, sort: 'first_seen', order: 'desc', after: null })).hits.map((h) => h.name);
        expect(await names('PAYPAL-')).toEqual(['paypal-login.example']);
        expect(await names('l_x')).toEqual(['paypal_x.example']);
        expect(await names('l_l')).toEqual([]);
      } finally {
        await b.close();
      }
    } finally {
      await c.end();
    }
  });
});
