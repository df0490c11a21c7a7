/** The RDAP bootstrap file is refreshed from its URL when online; a failed refresh keeps the copy in use. */
import path from 'node:path';
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createEnrichment } from '../../src/enrich/index.js';
import { enrichSchema } from '../../src/enrich/config-schema.js';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/index.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';

describe('RDAP bootstrap refresh', () => {
  it.each([
    ['a good file replaces the snapshot', 200, JSON.stringify({ version: '1.0', publication: '2026-12-06T05:00:00Z', services: [[['zz', 'yy'], ['https://rdap.zz.example/']]] }), 'RDAP bootstrap file refreshed'],
    ['a bad answer keeps the snapshot', 500, 'oops', 'RDAP bootstrap refresh failed'],
  ])('%s', async (_what, status, body, expected) => {
    const server = new HttpReceiver();
    server.respond = () => ({ status, headers: { 'content-type': 'application/json' }, body });
    await server.start();
    const logs: string[] = [];
    const store = openStore(path.join(tmpDir(), 'b.db'), { realertAfterMs: 1 });
    const e = createEnrichment(enrichSchema.parse({ enabled: true, rdap_bootstrap_url: `http://127.0.0.1:${server.port}/dns.json` }), {
      store: store.enrichment,
      log: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
      registry: new client.Registry(),
      brandTerms: () => [],
      onOutbox: () => undefined,
    });
    e.start();
    await until(() => logs.some((l) => l.includes(expected)), 10_000, expected);
    expect(server.requests[0]!.headers['user-agent']).toMatch(/^ctwatch/);
    if (status === 200) expect(logs.find((l) => l.includes(expected))).toContain('"tlds":2');
    await e.close();
    store.close();
    await server.stop();
  });
});
