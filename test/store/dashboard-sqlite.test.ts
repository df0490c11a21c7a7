/**
 * The dashboard's queries on SQLite: the shared suite (dashboard-suite.ts) on real SQLite files,
 * and SQLite's own migration of the search index.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { openSqliteBackend } from '../../src/store/sqlite-backend.js';
import { FIXTURES, tmpDir } from '../helpers/fixtures.js';
import { DAY } from './backend-suite.js';
import { defineDashboardSuite } from './dashboard-suite.js';

defineDashboardSuite('sqlite', async (clock) => {
  const file = path.join(tmpDir(), 'dash.sqlite');
  const opts = { realertAfterMs: 30 * DAY, now: () => clock.t };
  return { backend: openSqliteBackend(file, opts), again: async (searchTuning) => openSqliteBackend(file, { ...opts, searchTuning }) };
});

describe('migration 5 on an older database', () => {
  it('indexes the names of the hits that were there before, and the v1 rows answer the dashboard', async () => {
    const file = path.join(tmpDir(), 'v1.db');
    fs.copyFileSync(path.join(FIXTURES, 'store/schema-v1.db'), file);
    const store = openStore(file, { realertAfterMs: 0 });
    try {
      const hits = store.hits.listHits();
      expect((store.db.prepare('SELECT count(*) AS n FROM hits_names').get() as { n: number }).n).toBe(hits.length);
      const found = await store.dashboard.listHits({ q: 'PAYPA' }, { limit: 10, sort: 'first_seen', order: 'desc', after: null });
      expect(found.hits.map((h) => h.name).sort()).toEqual(['paypa1.com', 'paypal-secure-login.com']);
      expect(found.hits.every((h) => h.takedown === null)).toBe(true);
    } finally {
      store.close();
    }
  });
});
