/** Issue 16: the shared store suite on the SQLite adapter (real SQLite files). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBackend } from '../../src/store/open-backend.js';
import { openSqliteBackend } from '../../src/store/sqlite-backend.js';
import { tmpDir } from '../helpers/fixtures.js';
import { defineBackendSuite } from './backend-suite.js';

defineBackendSuite('sqlite', async (clock, realertAfterMs) =>
  openSqliteBackend(path.join(tmpDir(), 'store.sqlite'), { realertAfterMs, now: () => clock.t }),
);

describe('openBackend', () => {
  it('store.path opens SQLite; neither path nor url is refused', async () => {
    const b = await openBackend({ path: path.join(tmpDir(), 'x.sqlite'), realertAfterMs: 1 });
    expect(b.kind).toBe('sqlite');
    await b.close();
    await expect(openBackend({ realertAfterMs: 1 })).rejects.toMatchObject({ code: 'STORE_URL' });
  });
});
