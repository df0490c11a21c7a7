/**
 * Issue 17, points 1 and 3: the whole daemon with enrichment against a real DNS server, a real
 * RDAP server (RFC 9083 answers, a 429 with Retry-After first) and a real HTTPS server serving
 * the hit's own certificate, all on 127.0.0.1 (allow_private is on for this test only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertFactory, fullStreamMessage } from '../helpers/cert-factory.js';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dbPath, startTestApp, until, type TestApp } from '../helpers/app.js';
import { certPem, rdapDomain, rdapError, startDnsServer, startWebServer, writeBootstrap, type Zone } from './servers.js';
import { publicHit } from '../../src/cli/commands/hits.js';
import { resolveDashboardToken } from '../../src/http/token.js';
import { createHash } from 'node:crypto';
import { SEVERITIES, severityRank } from '../../src/match/types.js';

const LOG = 'https://enrich-test-log.example/';
const DAY = 86_400_000;

/**
 * One re-check that finds nothing new: it runs (one job), and no message follows the alert and
 * its one update (health alerts aside); the hit's enrichment rounds are `rounds`, newest first.
 */
async function expectNoSecondUpdate(s: Awaited<ReturnType<typeof setup>>, worker: { tick(): Promise<number>; idle(): Promise<void> }, hitId: number, rounds: number[]): Promise<void> {
  expect(await worker.tick()).toBe(1);
  await worker.idle();
  await s.t.app.dispatcher.runOnce();
  await new Promise((r) => setTimeout(r, 500)); // an extra message would have arrived by now
  const hookTypes = s.hook.requests.map((r) => JSON.parse(r.body).type).filter((t) => t !== 'ctwatch.health');
  const slackTexts = s.slack.requests.map((r) => JSON.parse(r.body).text as string).filter((t) => !t.includes('ctwatch health'));
  expect(hookTypes).toEqual(['ctwatch.hit', 'ctwatch.update']);
  expect(slackTexts).toHaveLength(2);
  expect((await s.t.app.store!.enrichment.history(hitId)).map((e) => e.round)).toEqual(rounds);
}

async function setup(opts: { name: string; zone: Zone; webUp: boolean; now?: () => number; enrich?: Record<string, unknown>; gate?: Promise<void>; title?: string; icon?: Buffer; brands?: unknown[] }) {
  const factory = await CertFactory.create();
  const iss = await factory.issue([opts.name]);
  const key = await factory.leafKeyPem();
  const zones = new Map<string, Zone>([[opts.name, opts.zone]]);
  const dns = await startDnsServer(zones);
  let rdapCalls = 0;
  const rdap = new HttpReceiver();
  rdap.respond = (req) => {
    rdapCalls++;
    if (rdapCalls === 1) return { status: 429, headers: { 'retry-after': '0.3', 'content-type': 'application/rdap+json' }, body: JSON.stringify(rdapError(429, 'Too Many Requests')) };
    if (req.url === `/domain/${opts.name}`) return { status: 200, headers: { 'content-type': 'application/rdap+json' }, body: JSON.stringify(rdapDomain(opts.name, new Date((opts.now ?? Date.now)() - 2 * DAY - 3_600_000), 'Registrar X, LLC')) };
    return { status: 404, headers: { 'content-type': 'application/rdap+json' }, body: JSON.stringify(rdapError(404, 'Not Found')) };
  };
  await rdap.start();
  // With a gate, the page answers only once the test opens it (a first look slower than the hold).
  const page = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    await opts.gate;
    if (req.url === '/favicon.ico') return void (opts.icon ? res.writeHead(200, { 'content-type': 'image/x-icon' }).end(opts.icon) : res.writeHead(404).end());
    res.writeHead(200, { server: 'nginx/1.24.0', 'content-type': 'text/html' }).end(`<html><head><title>${opts.title ?? 'PayPal: Log in'}</title></head><body><form>password</form></body></html>`);
  };
  let web = await startWebServer({ tls: { cert: certPem(iss.final), key }, handler: page });
  const webPort = web.port;
  if (!opts.webUp) await web.close();
  const feed = new FakeCertstream();
  await feed.start();
  const slack = new HttpReceiver();
  const hook = new HttpReceiver();
  await slack.start();
  await hook.start();
  const dir = tmpDir();
  const t: TestApp = await startTestApp(
    {
      // The virtual clock jumps hours ahead: a feed.stale alert would be a third Slack message.
      feed: { url: feed.url, stale_after: 600, alert_after: '30d' },
      store: { path: dbPath(dir) },
      http: { listen: '127.0.0.1:0' },
      brands: opts.brands ?? [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
      notifiers: [
        { id: 'chat', type: 'slack', url: slack.url },
        { id: 'siem', type: 'webhook', url: hook.url },
      ],
      routes: [{ notifiers: ['chat', 'siem'] }],
      enrich: {
        enabled: true,
        allow_private: true,
        hold_alerts: '2s',
        dns_servers: [dns.server],
        dns_timeout: 1,
        dns_tries: 1,
        rdap_bootstrap_file: writeBootstrap(dir, ['com'], `http://127.0.0.1:${rdap.port}/`),
        rdap_min_interval: 0,
        rdap_refresh: 0,
        web_timeout: 2,
        ...opts.enrich,
      },
    },
    {},
    { enrichWebPorts: { https: webPort, http: webPort }, ...(opts.now ? { now: opts.now } : {}) },
  );
  await feed.waitForClients(1);
  const send = () => feed.broadcast(fullStreamMessage(iss.final, [opts.name], { log: LOG, index: 1, precert: false }));
  return {
    t,
    iss,
    dns,
    rdap,
    slack,
    hook,
    send,
    rdapCalls: () => rdapCalls,
    startWeb: async () => {
      web = await startWebServer({ port: webPort, tls: { cert: certPem(iss.final), key }, handler: page });
    },
    async close() {
      await t.app.close();
      await Promise.all([feed.stop(), slack.stop(), hook.stop(), rdap.stop(), dns.close(), web.close().catch(() => undefined)]);
    },
  };
}

