/**
 * Issue 16, must-show 5: the demo's SQLite store, copied by `ctwatch migrate-store` into a fresh
 * PostgreSQL schema, has every row in PostgreSQL (counts and contents, table by table), and the
 * CLI prints byte-identical output from both stores: `ctwatch hits --json` above all (ordering,
 * number types, nulls, dates, enrichment), and the text, CSV, inventory and outbox listings.
 *
 * Everything runs as real processes of the built CLI (`npx tsc -p tsconfig.json` first): the demo
 * replay (`ctwatch run` on config/demo.yaml with the store in a temporary file, which the demo
 * command itself deletes), triage with `ctwatch hits ack|fp` and `ctwatch allow add`, then the
 * copy, then the listings with one config on store.path and one on store.url. The PostgreSQL
 * schema is chosen in store.url itself (options=-c search_path=NAME), as an operator would.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPIED_TABLES } from '../../src/store/pg/copy-from-sqlite.js';
import { createPool } from '../../src/store/pg/connection.js';
import { runCli, writeConfig } from '../helpers/daemon-process.js';
import { ROOT, tmpDir } from '../helpers/fixtures.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';

const { url, why } = await testPgUrl();
const schema = freshSchema();
afterAll(async () => {
  if (url) await dropSchema(url, schema);
});

/** The test server's URL, in `schema` (the way an operator picks a schema in store.url). */
function urlInSchema(base: string, s: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${s}`)}`;
}

/** A stored enrichment with every JSON type (nested objects, nulls, fractions, arrays). */
const ENRICHMENT = {
  checked_at: '2025-09-01T10:00:00.000Z',
  round: 0,
  registrable: 'jccsmatrei.top',
  registration: { registrar: 'Registrar X, LLC', created: '2025-08-30T00:00:00Z', age_days: 2.5, status: ['client transfer prohibited'] },
  dns: [{ name: 'jccsmatrei.top', a: ['192.0.2.7'], mx: [], ns: null }],
  web: null,
  severity: 'critical',
  base_severity: 'high',
  reasons: ['registered 2 days ago at Registrar X, LLC'],
};

