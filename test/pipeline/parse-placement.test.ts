/**
 * Where a candidate's full parse runs: in a worker thread when there is a backlog, on the main
 * thread when there is none (lower latency to commit). Both give the same stored hit.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { buildConfig } from '../../src/config/load.js';
import { compileRules } from '../../src/app.js';
import { Processor } from '../../src/pipeline/processor.js';
import { ParsePool } from '../../src/pipeline/parse-pool.js';
import { Metrics } from '../../src/http/metrics.js';
import { silentLogger } from '../../src/log/logger.js';
import { decodeCertstreamText } from '../../src/feed/certstream-decode.js';
import { CertFactory, fullStreamMessage } from '../helpers/cert-factory.js';
import { ROOT, tmpDir } from '../helpers/fixtures.js';

// The compiled worker (`npm test` builds first): worker threads run JavaScript, not TypeScript.
const WORKER = pathToFileURL(path.join(ROOT, 'dist/src/pipeline/parse-worker.js'));

describe('parse placement', () => {
  const pool = new ParsePool(1, WORKER);
  afterAll(() => pool.close());

  it.each([
    ['backlog: the worker parses', false, false, 1],
    ['no backlog: parsed inline, the worker is not asked', true, false, 0],
    ['a batch from a CT log read (a backlog by nature): the worker parses', true, true, 1],
  ])('%s', async (_label, inline, fromBacklog, poolCalls) => {
    const dir = tmpDir();
    const loaded = buildConfig({
      feed: { replay: 'unused.jsonl' },
      store: { path: path.join(dir, 'db.sqlite') },
      brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
      notifiers: [{ id: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/' }],
      routes: [{ notifiers: ['hook'] }],
    });
    const store = openStore(loaded.config.store.path, { realertAfterMs: loaded.config.store.realert_after });
    const rules = compileRules(loaded);
    let calls = 0;
    const counting = Object.create(pool) as ParsePool;
    counting.parse = (ders) => {
      calls++;
      return pool.parse(ders);
    };
    const processor = new Processor({
      store,
      metrics: new Metrics({ defaultMetrics: false }),
      log: silentLogger(),
      rules: () => rules,
      maxNames: 1000,
      parsePool: counting,
      parseInline: () => inline,
    });
    const factory = await CertFactory.create();
    const iss = await factory.issue(['paypal-secure-login.com']);
    const r = decodeCertstreamText(fullStreamMessage(iss.final, iss.names, { log: 'https://log-a.example/', index: 1, precert: false }), { source: 'test', maxNames: 1000 });
    if (r.kind !== 'cert') throw new Error('fixture did not decode');
    await processor.processBatch([r.event], undefined, fromBacklog);
    expect(calls).toBe(poolCalls);
    const hits = store.hits.listHits();
    expect(hits).toHaveLength(1);
    // Stored with its details either way.
    expect(hits[0]!.issuer).toBeTruthy();
    store.close();
  });
});
