/** EnrichmentStore on a real SQLite file: held alerts, the re-check schedule, where alerts went. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { tmpDir } from '../helpers/fixtures.js';
import type { Enrichment } from '../../src/enrich/types.js';

function record(hitName: string, seenAt: number) {
  return {
    issuance: { issuanceKey: `k-${hitName}`, sha256: null, serial: null, issuer: null, subject: null, notBefore: null, notAfter: null, precert: false, names: [hitName], logUrl: null, logIndex: null, source: 't', seenAt },
    matches: [{ name: hitName, registrable: hitName, brand: 'PayPal', watch: null, technique: 'keyword', techniques: ['keyword'], severity: 'medium' as const, score: 50, reason: 'r' }],
  };
}

const enrichment = (round: number, at: number): Enrichment => ({ checked_at: new Date(at).toISOString(), round, registrable: 'x.com', registration: null, dns: null, web: null, severity: 'medium', base_severity: 'medium', reasons: [] });

describe('SqliteEnrichmentStore', () => {
  it('holds new alerts, releases them once, keeps history and the schedule', () => {
    let now = 1_000_000;
    const store = openStore(path.join(tmpDir(), 'e.db'), { realertAfterMs: 1, now: () => now, alertDelayMs: 8_000 });
    const r = store.hits.recordBatch([record('paypal-a.com', now), record('paypal-b.com', now)], () => ['chat', 'siem']);
    const [a, b] = r.hitIds as [number, number];
    expect(store.outbox.countDue(now)).toBe(0); // held
    expect(store.enrichment.releaseAlerts(a, now)).toBe(2);
    expect(store.enrichment.releaseAlerts(a, now)).toBe(0); // idempotent
    expect(store.outbox.countDue(now)).toBe(2);
    expect(store.outbox.countDue(now + 8_000)).toBe(4); // b's hold runs out by itself

    expect(store.enrichment.save(a, enrichment(0, now), { round: 1, dueAt: now + 3_600_000 })).toBeNull();
    expect(store.enrichment.save(b, enrichment(0, now), { round: 1, dueAt: now + 3_600_000 })).toBeNull();
    expect(store.enrichment.claimDue(now + 3_599_999, 10, 600_000)).toEqual([]);
    // A false positive is no longer watched: its schedule row goes.
    store.hits.setStatus(b, 'false_positive');
    now += 3_600_000;
    expect(store.enrichment.claimDue(now, 10, 600_000)).toEqual([{ hitId: a, round: 1 }]);
    expect(store.enrichment.claimDue(now, 10, 600_000)).toEqual([]); // leased
    expect(store.enrichment.save(a, enrichment(1, now), null)!.round).toBe(0);
    expect(store.enrichment.history(a).map((e) => e.round)).toEqual([1, 0]);
    expect(store.enrichment.enrichmentFor(a)!.round).toBe(1);
    expect(store.enrichment.claimDue(now + 30 * 86_400_000, 10, 1)).toEqual([]);
    store.close();
  });

  it('knows which message carried the original alert (for threading)', () => {
    const now = 5_000_000;
    const store = openStore(path.join(tmpDir(), 't.db'), { realertAfterMs: 1, now: () => now });
    const r = store.hits.recordBatch([record('paypal-c.com', now), record('paypal-d.com', now), record('paypal-e.com', now)], () => ['chat']);
    const rows = store.outbox.claimDue('chat', now, 10, 60_000);
    // c and d went out together in one message, e alone later.
    store.outbox.markDelivered([rows[0]!.id, rows[1]!.id], now + 10);
    store.outbox.markDelivered([rows[2]!.id], now + 20);
    const [c, , e] = r.hitIds as [number, number, number];
    expect(store.enrichment.sentAlerts(c)).toEqual([{ notifierId: 'chat', deliveryId: rows[0]!.id, message: { firstDeliveryId: rows[0]!.id, count: 2 } }]);
    expect(store.enrichment.sentAlerts(e)).toEqual([{ notifierId: 'chat', deliveryId: rows[2]!.id, message: { firstDeliveryId: rows[2]!.id, count: 1 } }]);
    expect(store.enrichment.queueUpdates(e, new Map([['chat', { round: 1 }]]), now)).toHaveLength(1);
    expect(store.outbox.list({ status: 'pending' }).map((d) => d.kind)).toEqual(['update']);
    store.close();
  });
});
