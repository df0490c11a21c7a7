/** Issue 16: the shared enrichment store suite on SQLite (a real file, through the SQLite backend). */
import path from 'node:path';
import { openStore } from '../../src/store/index.js';
import { sqliteBackend } from '../../src/store/sqlite-backend.js';
import { tmpDir } from '../helpers/fixtures.js';
import { DAY } from './backend-suite.js';
import { defineEnrichmentSuite } from './enrichment-suite.js';

defineEnrichmentSuite('sqlite', async (clock, alertDelayMs) => {
  const now = () => clock.t;
  return sqliteBackend(openStore(path.join(tmpDir(), 'enrich.sqlite'), { realertAfterMs: 30 * DAY, now, alertDelayMs }), now);
});
