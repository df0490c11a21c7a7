/**
 * A Processor on a real SQLite store in `dir` with one brand (PayPal) and one routed webhook that is
 * never reached: the setup the processor-level tests and the issuer bench share.
 */
import path from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { sqliteBackend } from '../../src/store/sqlite-backend.js';
import { buildConfig, type LoadedConfig } from '../../src/config/load.js';
import { compileRules } from '../../src/app.js';
import { Processor } from '../../src/pipeline/processor.js';
import type { ParsePool } from '../../src/pipeline/parse-pool.js';
import { Metrics } from '../../src/http/metrics.js';
import { silentLogger } from '../../src/log/logger.js';

export interface PaypalProcessor {
  loaded: LoadedConfig;
  store: Store;
  metrics: Metrics;
  processor: Processor;
}

export function paypalProcessor(dir: string, opts: { parsePool?: ParsePool } = {}): PaypalProcessor {
  const loaded = buildConfig({
    feed: { replay: 'unused.jsonl' },
    store: { path: path.join(dir, 'db.sqlite') },
    brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
    notifiers: [{ id: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/' }],
    routes: [{ notifiers: ['hook'] }],
  });
  const store = openStore(loaded.config.store.path, { realertAfterMs: loaded.config.store.realert_after });
  const rules = compileRules(loaded);
  const metrics = new Metrics({ defaultMetrics: false });
  const processor = new Processor({ hits: sqliteBackend(store).hits, metrics, log: silentLogger(), rules: () => rules, maxNames: 1000, ...(opts.parsePool ? { parsePool: opts.parsePool } : {}) });
  return { loaded, store, metrics, processor };
}
