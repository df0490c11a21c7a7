/**
 * Opens the store backend a configuration asks for: `url` (postgres://...) selects PostgreSQL,
 * otherwise `path` selects SQLite. The one place the switch-over (issue 16) calls instead of
 * openStore.
 */
import type { StoreBackend } from './backend.js';
import { StoreError } from './backend.js';
import { openSqliteBackend } from './sqlite-backend.js';

export interface StoreSelection {
  /** SQLite file. */
  path?: string;
  /** postgres://user@host:5432/db (see pg/connection.ts parseStoreUrl). Wins over `path`. */
  url?: string;
  realertAfterMs: number;
  now?: () => number;
  /** SQLite: false for short-lived readers such as the CLI (see openStore). Default true. */
  checkpointOnClose?: boolean;
  /** PostgreSQL: schema to use (created if missing); default the URL's search_path schema, else the server's search_path. */
  schema?: string;
  /** PostgreSQL: this instance's name in leases. */
  instanceId?: string;
  /** PostgreSQL: told about errors of idle pooled connections. */
  onIdleError?: (err: Error) => void;
}

/** Rejects as openPgBackend / openSqliteBackend do; STORE_URL when neither is given. */
export async function openBackend(sel: StoreSelection): Promise<StoreBackend> {
  const common = { realertAfterMs: sel.realertAfterMs, ...(sel.now ? { now: sel.now } : {}) };
  if (sel.url !== undefined) {
    // Loaded on demand: SQLite users (and every CLI read) do not pay for loading the driver.
    const { openPgBackend } = await import('./pg/index.js');
    return openPgBackend({ url: sel.url, ...common, ...(sel.schema ? { schema: sel.schema } : {}), ...(sel.instanceId ? { instanceId: sel.instanceId } : {}), ...(sel.onIdleError ? { onIdleError: sel.onIdleError } : {}) });
  }
  if (sel.path !== undefined) return openSqliteBackend(sel.path, { ...common, ...(sel.checkpointOnClose !== undefined ? { checkpointOnClose: sel.checkpointOnClose } : {}) });
  throw new StoreError('STORE_URL', 'store: give store.path (SQLite) or store.url (PostgreSQL)');
}
