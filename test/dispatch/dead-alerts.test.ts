/**
 * One dead webhook must not flood the other channels with one `delivery.dead` health alert per
 * hit (issue 14): at most one alert per failing notifier per window, carrying the count.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { startTestApp, until, type TestApp } from '../helpers/app.js';
import { NAVIGLI_REPLAY, tmpDir } from '../helpers/fixtures.js';
import { closedPort } from '../notify/helpers.js';
import { openStore } from '../../src/store/index.js';
import { DeadDeliveryAlerts, type DeadAlert } from '../../src/notify/dead-alerts.js';

describe('delivery.dead alerts', () => {
  const live = new HttpReceiver();
  let t: TestApp;

  beforeAll(async () => {
    await live.start();
    const dir = tmpDir();
    const dead = await closedPort();
    t = await startTestApp({
      feed: { replay: NAVIGLI_REPLAY, replay_then_idle: true },
      store: { path: path.join(dir, 'ctwatch.db') },
      http: { listen: '127.0.0.1:0' },
      brands: [
        { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
        { name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] },
      ],
      watch: [{ domain: '.chixbbq.org' }],
      notifiers: [
        { id: 'dead', type: 'webhook', url: `http://127.0.0.1:${dead}/hook` },
        { id: 'live', type: 'webhook', url: live.url },
      ],
      routes: [{ notifiers: ['dead', 'live'] }],
      delivery: { max_attempts: 1, group_window: '1h' },
    });
  });
  afterAll(async () => {
    await t?.app.close();
    await live.stop();
  });

  it('many dead hit deliveries on one webhook: one health alert on the other channel, with the count', async () => {
    const bodies = () => live.requests.map((r) => JSON.parse(r.body) as Record<string, any>);
    const hits = () => bodies().filter((b) => b.type === 'ctwatch.hit').length;
    // Every hit reaches the live webhook; the dead one has failed them all.
    await until(() => hits() > 5 && t.app.store.outbox.list({ status: 'dead' }).length === hits(), 30_000, 'hits delivered / dead');
    await new Promise((r) => setTimeout(r, 500));
    const deadCount = t.app.store.outbox.list({ status: 'dead' }).length;
    const health = bodies().filter((b) => b.type === 'ctwatch.health' && b.event === 'delivery.dead');
    expect(deadCount).toBeGreaterThan(5);
    expect(health).toHaveLength(1);
    expect(health[0]!.details).toMatchObject({ notifier: 'dead', count: expect.any(Number), last_error: expect.stringContaining('connection refused') });
    // The rest are counted, and reported together when the window ends (here: at shutdown, queued
    // in the outbox for the next start).
    await t.app.close();
    const store = openStore(t.loaded.config.store.path, { realertAfterMs: 1 });
    const queued = store.outbox.list({}).filter((r) => r.kind === 'health' && r.notifierId === 'live');
    store.close();
    // The first alert (delivered) and the window's summary (queued), together covering every dead delivery.
    expect(queued).toHaveLength(2);
    const counts = queued.map((r) => (r.payload as { details: { count: number } }).details.count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(deadCount);
  });
});

describe('DeadDeliveryAlerts', () => {
  it('first at once, the rest of the window summed into one alert when it ends', async () => {
    const raised: DeadAlert[] = [];
    let now = 1_000;
    const a = new DeadDeliveryAlerts({ windowMs: 150, raise: (x) => raised.push(x), now: () => now });
    a.dead('w', 1, 'e1');
    a.dead('w', 1, 'e2');
    a.dead('w', 2, 'e3');
    a.dead('other', 1, 'x');
    expect(raised).toEqual([
      { notifierId: 'w', count: 1, lastError: 'e1', summary: false },
      { notifierId: 'other', count: 1, lastError: 'x', summary: false },
    ]);
    now += 150;
    await until(() => raised.length === 3, 5_000, 'window summary');
    expect(raised[2]).toEqual({ notifierId: 'w', count: 3, lastError: 'e3', summary: true });
    // e4 falls in the window opened by that summary; e5 comes after it ended, before its timer
    // fired: one alert covers both, nothing is lost.
    a.dead('w', 1, 'e4');
    now += 150;
    a.dead('w', 1, 'e5');
    expect(raised.slice(3)).toEqual([{ notifierId: 'w', count: 2, lastError: 'e5', summary: false }]);
    a.close();
  });

  it('close() reports what is pending', () => {
    const raised: DeadAlert[] = [];
    const a = new DeadDeliveryAlerts({ windowMs: 60_000, raise: (x) => raised.push(x) });
    a.dead('w', 1, 'e1');
    a.dead('w', 4, 'e2');
    a.close();
    a.close();
    expect(raised.map((r) => r.count)).toEqual([1, 4]);
  });
});