const d = url ? describe : describe.skip;
d(`migrate-store of the demo store, then the CLI on both stores${url ? '' : ` (skipped: ${why})`}`, () => {
  const dir = tmpDir();
  const file = path.join(dir, 'demo.db');
  let sqliteCfg = '';
  let pgCfg = '';
  let pgUrl = '';

  beforeAll(async () => {
    // The demo's own configuration, its store kept in `file`, exiting when the replay ends.
    const demo = parse(fs.readFileSync(path.join(ROOT, 'config/demo.yaml'), 'utf8')) as Record<string, any>;
    demo.feed = { ...demo.feed, replay: path.join(ROOT, demo.feed.replay), replay_then_idle: false };
    sqliteCfg = writeConfig(dir, { ...demo, store: { path: file } }, 'sqlite.yaml');
    pgUrl = urlInSchema(url!, schema);
    pgCfg = writeConfig(dir, { ...demo, store: { url: pgUrl } }, 'pg.yaml');

    const run = await runCli(['run', '--config', sqliteCfg]);
    expect(run.code, run.stderr).toBe(0);

    // Triage and the allow list through the CLI, so the copy has triage history and suppressions.
    const hits = (await runCli(['hits', '--json', '--config', sqliteCfg])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; registrable: string | null });
    const [acked, fped] = [hits[0]!, hits.find((h, i) => i > 0 && h.registrable !== null)!];
    for (const args of [['hits', 'ack', String(acked.id)], ['hits', 'fp', String(fped.id)], ['allow', 'add', 'chixbbq.org']]) {
      const r = await runCli([...args, '--config', sqliteCfg]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    // What a replay does not produce: a CT-log position, a dead delivery, enrichments.
    const db = new Database(file);
    try {
      db.prepare('INSERT INTO ctlog_positions (log_key, position_json, updated_at) VALUES (?, ?, ?)').run('https://ct.example/2025h2/', JSON.stringify({ next: 1234, treeSize: 5000 }), 1_756_720_800_000);
      db.prepare(`UPDATE deliveries SET status = 'dead', attempts = 12, last_error = 'HTTP 400' WHERE id = (SELECT min(id) FROM deliveries)`).run();
      const insert = db.prepare('INSERT INTO enrichments (hit_id, round, checked_at, severity, result_json) VALUES (?, ?, ?, ?, ?)');
      insert.run(acked.id, 0, Date.parse(ENRICHMENT.checked_at), 'high', JSON.stringify({ ...ENRICHMENT, severity: 'high' }));
      insert.run(acked.id, 1, Date.parse(ENRICHMENT.checked_at) + 3_600_000, 'critical', JSON.stringify({ ...ENRICHMENT, round: 1 }));
      db.prepare('INSERT INTO enrich_schedule (hit_id, round, due_at) VALUES (?, ?, ?)').run(acked.id, 2, 1_756_800_000_000);
    } finally {
      db.close();
    }
  });

  it('migrate-store copies the demo store into a fresh schema named in the URL, every table counted equal, exit 0', async () => {
    const r = await runCli(['migrate-store', '--from', file, '--to', pgUrl]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nevery row copied to postgres:\/\/\w+@127\.0\.0\.1:5432\/test\n$/);
    expect(r.stdout).not.toMatch(/MISMATCH/);
    // The copy landed in the schema the URL named, not in the server's default one.
    const c = createPool({ url: url! }).pool;
    try {
      const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'hits']);
      expect(n.rows[0]!.n).toBe(1);
    } finally {
      await c.end();
    }
  });

  it('every table has the same rows, column by column, in PostgreSQL as in the SQLite file', async () => {
    const src = new Database(file, { readonly: true });
    const { pool } = createPool({ url: pgUrl });
    try {
      const seen: Record<string, number> = {};
      for (const table of COPIED_TABLES) {
        const cols = (src.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((x) => x.name);
        const sorted = (rows: unknown[]) => rows.map((x) => JSON.stringify(x)).sort();
        const a = sorted(src.prepare(`SELECT ${cols.join(', ')} FROM ${table}`).all());
        const b = sorted((await pool.query(`SELECT ${cols.join(', ')} FROM ${table}`)).rows);
        expect(b, table).toEqual(a);
        seen[table] = a.length;
      }
      // The demo's rows and the ones added above: none of these comparisons is of empty tables.
      expect(seen).toMatchObject({ hits: 269, issuances: 220, sightings: 272, deliveries: 269, inventory: 87, triage_history: 2, suppressions: 1, allowlist: 1, ctlog_positions: 1, enrichments: 2, enrich_schedule: 1 });
    } finally {
      src.close();
      await pool.end();
    }
  });

  it.each([
    [['hits', '--json']],
    [['hits', '--json', '--brand', 'Avito', '--severity', 'high']],
    [['hits', '--json', '--status', 'acknowledged']],
    [['hits', '--json', '--status', 'false_positive']],
    [['hits']],
    [['hits', '--csv']],
    [['inventory', '--json']],
    [['inventory', '--watch', '.chixbbq.org', '--csv']],
    [['outbox', '--json']],
    [['outbox', '--status', 'dead']],
  ])('%j prints the same bytes from SQLite (store.path) and PostgreSQL (store.url)', async (args) => {
    const [a, b] = await Promise.all([runCli([...args, '--config', sqliteCfg]), runCli([...args, '--config', pgCfg])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toBe('');
    expect(a.stdout.split('\n').length).toBeGreaterThan(1);
    expect(b.stdout).toBe(a.stdout);
  });

  it('hits --json from PostgreSQL has the triage, suppression, enrichment, numbers, nulls and dates of the SQLite one', async () => {
    const lines = (await runCli(['hits', '--json', '--config', pgCfg])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(269);
    // Newest first, ties by id as on SQLite (the byte comparison above checks the exact order).
    const acked = lines.find((h) => h.status === 'acknowledged');
    expect(acked.enrichment).toEqual({ ...ENRICHMENT, round: 1 });
    expect(lines.filter((h) => h.status === 'false_positive')).toHaveLength(1);
    expect(lines.filter((h) => h.enrichment !== null)).toHaveLength(1);
    for (const h of lines) {
      expect(h).toMatchObject({ id: expect.any(Number), score: expect.any(Number), times_seen: expect.any(Number), suppressed: expect.any(Boolean) });
      expect(h.first_seen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(typeof h.cert.index === 'number' || h.cert.index === null).toBe(true);
    }
  });
  /** Rows of `table` without their time columns (the two stores are written moments apart). */
  async function rowsWithoutTimes(table: string, cols: string): Promise<{ sqlite: unknown[]; pg: unknown[] }> {
    const src = new Database(file, { readonly: true });
    const { pool } = createPool({ url: pgUrl });
    try {
      const sorted = (rows: unknown[]) => rows.map((x) => JSON.stringify(x)).sort();
      return { sqlite: sorted(src.prepare(`SELECT ${cols} FROM ${table}`).all()), pg: sorted((await pool.query(`SELECT ${cols} FROM ${table}`)).rows) };
    } finally {
      src.close();
      await pool.end();
    }
  }

  it('the write commands change both stores alike: hits ack|fp|reopen, allow add, outbox retry', async () => {
    const fresh = (await runCli(['hits', '--json', '--status', 'new', '--config', sqliteCfg])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; registrable: string | null });
    const [a, b] = fresh.filter((h) => h.registrable !== null);
    const fped = JSON.parse((await runCli(['hits', '--json', '--status', 'false_positive', '--config', sqliteCfg])).stdout) as { id: number };
    const dead = JSON.parse((await runCli(['outbox', '--json', '--status', 'dead', '--config', sqliteCfg])).stdout) as { id: number };
    const steps = [['hits', 'ack', String(a!.id)], ['hits', 'fp', String(b!.id)], ['hits', 'reopen', String(fped.id)], ['allow', 'add', 'avito-shop.example'], ['outbox', 'retry', String(dead.id)], ['hits', 'ack', '99999']];
    for (const args of steps) {
      const [x, y] = [await runCli([...args, '--config', sqliteCfg]), await runCli([...args, '--config', pgCfg])];
      expect({ code: y.code, stdout: y.stdout, stderr: y.stderr }, args.join(' ')).toEqual({ code: x.code, stdout: x.stdout, stderr: x.stderr });
    }
    const [x, y] = await Promise.all([runCli(['hits', '--json', '--config', sqliteCfg]), runCli(['hits', '--json', '--config', pgCfg])]);
    expect(y.stdout).toBe(x.stdout);
    expect(x.stdout).toContain(`"id":${a!.id},`);
    // The outbox alike but for the retried row's times (retry restarts its clock: now, per store).
    const outbox = async (cfg: string) =>
      (await runCli(['outbox', '--json', '--config', cfg])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: number })
        .map((r) => (r.id === dead.id ? { ...r, created_at: null, next_attempt_at: null } : r));
    expect(await outbox(pgCfg)).toEqual(await outbox(sqliteCfg));
    for (const [table, cols] of [['triage_history', 'id, hit_id, action, note, takedown'], ['suppressions', 'id, registrable, brand, hit_id, active'], ['allowlist', 'domain']] as const) {
      const r = await rowsWithoutTimes(table, cols);
      expect(r.pg, table).toEqual(r.sqlite);
    }
  });
});
