/**
 * The PostgreSQL connection: `store.url` parsing, the pool, and the transaction helper every
 * write goes through (retries on deadlock and serialization failure, outage errors as
 * STORE_UNAVAILABLE).
 */
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { secrets } from '../../log/secrets.js';
import { StoreError } from '../backend.js';

export interface PgConnectionOptions {
  /** postgres://user:pass@host:5432/db?sslmode=verify-full&sslrootcert=/path (node-postgres syntax). */
  url: string;
  /** Schema to use (created if missing); default the server's search_path ("public"). */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
  /** How long to wait for a connection; default 5 s (an outage then fails fast, not hangs). */
  connectTimeoutMs?: number;
  /** Told about errors of idle pooled connections (server restart, network cut). */
  onIdleError?: (err: Error) => void;
}

export interface ParsedStoreUrl {
  config: pg.PoolConfig;
  /** postgres://user@host:port/db: the URL without password or query, safe to print. */
  display: string;
  /**
   * The schema the URL selects with `options=-c search_path=NAME` (one lower-case name, as
   * SCHEMA_NAME), so the store creates it when missing; undefined otherwise (a list such as
   * "a,public" is passed to the server as given, and nothing is created).
   */
  schema?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Parses `store.url` as node-postgres does (pg-connection-string: host, port, user, password,
 * database, sslmode / sslcert / sslkey / sslrootcert, application_name, options). The password
 * (normally from ${ENV}) is registered as a secret, so no log line or error can print it.
 * Throws StoreError STORE_URL naming the problem (never echoing the URL).
 */
export function parseStoreUrl(url: string): ParsedStoreUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // No cause: the URL parser's error carries the input, password included.
    throw new StoreError('STORE_URL', 'store.url is not a valid URL');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new StoreError('STORE_URL', `store.url must start with postgres:// (got ${u.protocol}//)`);
  }
  // The password only (in the user info, or ?password=), as written and decoded: the rest is
  // the display form (database names included), which error messages must be able to show.
  if (u.password) secrets.add(u.password);
  if (u.password) secrets.add(safeDecode(u.password));
  const config = parseIntoClientConfig(url) as pg.PoolConfig;
  if (typeof config.password === 'string') secrets.add(config.password);
  if (!config.database) throw new StoreError('STORE_URL', 'store.url names no database (postgres://user@host:5432/DATABASE)');
  const user = u.username ? `${safeDecode(u.username)}@` : '';
  const schema = searchPathSchema(config.options);
  return { config, display: `postgres://${user}${u.hostname || 'localhost'}:${u.port || '5432'}/${config.database}`, ...(schema ? { schema } : {}) };
}

/**
 * The single schema named by a search_path setting in libpq `options` ("-c search_path=x",
 * "-csearch_path=x", "--search_path=x"; the last one wins, as on the server), or undefined.
 */
function searchPathSchema(options: string | undefined): string | undefined {
  if (!options) return undefined;
  const all = [...options.matchAll(/(?:^|\s)(?:-c\s*|--)search_path=(\S*)/g)];
  const last = all.at(-1)?.[1];
  return last !== undefined && SCHEMA_NAME.test(last) ? last : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * PostgreSQL text cannot hold U+0000, which SQLite stores; certificate fields are attacker
 * controlled (a CN with an embedded NUL is an old trick), so it is written as U+FFFD instead of
 * failing a whole batch. JSON text written by JSON.stringify is unaffected (it escapes it).
 */
export function pgText<T extends string | null | undefined>(v: T): T {
  return (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '\uFFFD') : v) as T;
}

/** BIGINT / BIGSERIAL (ids, milliseconds) and count(*) as numbers: all below 2^53. */
const INT8 = 20;
const INT8_ARRAY = 1016;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === INT8_ARRAY) {
      const arr = pg.types.getTypeParser(oid as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (v: string) => string[];
      return (v: string) => arr(v).map(Number);
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * A pool on the parsed URL, in `schema` when given, else in the URL's search_path schema.
 * Returns that schema (for migratePg's createSchema), if any. Connects lazily.
 */
export function createPool(opts: PgConnectionOptions): { pool: pg.Pool; display: string; schema?: string } {
  const { config, display, schema: urlSchema } = parseStoreUrl(opts.url);
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new StoreError('STORE_URL', `schema "${opts.schema}" must be lower-case letters, digits and "_"`);
  }
  const options = [config.options, opts.schema ? `-c search_path=${opts.schema}` : undefined].filter(Boolean).join(' ');
  const pool = new pg.Pool({
    ...config,
    ...(options ? { options } : {}),
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: config.application_name ?? 'ctwatch',
    types,
  });
  // Without a listener a connection's error (server restart, network cut) would be an uncaught
  // exception: the pool reports idle ones; checked-out ones get a listener of their own for
  // good, as the error may come between two statements (the next one then fails and says so).
  pool.on('error', (err) => opts.onIdleError?.(err));
  pool.on('connect', (client) => client.on('error', () => undefined));
  const schema = opts.schema ?? urlSchema;
  return { pool, display, ...(schema ? { schema } : {}) };
}

/** SQLSTATEs worth running the whole transaction again for. */
const RETRY_CODES = new Set([
  '40P01', // deadlock_detected
  '40001', // serialization_failure
  '23505', // unique_violation: another instance inserted the same key first; again sees its row
  '23503', // foreign_key_violation: a row we read was pruned meanwhile
]);
const MAX_ATTEMPTS = 8;

/** Errors meaning "the database is not reachable now" rather than "this statement is wrong". */
export function isOutage(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  const code = e.code ?? '';
  if (/^(08|57P0[1-3]|53300)/.test(code)) return true; // connection exceptions, shutdown, too many connections
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

/** Rethrows outages as StoreError STORE_UNAVAILABLE (with the driver error as cause). */
export function mapError(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  if (isOutage(err)) return new StoreError('STORE_UNAVAILABLE', `PostgreSQL unavailable: ${(err as Error).message}`, { cause: err });
  return err;
}

/**
 * Runs `fn` in a READ COMMITTED transaction on one pooled connection (opened with `beginSql`: BEGIN,
 * optionally followed by statements without parameters), again (from the start) on
 * deadlock, serialization failure or a lost insert race, up to 8 times. Other errors roll back
 * and propagate; outages as STORE_UNAVAILABLE.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, beginSql = 'BEGIN'): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw mapError(err);
    }
    let broken = false;
    try {
      await client.query(beginSql);
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      const code = (err as { code?: string }).code;
      if (!broken && code !== undefined && RETRY_CODES.has(code) && attempt < MAX_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        continue;
      }
      throw mapError(err);
    } finally {
      // A connection that failed mid-transaction is discarded, not returned to the pool.
      client.release(broken ? true : undefined);
    }
  }
}

/** One statement outside a transaction; outages as STORE_UNAVAILABLE. */
export async function query<R extends pg.QueryResultRow = any>(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(sql, params);
  } catch (err) {
    throw mapError(err);
  }
}
