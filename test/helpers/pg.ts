/**
 * The test PostgreSQL server (127.0.0.1:5432, trust auth, database `test`): each test works in a
 * schema of its own, created by the store and dropped afterwards. When the server is unreachable
 * the PostgreSQL tests are skipped with a message, except on CI (CI set), where they must run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MIGRATE_LOCK } from '../../src/store/migrations-pg.js';

/** CTWATCH_TEST_PG_URL overrides; else the first of these users the server lets in. */
const CANDIDATES = process.env.CTWATCH_TEST_PG_URL
  ? [process.env.CTWATCH_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

async function probe(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The URL of the test server, or null (with why) when unreachable. Throws on CI instead. */
export async function testPgUrl(): Promise<{ url: string | null; why: string }> {
  const errors: string[] = [];
  for (const url of CANDIDATES) {
    const err = await probe(url);
    if (err === null) {
      await sharedExtensions(url);
      return { url, why: '' };
    }
    errors.push(`${url}: ${err}`);
  }
  const why = `PostgreSQL unreachable (${errors.join('; ')})`;
  if (process.env.CI) throw new Error(`${why}; on CI the PostgreSQL store tests must run (.ci/run starts the server)`);
  console.warn(`SKIPPED PostgreSQL store tests: ${why}`);
  return { url: null, why };
}

/**
 * pg_trgm (migration v7) in the schema `public`, once per database. Left to the migrations, it
 * would be created in the first test's schema (the current one), and dropping that schema would
 * drop it, with the search indexes of every other test's schema. Under the migrations' lock, so
 * concurrent test files and migrations do not race to create it.
 */
async function sharedExtensions(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    const available = await c.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    if (available.rowCount) await c.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public');
  } finally {
    await c.end();
  }
}

/** A fresh schema name (the store creates it). */
export function freshSchema(): string {
  return `ctw_test_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
