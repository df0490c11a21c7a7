/**
 * Issue 3, point 2: the whole daemon against a server that is killed and restarted, one that
 * closes the socket every N messages, and one that stalls with the socket open. Each ends in a
 * reconnect within the backoff bounds, /readyz goes 503 and back to 200, nothing crashes, and the
 * stale-feed alert fires exactly once per outage, the recovery notice once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCertstream, type FakeCertstreamOptions } from '../helpers/certstream-server.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dbPath, getJson, startTestApp, until, type TestApp } from '../helpers/app.js';
import { logLines, metricValue, Pump } from './helpers/stream.js';

const SECRET = 'whsec_' + Buffer.from('outage-test-signing-key-012345').toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Rig {
  server: FakeCertstream;
  receiver: HttpReceiver;
  pump: Pump;
  t: TestApp;
  feed: Record<string, number>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    r.pump.stop();
    await r.t.app.close();
    await r.server.stop();
    await r.receiver.stop();
  }
});

async function rig(serverOpts: FakeCertstreamOptions, feed: Record<string, number>): Promise<Rig> {
  const server = new FakeCertstream(serverOpts);
  await server.start();
  const receiver = new HttpReceiver();
  await receiver.start();
  const t = await startTestApp(
    {
      feed: { url: server.url, ping_interval: 0.1, pong_timeout: 3, ...feed },
      store: { path: dbPath(tmpDir()) },
      http: { listen: '127.0.0.1:0' },
      notifiers: [{ id: 'ops', type: 'webhook', url: receiver.url, secret: SECRET }],
      routes: [{ notifiers: ['ops'] }],
    },
    {},
  );
  const r: Rig = { server, receiver, pump: new Pump([server], 30), t, feed };
  rigs.push(r);
  await server.waitForClients(1);
  return r;
}

const ready = async (r: Rig) => (await getJson(`${r.t.base}/readyz`)).status;
const healthEvents = (r: Rig, event: string) =>
  r.receiver.requests.map((q) => JSON.parse(q.body)).filter((b) => b.type === 'ctwatch.health' && b.event === event).length;
const reconnectLogs = (r: Rig) => logLines(r.t.logs).filter((l) => l.msg === 'feed reconnecting');

function expectDelaysWithinBounds(r: Rig): void {
  const logs = reconnectLogs(r);
  expect(logs.length).toBeGreaterThan(0);
  for (const l of logs) {
    expect(l.delay_ms).toBeGreaterThanOrEqual(r.feed.reconnect_min * 1000);
    expect(l.delay_ms).toBeLessThanOrEqual(r.feed.reconnect_max * 1000);
  }
}

describe('outages', () => {
  it('server killed and restarted: 503 while down, one stale alert despite many failed dials, 200 and one recovery after', async () => {
    const r = await rig({}, { stale_after: 0.5, alert_after: 0.8, reconnect_min: 0.05, reconnect_max: 0.25, reconnect_reset_after: 0.2 });
    r.pump.start();
    await until(async () => (await ready(r)) === 200, 5_000, 'ready');

    const port = r.server.port;
    r.pump.stop();
    await r.server.stop();
    await until(async () => (await ready(r)) === 503, 5_000, 'not ready while down');
    await r.receiver.waitFor(() => healthEvents(r, 'feed.stale') === 1, 10_000);
    // Keep it down long enough for several more failed dials: none of them may alert again.
    const failedBefore = reconnectLogs(r).filter((l) => l.reason === 'connect_failed').length;
    await until(() => reconnectLogs(r).filter((l) => l.reason === 'connect_failed').length >= failedBefore + 3, 10_000, 'more failed dials');

    r.server.port = port;
    await r.server.start();
    await r.server.waitForClients(1, 10_000);
    r.pump.start();
    await until(async () => (await ready(r)) === 200, 5_000, 'ready again');
    await r.receiver.waitFor(() => healthEvents(r, 'feed.recovered') === 1, 10_000);
    await sleep(500); // a second alert or notice would have been queued by now
    await r.t.app.drained();

    expect(healthEvents(r, 'feed.stale')).toBe(1);
    expect(healthEvents(r, 'feed.recovered')).toBe(1);
    expectDelaysWithinBounds(r);
    const m = await (await fetch(`${r.t.base}/metrics`)).text();
    expect(metricValue(m, 'ctwatch_feed_reconnects_total{feed="feed0",reason="closed"}')).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, 'ctwatch_feed_reconnects_total{feed="feed0",reason="connect_failed"}')).toBeGreaterThanOrEqual(3);
    expect((await getJson(`${r.t.base}/livez`)).status).toBe(200);
  });

  it('server closing the socket every N messages: each close redials within the bounds, 503 then 200, and no alert for short blips', async () => {
    const N = 8;
    // reconnect_min keeps each blip long enough for /readyz to be seen at 503; alert_after is longer than any blip.
    const r = await rig({ closeEveryN: N }, { stale_after: 1, alert_after: 2, reconnect_min: 0.3, reconnect_max: 0.5, reconnect_reset_after: 0.1 });
    r.pump.start();
    let saw503 = 0;
    let saw200After503 = 0;
    let last = 0;
    await until(
      async () => {
        const s = await ready(r);
        if (s === 503 && last === 200) saw503++;
        if (s === 200 && last === 503 && saw503 > 0) saw200After503++;
        last = s;
        return saw200After503 >= 3 && r.server.connections >= 4;
      },
      20_000,
      'three 503 → 200 cycles',
    );
    r.pump.stop();
    await r.t.app.drained();

    expect(reconnectLogs(r).every((l) => l.reason === 'closed')).toBe(true);
    expectDelaysWithinBounds(r);
    expect(healthEvents(r, 'feed.stale')).toBe(0);
    expect(healthEvents(r, 'feed.recovered')).toBe(0);
    const m = await (await fetch(`${r.t.base}/metrics`)).text();
    expect(metricValue(m, 'ctwatch_feed_reconnects_total{feed="feed0",reason="closed"}')).toBeGreaterThanOrEqual(3);
  });

  it('server stalling with the socket open: stale redials, 503, exactly one alert over several redials, then 200 and one recovery', async () => {
    const r = await rig({}, { stale_after: 0.3, alert_after: 0.8, reconnect_min: 0.05, reconnect_max: 0.2, reconnect_reset_after: 0.1 });
    r.pump.start();
    await until(async () => (await ready(r)) === 200, 5_000, 'ready');

    r.pump.stop(); // the socket stays open; the server answers pings but sends nothing
    await until(async () => (await ready(r)) === 503, 5_000, 'not ready while stalled');
    await r.receiver.waitFor(() => healthEvents(r, 'feed.stale') === 1, 10_000);
    await until(() => reconnectLogs(r).filter((l) => l.reason === 'stale').length >= 4, 10_000, 'several stale redials');

    r.pump.start();
    await until(async () => (await ready(r)) === 200, 5_000, 'ready again');
    await r.receiver.waitFor(() => healthEvents(r, 'feed.recovered') === 1, 10_000);
    r.pump.stop();
    await sleep(500);

    expect(healthEvents(r, 'feed.stale')).toBe(1);
    expect(healthEvents(r, 'feed.recovered')).toBe(1);
    expectDelaysWithinBounds(r);
    expect(reconnectLogs(r).every((l) => l.reason === 'stale')).toBe(true);
    const body = JSON.parse(r.receiver.requests.find((q) => JSON.parse(q.body).event === 'feed.stale')!.body);
    expect(body).toMatchObject({ type: 'ctwatch.health', severity: 'high' });
  });
});
