/** Issue 5, point 5: a database created by the first released schema upgrades without losing rows. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { FIXTURES, tmpDir } from '../helpers/fixtures.js';

const TABLES = ['issuances', 'hits', 'sightings', 'deliveries', 'inventory', 'suppressions', 'allowlist', 'ctlog_positions'];

function rowCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  const out = Object.fromEntries(TABLES.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  db.close();
  return out;
}

describe('migrations', () => {
  it('upgrades the schema-v1 fixture to the latest version without losing rows', () => {
    const file = path.join(tmpDir(), 'v1.db');
    fs.copyFileSync(path.join(FIXTURES, 'store/schema-v1.db'), file);
    const before = rowCounts(file);
    expect(Object.values(before).every((n) => n > 0)).toBe(true);

    const store = openStore(file, { realertAfterMs: 30 * 86_400_000 });
    expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    // Data written by v1 is readable through today's queries.
    const hits = store.hits.listHits();
    expect(hits.map((h) => h.name).sort()).toEqual(['login.example.com', 'paypa1.com', 'paypal-secure-login.com']);
    expect(hits.find((h) => h.name === 'login.example.com')!.status).toBe('acknowledged');
    expect(store.outbox.countByStatus()).toEqual({ pending: 1, delivered: 2, dead: 0 });
    expect(store.positions.load('https://log.example/')).toEqual({ next: 103 });
    // And the new columns work.
    expect(store.hits.setStatus(hits[0]!.id, 'acknowledged')).toBe(true);
    store.close();
    expect(rowCounts(file)).toEqual(before);
  });

  it('is idempotent, and refuses a database from a newer ctwatch', () => {
    const file = path.join(tmpDir(), 'x.db');
    const db = new Database(file);
    expect(migrate(db)).toEqual({ from: 0, to: LATEST_VERSION });
    expect(migrate(db)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION });
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this ctwatch/);
    db.close();
  });

  it.each(MIGRATIONS.map((m) => [m.version]))('every version from %i upgrades to the latest', (from) => {
    const file = path.join(tmpDir(), `from-${from}.db`);
    const db = new Database(file);
    for (const m of MIGRATIONS) if (m.version <= from) m.up(db);
    db.pragma(`user_version = ${from}`);
    expect(migrate(db).to).toBe(LATEST_VERSION);
    expect((db.prepare("SELECT count(*) AS n FROM pragma_table_info('hits') WHERE name = 'triaged_at'").get() as { n: number }).n).toBe(1);
    db.close();
  });
});
