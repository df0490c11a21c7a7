/** A full enrichment queue drops low-severity work first, counts it, and lets the dropped hit's alerts go. */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createEnrichment } from '../../src/enrich/index.js';
import { enrichSchema } from '../../src/enrich/config-schema.js';
import { createLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/index.js';
import { tmpDir } from '../helpers/fixtures.js';

const rec = (name: string, severity: 'low' | 'high', seenAt: number) => ({
  issuance: { issuanceKey: `k-${name}`, sha256: null, serial: null, issuer: null, subject: null, notBefore: null, notAfter: null, precert: false, names: [name], logUrl: null, logIndex: null, source: 't', seenAt },
  matches: [{ name, registrable: name, brand: 'PayPal', watch: null, technique: 'keyword', techniques: ['keyword'], severity, score: 50, reason: 'r' }],
});

describe('enrichment queue when full', () => {
  it('keeps the high-severity job: the waiting low one and the new low one are dropped, counted, their alerts released', async () => {
    const silent = dgram.createSocket('udp4'); // a DNS server that never answers: jobs stay busy
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const now = Date.now();
    const store = openStore(path.join(tmpDir(), 'q.db'), { realertAfterMs: 1, alertDelayMs: 60_000 });
    const ids = store.hits.recordBatch([rec('paypal-1.com', 'low', now), rec('paypal-2.com', 'high', now), rec('paypal-3.com', 'low', now)], () => ['siem']).hitIds;
    const registry = new client.Registry();
    const e = createEnrichment(enrichSchema.parse({ enabled: true, concurrency: 1, max_queue: 1, rdap: false, web: false, dns_servers: [`127.0.0.1:${(silent.address() as AddressInfo).port}`], dns_timeout: 5, dns_tries: 1 }), {
      store: store.enrichment,
      log: createLogger({ level: 'silent' }),
      registry,
      brandTerms: () => [],
      onOutbox: () => undefined,
    });
    // One queue slot, all three submitted in one batch: low 1 is queued, then displaced by high 2;
    // low 3 finds only high work waiting and is dropped itself.
    e.submit(ids);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const dropped = await registry.getSingleMetric('ctwatch_enrich_dropped_total')!.get();
    expect(dropped.values).toEqual([{ value: 2, labels: { severity: 'low' } }]);
    // The dropped hits' alerts are due now; the high one's is still held for its enrichment.
    const due = store.outbox.claimDue('siem', Date.now(), 10, 1_000).map((d) => d.hitId);
    expect(due).toEqual([ids[0], ids[2]]);
    await e.close(100);
    store.close();
    silent.close();
  });
});
