/** The digest: per-route counts and high-severity names, queued and delivered like any alert. */
import { describe, expect, it } from 'vitest';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { makeHarness } from './harness.js';
import { queueDigests } from '../../src/jobs/digest.js';

describe('digest', () => {
  it('summarises each route and goes out through its notifiers', async () => {
    const hook = new HttpReceiver();
    await hook.start();
    const h = makeHarness({
      notifiers: [{ id: 'siem', type: 'webhook', url: hook.url }],
      routes: [{ notifiers: ['siem'], brands: ['PayPal'] }],
    });
    const from = h.clock.t;
    h.addHit('paypal-login.com', 'PayPal');
    h.addHit('paypal-verify.com', 'PayPal');
    h.addHit('other-login.com', 'Other');
    h.clock.t += 1000;
    const n = await queueDigests(h.backend, [{ notifiers: ['siem'], brands: ['PayPal'], min_severity: 'low' }], from, h.clock.t, { uptimeSeconds: 60, reconnects: 1, gaps: 0, dropped: 2 }, 10);
    expect(n).toBe(1);
    await h.advance(5_000);
    const digest = hook.requests.map((r) => JSON.parse(r.body)).find((b) => b.type === 'ctwatch.digest');
    expect(digest).toBeDefined();
    expect(JSON.stringify(digest)).toContain('paypal-login.com');
    expect(JSON.stringify(digest)).not.toContain('other-login.com');
    await h.close();
    await hook.stop();
  });
});
