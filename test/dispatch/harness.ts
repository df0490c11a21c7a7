/** A dispatcher over a real SQLite file, real providers and real HTTP receivers, driven by a fake clock. */
import path from 'node:path';
import { buildConfig } from '../../src/config/load.js';
import { openStore, type Store } from '../../src/store/index.js';
import { sqliteBackend } from '../../src/store/sqlite-backend.js';
import type { StoreBackend } from '../../src/store/backend.js';
import { Dispatcher, type NotifierEntry } from '../../src/notify/dispatcher.js';
import { getProvider } from '../../src/notify/registry.js';
import { compileRoutes } from '../../src/notify/routing.js';
import { Metrics } from '../../src/http/metrics.js';
import { silentLogger } from '../../src/log/logger.js';
import type { CandidateRecord } from '../../src/store/types.js';
import { tmpDir } from '../helpers/fixtures.js';

export interface Harness {
  clock: { t: number };
  store: Store;
  /** The same store as the daemon sees it (async). */
  backend: StoreBackend;
  dispatcher: Dispatcher;
  /** Records one hit for `brand` with the given name (and queues its deliveries). */
  addHit(name: string, brand?: string): void;
  /** Advances the fake clock in steps, running a dispatcher pass after each. */
  advance(ms: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

let serial = 1;

export function makeHarness(raw: { notifiers: Record<string, unknown>[]; routes: Record<string, unknown>[]; delivery?: Record<string, unknown> }): Harness {
  const dir = tmpDir();
  const clock = { t: Date.UTC(2026, 10, 26, 12) };
  const loaded = buildConfig({ feed: { replay: 'x' }, store: { path: path.join(dir, 'db.sqlite') }, ...raw });
  const store = openStore(loaded.config.store.path, { realertAfterMs: 30 * 86_400_000, now: () => clock.t });
  const backend = sqliteBackend(store, () => clock.t);
  const notifiers = new Map<string, NotifierEntry>();
  for (const n of loaded.notifiers) {
    const def = getProvider(n.type)!;
    notifiers.set(n.id, { def, timeoutMs: n.timeoutMs, notifier: def.create(n.id, n.options, { addSecret: () => {}, now: () => clock.t }) });
  }
  const dispatcher = new Dispatcher({
    outbox: backend.outbox,
    notifiers,
    delivery: loaded.config.delivery,
    log: silentLogger(),
    metrics: new Metrics({ defaultMetrics: false }),
    now: () => clock.t,
    random: () => 0.5,
  });
  const route = compileRoutes(loaded.config.routes);
  return {
    clock,
    store,
    backend,
    dispatcher,
    addHit(name, brand = 'PayPal') {
      const s = serial++;
      const rec: CandidateRecord = {
        issuance: {
          issuanceKey: `test:${s}`,
          sha256: null,
          serial: s.toString(16),
          issuer: "C=US, O=Let's Encrypt, CN=R11",
          subject: `CN=${name}`,
          notBefore: clock.t,
          notAfter: clock.t + 90 * 86_400_000,
          precert: false,
          names: [name],
          logUrl: 'https://log.example/',
          logIndex: s,
          source: 'test',
          seenAt: clock.t,
        },
        matches: [{ name, brand, watch: null, technique: 'combosquat', techniques: ['combosquat'], severity: 'high', score: 80, reason: `'${brand}' with a phishing term`, registrable: name }],
      };
      store.hits.recordBatch([rec], route);
    },
    async advance(ms, stepMs = 250) {
      const end = clock.t + ms;
      while (clock.t < end) {
        clock.t = Math.min(end, clock.t + stepMs);
        await dispatcher.runOnce();
      }
    },
    async close() {
      await dispatcher.close(500);
      store.close();
    },
  };
}
