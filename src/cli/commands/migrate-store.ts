/**
 * `ctwatch migrate-store --from FILE --to postgres://USER@HOST:5432/DB`: copies a SQLite store
 * (hits, sightings, triage, inventory, allow list, positions, outbox) into an empty PostgreSQL
 * store and compares the row counts of every table. Stop the daemon first.
 *
 * The password belongs in PGPASSWORD (node-postgres reads it), not in the URL: command lines are
 * visible to every user of the machine. The schema is the URL's `options=-c search_path=NAME`
 * (created when missing), else the server's default.
 */
import { StoreError } from '../../store/backend.js';
import { copySqliteToPg } from '../../store/pg/copy-from-sqlite.js';
import { CliError, EXIT_USAGE, out } from '../util.js';

export async function migrateStoreCommand(f: { from?: string; to?: string; schema?: string }): Promise<number> {
  if (!f.from || !f.to) throw new CliError('usage: ctwatch migrate-store --from FILE --to postgres://USER@HOST:5432/DB', EXIT_USAGE);
  let report;
  try {
    report = await copySqliteToPg(f.from, { url: f.to, ...(f.schema ? { schema: f.schema } : {}) }, (table, rows) => out(`copied ${table}: ${rows} rows\n`));
  } catch (err) {
    const code = (err as { code?: string }).code;
    const usage = err instanceof StoreError && (code === 'STORE_URL' || code === 'TARGET_NOT_EMPTY');
    throw new CliError(`migrate-store: ${(err as Error).message}`, usage ? EXIT_USAGE : 1, { cause: err });
  }
  out(`\n${'table'.padEnd(16)} ${'SQLite'.padStart(10)} ${'PostgreSQL'.padStart(10)}\n`);
  for (const t of report.tables) out(`${t.table.padEnd(16)} ${String(t.source).padStart(10)} ${String(t.target).padStart(10)}${t.source === t.target ? '' : '  MISMATCH'}\n`);
  out(report.ok ? `\nevery row copied to ${report.target}\n` : `\ncounts differ: was the daemon still writing ${f.from}?\n`);
  return report.ok ? 0 : 1;
}
