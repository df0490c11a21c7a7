/** Per-rule firing counts: the metric, the digest line, and what was acknowledged. */
import { describe, expect, it } from 'vitest';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { makeHarness } from './harness.js';
import { queueDigests, ruleFiringsSince, summariseRuleFirings } from '../../src/jobs/digest.js';
import { Metrics } from '../../src/http/metrics.js';
import { ruleFiringLine } from '../../src/notify/format/render.js';

describe('rule firings', () => {
  it('the counter is labelled by brand and rule id from the config, and the digest reads its increase', async () => {
    const m = new Metrics({ defaultMetrics: false });
    for (let i = 0; i < 3; i++) m.countRule('Trust Wallet', 'keyword:trust');
    m.countRule('PayPal', 'label:paypal');
    const text = await m.render();
    expect(text).toContain('ctwatch_rule_firings_total{brand="Trust Wallet",rule="keyword:trust"} 3');
    const first = ruleFiringsSince(m, new Map());
    expect(first.counts).toEqual(expect.arrayContaining([{ brand: 'Trust Wallet', rule: 'keyword:trust', fired: 3 }]));
    m.countRule('Trust Wallet', 'keyword:trust');
    const second = ruleFiringsSince(m, first.now);
    expect(second.counts).toEqual([{ brand: 'Trust Wallet', rule: 'keyword:trust', fired: 1 }]);
  });

  it('renders "keyword `trust` fired on 4,210 names, N acknowledged"', () => {
    expect(ruleFiringLine({ brand: 'Trust Wallet', rule: 'keyword:trust', fired: 4210, acknowledged: 0 })).toBe('keyword `trust` (Trust Wallet) fired on 4,210 names, 0 acknowledged');
  });

  it('counts acknowledged hits of the rule, and follows the route brand filter', () => {
    const hits = [
      { brand: 'Trust Wallet', status: 'acknowledged', reason: "trust-wallet-verify.com: keyword 'trust' in registrable label 'trust-wallet-verify'" },
      { brand: 'Trust Wallet', status: 'new', reason: "trust-login.top: keyword 'trust' in registrable label 'trust-login'" },
      { brand: 'Trust Wallet', status: 'false_positive', reason: "trustwallet.net: brand label 'trustwallet' under .net" },
    ];
    const firings = [
      { brand: 'Trust Wallet', rule: 'keyword:trust', fired: 4210 },
      { brand: 'PayPal', rule: 'keyword:paypal', fired: 3 },
    ];
    expect(summariseRuleFirings(hits, { notifiers: ['x'], min_severity: 'low', brands: ['Trust Wallet'] } as never, firings)).toEqual([
      { brand: 'Trust Wallet', rule: 'keyword:trust', fired: 4210, acknowledged: 1 },
    ]);
  });

  it('goes out in the digest payload', async () => {
    const hook = new HttpReceiver();
    await hook.start();
    const h = makeHarness({ notifiers: [{ id: 'siem', type: 'webhook', url: hook.url }], routes: [{ notifiers: ['siem'] }] });
    const from = h.clock.t;
    h.addHit('paypal-login.com', 'PayPal');
    h.clock.t += 1000;
    await queueDigests(h.backend, [{ notifiers: ['siem'], min_severity: 'low' } as never], from, h.clock.t, { uptimeSeconds: 60, reconnects: 0, gaps: 0, dropped: 0 }, 10, [{ brand: 'PayPal', rule: 'keyword:paypal', fired: 12 }]);
    await h.advance(5_000);
    const digest = hook.requests.map((r) => JSON.parse(r.body)).find((b) => b.type === 'ctwatch.digest');
    expect(digest.rule_firings).toEqual([{ brand: 'PayPal', rule: 'keyword:paypal', fired: 12, acknowledged: 0 }]);
    await h.close();
    await hook.stop();
  });
});
