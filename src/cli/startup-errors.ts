/**
 * One-line explanations of the start-up failures an operator causes and can fix (a port in use,
 * a port that needs privileges), instead of a fatal JSON log with a stack trace.
 */

const LISTEN_CAUSES: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (another ctwatch, or another service?)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'this host has no such address',
};

/** The errno codes along an error's `cause` chain (bounded: causes can be cyclic). */
function codes(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 8; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string') out.push(e.code);
  }
  return out;
}

/** Start-up failures of the database that the operator fixes (store.path or store.url), by error code. */
const STORE_CODES = new Set(['DB_OPEN', 'DB_TOO_NEW', 'STORE_URL', 'STORE_UNAVAILABLE', 'SCHEMA_MISMATCH']);
/** Codes only the PostgreSQL store (store.url) raises; DB_TOO_NEW names its own store in its message. */
const URL_CODES = new Set(['STORE_URL', 'STORE_UNAVAILABLE', 'SCHEMA_MISMATCH']);

/**
 * For a failure to listen on `listen` (http.listen), e.g.
 * "http.listen 127.0.0.1:8080: the port is already in use (another ctwatch, or another service?)";
 * for a database that cannot be opened or is newer than this ctwatch, "store.path: <its message>"
 * ("store.url: ..." for PostgreSQL: unreachable, bad URL; the messages never hold the password);
 * null for any other error (which keeps its full log). Works for Node's net errors whatever the
 * HTTP layer wraps them in.
 */
export function startupErrorLine(err: unknown, listen?: string): string | null {
  const all = codes(err);
  // Database errors say what and where themselves ("cannot open database FILE: ...").
  if (all[0] !== undefined && STORE_CODES.has(all[0])) return `${URL_CODES.has(all[0]) ? 'store.url' : 'store.path'}: ${(err as Error).message}`;
  const code = all.find((c) => c in LISTEN_CAUSES);
  if (!code) return null;
  const e = err as { address?: string; port?: number };
  const where = listen ?? (e.address !== undefined ? `${e.address}:${e.port}` : '');
  return `cannot listen on http.listen ${where}: ${LISTEN_CAUSES[code]}`.replace('  ', ' ');
}
