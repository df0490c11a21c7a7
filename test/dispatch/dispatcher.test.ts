/** Issue 6: outbox delivery through real providers and receivers, on a fake clock. */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { makeHarness, type Harness } from './harness.js';

const receivers: HttpReceiver[] = [];
const harnesses: Harness[] = [];
async function receiver(): Promise<HttpReceiver> {
  const r = new HttpReceiver();
  await r.start();
  receivers.push(r);
  return r;
}
function harness(...a: Parameters<typeof makeHarness>): Harness {
  const h = makeHarness(...a);
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const r of receivers.splice(0)) await r.stop();
});

describe('dispatcher', () => {
  it('Slack answering 429 (Retry-After: 2), then 500, then 200: delivered once, not before the retry time, within the rate', async () => {
    const slack = await receiver();
    const h = harness({ notifiers: [{ id: 'slack', type: 'slack', url: slack.url }], routes: [{ notifiers: ['slack'] }] });
    const t0 = h.clock.t;
    const times: number[] = [];
    slack.respond = (_r, n) => {
      times.push(h.clock.t);
      if (n === 1) return { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' };
      if (n === 2) return { status: 500, body: 'oops' };
      return { status: 200, body: 'ok' };
    };
    h.addHit('paypal-login.com');
    await h.dispatcher.runOnce();
    expect(slack.requests).toHaveLength(1);
    await h.advance(1_750);
    expect(slack.requests).toHaveLength(1); // Retry-After not yet passed
    await h.advance(30_000);
    expect(slack.requests).toHaveLength(3);
    expect(times[0]).toBe(t0);
    expect(times[1]! - t0).toBeGreaterThanOrEqual(2_000);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
    expect(h.store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 1, dead: 0 });
    // The same alert each time: one hit listed.
    for (const r of slack.requests) expect(r.body).toContain('paypal-login[.]com');
  });

  it('paces a human channel at its rate when several groups are due at once', async () => {
    const slack = await receiver();
    const h = harness({ notifiers: [{ id: 'slack', type: 'slack', url: slack.url }], routes: [{ notifiers: ['slack'] }] });
    const times: number[] = [];
    slack.respond = () => (times.push(h.clock.t), { status: 200 });
    for (const brand of ['A', 'B', 'C', 'D']) h.addHit(`${brand.toLowerCase()}-login.com`, brand);
    await h.advance(10_000, 100);
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('one permanently failing notifier never delays the other; it goes dead, and retry --dead re-sends once it is back', async () => {
    const good = await receiver();
    const later = await receiver();
    const port = later.port;
    await later.stop(); // connection refused from now on
    const h = harness({
      notifiers: [
        { id: 'good', type: 'webhook', url: good.url },
        { id: 'down', type: 'webhook', url: `http://127.0.0.1:${port}/hook` },
      ],
      routes: [{ notifiers: ['good', 'down'] }],
      delivery: { max_attempts: 3, backoff_min: 1, backoff_max: 5 },
    });
    for (let i = 0; i < 5; i++) h.addHit(`paypal-${i}.com`);
    await h.dispatcher.runOnce();
    expect(good.requests).toHaveLength(5); // on time: the first pass
    await h.advance(60_000, 500);
    const dead = h.store.outbox.list({ status: 'dead' });
    expect(dead).toHaveLength(5);
    expect(dead.every((d) => d.notifierId === 'down' && d.attempts === 3)).toBe(true);
    expect(dead[0]!.lastError).toMatch(/down/);
    expect(good.requests).toHaveLength(5); // never repeated

    await later.start(port);
    expect(h.store.outbox.retryDead(null, h.clock.t)).toBe(5);
    await h.advance(2_000);
    expect(later.requests).toHaveLength(5);
    expect(h.store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 10, dead: 0 });
  });

  it('a burst of 1,000 hits for one brand in 30 s: at most 20 messages per human channel, every hit on the webhook', async () => {
    const slack = await receiver();
    const discord = await receiver();
    const hook = await receiver();
    discord.respond = () => ({ status: 204 });
    const h = harness({
      notifiers: [
        { id: 'slack', type: 'slack', url: slack.url },
        { id: 'discord', type: 'discord', url: discord.url },
        { id: 'siem', type: 'webhook', url: hook.url },
      ],
      routes: [{ notifiers: ['slack', 'discord', 'siem'] }],
    });
    for (let s = 0; s < 30; s++) {
      for (let i = 0; i < 34 && s * 34 + i < 1000; i++) h.addHit(`paypal-verify-${s * 34 + i}.com`);
      await h.advance(1_000);
    }
    await h.advance(180_000, 1_000);
    expect(h.store.outbox.countByStatus()).toEqual({ pending: 0, delivered: 3000, dead: 0 });
    console.log(`burst: slack ${slack.requests.length} messages, discord ${discord.requests.length}, webhook ${hook.requests.length}`);
    expect(slack.requests.length).toBeLessThanOrEqual(20);
    expect(discord.requests.length).toBeLessThanOrEqual(20);
    const ids = new Set(hook.requests.map((r) => JSON.parse(r.body).name));
    expect(ids.size).toBe(1000);
    // The grouped messages say how many certificates they cover.
    const mentioned = slack.requests.map((r) => JSON.parse(r.body).text as string).join('\n');
    expect(mentioned).toMatch(/\d{3}/);
  });
});
