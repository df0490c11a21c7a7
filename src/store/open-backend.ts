/**
 * Opens the store backend a configuration asks for: `url` (postgres://...) selects PostgreSQL,
 * otherwise `path` selects SQLite. The daemon and the CLI open their store here.
 */
import type { StoreBackend } from './backend.js';
import { StoreError } from './backend.js';
import { openStore, type Store } from './index.js';
import { openPgBackend } from './pg/index.js';
import { sqliteBackend } from './sqlite-backend.js';

export interface StoreSelection {
  /** SQLite file. */
  path?: string;
  /** postgres://user@host:5432/db (see pg/connection.ts parseStoreUrl). Wins over `path`. */
  url?: string;
  realertAfterMs: number;
  now?: () => number;
  /** New hits' alerts wait this long (enrichment's hold_alerts); default 0. */
  alertDelayMs?: number;
  /** SQLite: fold the WAL back on close (the daemon); false for CLI readers. Default true. */
  checkpointOnClose?: boolean;
  /** PostgreSQL: schema to use (created if missing); default the server's search_path. */
  schema?: string;
  /** PostgreSQL: this instance's name in leases. */
  instanceId?: string;
  /** PostgreSQL: told about errors of idle pooled connections. */
  onIdleError?: (err: Error) => void;
}

/** Rejects as openPgBackend / openSqliteBackend do; STORE_URL when neither is given. */
export async function openBackend(sel: StoreSelection): Promise<StoreBackend> {
  return (await openSelectedStore(sel)).backend;
}

export interface OpenedStore {
  backend: StoreBackend;
  /** The synchronous SQLite store behind `backend`; null on PostgreSQL. */
  sqlite: Store | null;
}

/** As openBackend, also handing out the SQLite store itself (the daemon's tests and tools read it). */
export async function openSelectedStore(sel: StoreSelection): Promise<OpenedStore> {
  const common = { realertAfterMs: sel.realertAfterMs, ...(sel.now ? { now: sel.now } : {}), ...(sel.alertDelayMs ? { alertDelayMs: sel.alertDelayMs } : {}) };
  if (sel.url !== undefined) {
    const backend = await openPgBackend({ url: sel.url, ...common, ...(sel.schema ? { schema: sel.schema } : {}), ...(sel.instanceId ? { instanceId: sel.instanceId } : {}), ...(sel.onIdleError ? { onIdleError: sel.onIdleError } : {}) });
    return { backend, sqlite: null };
  }
  if (sel.path !== undefined) {
    const store = openStore(sel.path, { ...common, ...(sel.checkpointOnClose === false ? { checkpointOnClose: false } : {}) });
    return { backend: sqliteBackend(store, sel.now), sqlite: store };
  }
  throw new StoreError('STORE_URL', 'store: give store.path (SQLite) or store.url (PostgreSQL)');
}
