/** Issue 16: the shared store suite on the SQLite adapter (real SQLite files). */
import path from 'node:path';
import { openSqliteBackend } from '../../src/store/sqlite-backend.js';
import { tmpDir } from '../helpers/fixtures.js';
import { defineBackendSuite } from './backend-suite.js';

defineBackendSuite('sqlite', async (clock, realertAfterMs) =>
  openSqliteBackend(path.join(tmpDir(), 'store.sqlite'), { realertAfterMs, now: () => clock.t }),
);
