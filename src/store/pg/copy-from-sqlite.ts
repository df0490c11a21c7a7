/**
 * Copies a SQLite store into an empty PostgreSQL store (`ctwatch migrate-store`): every table
 * (not the dashboard's search index, which is derived),
 * ids kept (so hit ids people know stay valid), in one PostgreSQL transaction, then compares the
 * row counts of every table. The SQLite file is opened read-only and not changed.
 *
 * Columns are copied by name: a column the SQLite file has and PostgreSQL lacks (a SQLite
 * migration whose PostgreSQL counterpart is not written yet) stops the copy with
 * SCHEMA_MISMATCH rather than dropping data; a column only PostgreSQL has gets its default.
 */
import Database from 'better-sqlite3';
import type pg from 'pg';
import { StoreError } from '../backend.js';
import { migratePg, PG_MIGRATIONS } from '../migrations-pg.js';
import { createPool, inTransaction, mapError, pgText, type PgConnectionOptions } from './connection.js';

/** Parents before children (foreign keys). */
export const COPIED_TABLES = [
  'issuances',
  'hits',
  'sightings',
  'deliveries',
  'inventory',
  'suppressions',
  'allowlist',
  'ctlog_positions',
  // Tables of later migrations (v4..v6); a file without them copies none.
  'triage_history',
  'ctlog_known_logs',
  'ctlog_evidence',
  'enrichments',
  'enrich_schedule',
] as const;
const WITH_ID = new Set(['issuances', 'hits', 'sightings', 'deliveries', 'suppressions', 'triage_history', 'ctlog_evidence', 'enrichments']);
const CHUNK = 2000;

export interface CopyReport {
  /** postgres://user@host:port/db: safe to print. */
  target: string;
  tables: { table: string; source: number; target: number }[];
  /** True when every table has as many rows in PostgreSQL as in SQLite. */
  ok: boolean;
}

/**
 * Copies `file` into the PostgreSQL store at `to` (migrated first). Rejects with
 * TARGET_NOT_EMPTY when the PostgreSQL store already has rows (nothing is written), with
 * SCHEMA_MISMATCH (above), STORE_UNAVAILABLE, or DB_OPEN for an unreadable file. Stop the daemon
 * writing the file first: rows written during the copy would be missed (the counts then differ).
 */
export async function copySqliteToPg(file: string, to: PgConnectionOptions, onTable?: (table: string, rows: number) => void): Promise<CopyReport> {
  let src: Database.Database;
  try {
    src = new Database(file, { readonly: true, fileMustExist: true });
    src.pragma('busy_timeout = 10000');
  } catch (err) {
    throw Object.assign(new Error(`cannot open database ${file}: ${(err as Error).message}`, { cause: err }), { code: 'DB_OPEN' });
  }
  const { pool, display, schema } = createPool(to);
  try {
    const client = await pool.connect().catch((err: unknown) => Promise.reject(mapError(err)));
    try {
      await migratePg(client, PG_MIGRATIONS, schema ? { createSchema: schema } : {});
    } finally {
      client.release();
    }
    // One read transaction on SQLite: a consistent snapshot of every table.
    src.exec('BEGIN');
    const sourceCounts = new Map<string, number>();
    try {
      await inTransaction(pool, async (c) => {
        for (const table of COPIED_TABLES) {
          const n = (await c.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n;
          if (n > 0) throw new StoreError('TARGET_NOT_EMPTY', `the PostgreSQL store is not empty (${table}: ${n} rows); migrate-store only fills an empty one`);
        }
        for (const table of COPIED_TABLES) {
          const n = await copyTable(src, c, table);
          sourceCounts.set(table, n);
          onTable?.(table, n);
        }
        // The source daemon is stopped: no delivery is in flight.
        await c.query('UPDATE deliveries SET lease_until = 0, lease_owner = NULL');
        for (const table of WITH_ID) {
          await c.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT max(id) FROM ${table}), 1), (SELECT max(id) FROM ${table}) IS NOT NULL)`);
        }
      });
    } finally {
      src.exec('COMMIT');
    }
    const tables: CopyReport['tables'] = [];
    for (const table of COPIED_TABLES) {
      const n = (await pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n;
      tables.push({ table, source: sourceCounts.get(table) ?? 0, target: n });
    }
    return { target: display, tables, ok: tables.every((t) => t.source === t.target) };
  } catch (err) {
    throw mapError(err);
  } finally {
    src.close();
    await pool.end();
  }
}

/** Copies one table in chunks; returns the rows read. */
async function copyTable(src: Database.Database, c: pg.PoolClient, table: string): Promise<number> {
  const srcCols = (src.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((r) => r.name);
  if (srcCols.length === 0) return 0; // an older file without this table
  const pgCols = new Set(
    (await c.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table])).rows.map((r) => r.column_name),
  );
  const missing = srcCols.filter((col) => !pgCols.has(col));
  if (missing.length) {
    throw new StoreError('SCHEMA_MISMATCH', `PostgreSQL table ${table} lacks column(s) ${missing.join(', ')}: its migrations are behind the SQLite file's`);
  }
  const cols = srcCols.join(', ');
  const insert = `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${table}, $1::json)`;
  let n = 0;
  let chunk: Record<string, unknown>[] = [];
  const flush = async () => {
    if (!chunk.length) return;
    await c.query(insert, [JSON.stringify(chunk)]);
    chunk = [];
  };
  for (const row of src.prepare(`SELECT ${cols} FROM ${table} ORDER BY rowid`).iterate() as IterableIterator<Record<string, unknown>>) {
    for (const k of Object.keys(row)) if (typeof row[k] === 'string') row[k] = pgText(row[k] as string);
    chunk.push(row);
    n++;
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  return n;
}