describe('enrichment end to end', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ name: 'paypal-secure-login.com', zone: { a: ['127.0.0.1'], mx: [{ exchange: 'mail.paypal-secure-login.com', priority: 10 }], ns: ['ns1.parking.example'] }, webUp: true });
  });
  afterAll(() => s?.close());

  it('a hit is enriched before its alert goes (held at most 2 s): registration age, addresses, MX, page title', async () => {
    s.send();
    await until(() => s.t.app.store.hits.listHits().length === 1, 15_000, 'hit committed');
    const hit = s.t.app.store.hits.listHits()[0]!;
    // The alert waits at most hold_alerts (2 s) for the enrichment: if it took longer, the alert
    // would go without it and the assertions below would fail.
    await s.slack.waitFor((r) => r.length >= 1, 15_000);
    await s.hook.waitFor((r) => r.length >= 1, 15_000);
    const e = (await s.t.app.store.enrichment.enrichmentFor(hit.id))!;
    expect(e).not.toBeNull();
    console.log(`enriched ${Date.parse(e.checked_at) - hit.firstSeen} ms after the certificate was seen (hold 2000 ms)`);

    const text = JSON.parse(s.slack.requests[0]!.body).text as string;
    expect(text).toContain('registered 2 days ago');
    expect(text).toContain('Registrar X, LLC');
    expect(text).toContain('A 127[.]0[.]0[.]1');
    expect(text).toContain('MX mail[.]paypal-secure-login[.]com');
    expect(text).toContain("title 'PayPal: Log in'");
    expect(text).toContain("serves the hit's certificate");
    expect(text).not.toMatch(/https?:\/\//); // never a link

    const body = JSON.parse(s.hook.requests[0]!.body);
    expect(body.type).toBe('ctwatch.hit');
    // Raised from the hit's own severity: fresh registration, branded live page, MX.
    expect(body.severity).toBe('critical');
    expect(body.enrichment).toMatchObject({
      round: 0,
      registrable: 'paypal-secure-login.com',
      registration: { status: 'ok', age_days: 2, registrar: 'Registrar X, LLC', statuses: ['client delete prohibited', 'client transfer prohibited'] },
      dns: [{ name: 'paypal-secure-login.com', status: 'ok', a: ['127.0.0.1'], mx: [{ exchange: 'mail.paypal-secure-login.com', priority: 10 }], ns: ['ns1.parking.example'] }],
      web: [{ url: 'https://paypal-secure-login.com/', status: 'ok', http_status: 200, title: 'PayPal: Log in', server: 'nginx/1.24.0', address: '127.0.0.1', cert_matches_hit: true, cert_sha256: hit.sha256 }],
      severity: 'critical',
      base_severity: hit.severity,
    });
    expect(body.enrichment.reasons).toEqual([
      'registered 2 days ago at Registrar X, LLC',
      "live page titled 'PayPal: Log in'",
      'receives mail (MX mail.paypal-secure-login.com)',
    ]);
    // The RDAP server said 429 (Retry-After 0.3 s) first: ctwatch waited and asked again once.
    expect(s.rdapCalls()).toBe(2);
    expect(s.rdap.requests[1]!.headers['user-agent']).toMatch(/^ctwatch/);
    // allow_private (tests only) is announced loudly at start.
    expect(s.t.logs.some((l) => l.includes('"level":"warn"') && l.includes('enrich.allow_private is ON'))).toBe(true);
    // `ctwatch hits --json` shows the same object.
    expect(publicHit(hit, e).enrichment).toEqual(body.enrichment);
    // So does the dashboard's hit detail, with the history.
    const token = resolveDashboardToken(undefined, s.t.loaded.config.store.path).token;
    const detail = await (await fetch(`${s.t.base}/api/v1/hits/${hit.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(detail.enrichment).toEqual(body.enrichment);
    expect(detail.enrichment_history).toEqual([body.enrichment]);
  });

  it('counts its work in /metrics with fixed labels', async () => {
    const m = await (await fetch(`${s.t.base}/metrics`)).text();
    expect(m).toMatch(/ctwatch_enrich_jobs_total\{round="first",outcome="done"\} 1/);
    expect(m).toMatch(/ctwatch_enrich_lookups_total\{check="web",result="ok"\} 1/);
    expect(m).not.toContain('paypal-secure-login');
  });
});

describe('watching: a domain that goes live after its first enrichment', () => {
  let clock = Date.now();
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ name: 'paypal-account-verify.com', zone: { a: ['127.0.0.1'] }, webUp: false, now: () => clock });
  });
  afterAll(() => s?.close());

  it('produces exactly one update alert at the next re-check, threaded with the original', async () => {
    s.send();
    await s.slack.waitFor((r) => r.length >= 1, 15_000);
    await s.hook.waitFor((r) => r.length >= 1, 15_000);
    const hit = s.t.app.store.hits.listHits()[0]!;
    const first = (await s.t.app.store.enrichment.enrichmentFor(hit.id))!;
    expect(first.web![0]!.status).not.toBe('ok'); // nothing listening yet
    const worker = s.t.app.enrichment!.worker;

    // Before the first re-check is due: nothing to do.
    clock += 59 * 60_000;
    expect(await worker.tick()).toBe(0);

    // The page goes live; +1 h: the re-check finds it.
    await s.startWeb();
    clock += 60_001;
    expect(await worker.tick()).toBe(1);
    await worker.idle();
    const isUpdate = (r: { body: string }) => JSON.parse(r.body).type === 'ctwatch.update';
    const isSlackUpdate = (r: { body: string }) => (JSON.parse(r.body).text as string).includes('update on a look-alike');
    await s.slack.waitFor((r) => r.some(isSlackUpdate), 15_000);
    await s.hook.waitFor((r) => r.some(isUpdate), 15_000);
    const update = JSON.parse(s.hook.requests.find(isUpdate)!.body);
    expect(update).toMatchObject({ type: 'ctwatch.update', hit_id: hit.id, round: 1, in_reply_to: `ctw-hit-${hit.id}-siem` });
    expect(update.changes.map((c: { code: string }) => c.code)).toEqual(['live', 'brand_title']);
    expect(update.enrichment.web[0]).toMatchObject({ status: 'ok', title: 'PayPal: Log in' });
    const text = JSON.parse(s.slack.requests.find(isSlackUpdate)!.body).text as string;
    expect(text).toContain('went live (status 200');

    // +1 d: the next re-check sees no change, so no second update.
    clock += DAY;
    // (The virtual day also makes the feed look stale: that ctwatch.health alert is not counted.)
    await expectNoSecondUpdate(s, worker, hit.id, [2, 1, 0]);
  });
});

describe('never on the ingest path', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    // DNS never answers (5 s timeouts): the first look takes about 10 s.
    s = await setup({ name: 'paypal-hang.com', zone: { silent: true }, webUp: false, enrich: { dns_timeout: 5, hold_alerts: '1s' } });
  });
  afterAll(() => s?.close());

  it('the hit is committed while its look-ups hang; its alert goes when the hold runs out, without enrichment; close does not wait for them', async () => {
    s.send();
    await until(() => s.t.app.store.hits.listHits().length === 1, 15_000, 'hit committed');
    await s.t.app.drained();
    const hit = s.t.app.store.hits.listHits()[0]!;
    await s.hook.waitFor((r) => r.length >= 1, 15_000);
    expect(await s.t.app.store.enrichment.enrichmentFor(hit.id)).toBeNull();
    const body = JSON.parse(s.hook.requests[0]!.body);
    expect(body.enrichment).toBeNull();
    expect(body.severity).toBe(hit.severity);
  });
});

describe('a first look that finishes after the hold ran out', () => {
  let offset = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ name: 'paypal-late-look.com', zone: { a: ['127.0.0.1'], mx: [{ exchange: 'mx.paypal-late-look.com', priority: 5 }] }, webUp: true, gate, now: () => Date.now() + offset, enrich: { hold_alerts: '500ms', web_timeout: 60 } });
  });
  afterAll(async () => {
    open();
    await s?.close();
  });

  it('sends the alert without enrichment, then exactly one update (round 0) with what it found', async () => {
    s.send();
    // The page does not answer: the hold (500 ms) runs out and the alert goes without enrichment.
    await s.hook.waitFor((r) => r.length >= 1, 15_000);
    await s.slack.waitFor((r) => r.length >= 1, 15_000);
    const hit = s.t.app.store.hits.listHits()[0]!;
    const alert = JSON.parse(s.hook.requests[0]!.body);
    expect(alert).toMatchObject({ type: 'ctwatch.hit', enrichment: null, severity: hit.severity });
    expect(await s.t.app.store.enrichment.enrichmentFor(hit.id)).toBeNull();

    open();
    const isUpdate = (r: { body: string }) => JSON.parse(r.body).type === 'ctwatch.update';
    const isSlackUpdate = (r: { body: string }) => (JSON.parse(r.body).text as string).includes('update on a look-alike');
    await s.hook.waitFor((r) => r.some(isUpdate), 15_000);
    await s.slack.waitFor((r) => r.some(isSlackUpdate), 15_000);
    const update = JSON.parse(s.hook.requests.find(isUpdate)!.body);
    expect(update).toMatchObject({ type: 'ctwatch.update', hit_id: hit.id, round: 0, in_reply_to: `ctw-hit-${hit.id}-siem`, severity: 'critical' });
    expect(update.changes.map((c: { code: string }) => c.code)).toEqual(['resolving', 'mx', 'live', 'brand_title']);
    expect(update.enrichment).toMatchObject({ round: 0, web: [{ status: 'ok', title: 'PayPal: Log in' }] });
    expect(JSON.parse(s.slack.requests.find(isSlackUpdate)!.body).text).toContain('went live (status 200');

    // Nothing new at the first re-check (+1 h): no second update; and the first look sent one only.
    offset += 3_600_000 + 1_000;
    const worker = s.t.app.enrichment!.worker;
    await expectNoSecondUpdate(s, worker, hit.id, [1, 0]);
  });
});

describe("a look-alike serving the brand's favicon", () => {
  const icon = Buffer.from('\x00\x00\x01\x00 the real PayPal favicon bytes', 'latin1');
  const sha = createHash('sha256').update(icon).digest('hex');
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    // The title says nothing about the brand; only the favicon gives it away. Registered 2 days ago.
    s = await setup({ name: 'paypal-verify-now.com', zone: { a: ['127.0.0.1'] }, webUp: true, title: 'Sign in', icon, brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'], favicons: [sha] }] });
  });
  afterAll(() => s?.close());

  it('raises severity one more level with the reason, and records the hash', async () => {
    s.send();
    await s.hook.waitFor((r) => r.length >= 1, 15_000);
    await s.slack.waitFor((r) => r.length >= 1, 15_000);
    const hit = s.t.app.store.hits.listHits()[0]!;
    const body = JSON.parse(s.hook.requests[0]!.body);
    expect(body.enrichment.web[0]).toMatchObject({ status: 'ok', title: 'Sign in', favicon_url: 'https://paypal-verify-now.com/favicon.ico', favicon_sha256: sha });
    expect(body.enrichment.reasons).toEqual(['registered 2 days ago at Registrar X, LLC', "live page serves PayPal's favicon"]);
    expect(body.severity).toBe(SEVERITIES[Math.min(3, severityRank(hit.severity) + 2)]);
    expect(JSON.parse(s.slack.requests[0]!.body).text).toContain("serves PayPal's favicon");
  });
});
