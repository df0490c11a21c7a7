/**
 * Issue 16: the shared enrichment store suite on PostgreSQL, each test in a schema of its own
 * (test/helpers/pg.ts), dropped afterwards. Skipped only when the test server is unreachable
 * outside CI (testPgUrl throws on CI).
 */
import { afterAll } from 'vitest';
import { openPgBackend } from '../../src/store/pg/index.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';
import { DAY } from './backend-suite.js';
import { defineEnrichmentSuite } from './enrichment-suite.js';

const { url, why } = await testPgUrl();
const schemas = new Set<string>();

afterAll(async () => {
  if (url) for (const s of schemas) await dropSchema(url, s);
});

defineEnrichmentSuite(
  'postgres',
  url
    ? async (clock, alertDelayMs) => {
        const schema = freshSchema();
        schemas.add(schema);
        return openPgBackend({ url, schema, realertAfterMs: 30 * DAY, now: () => clock.t, alertDelayMs, max: 4 });
      }
    : null,
  why,
);
