/** Table-driven tests of the enrichment's pure parts, and the RDAP client against a real server. */
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/enrich/address-policy.js';
import { EnrichQueue } from '../../src/enrich/queue.js';
import { assess, changesBetween } from '../../src/enrich/assess.js';
import { RdapBootstrap, shippedBootstrapPath } from '../../src/enrich/rdap-bootstrap.js';
import { parseDomain, RdapClient } from '../../src/enrich/rdap.js';
import { pageTitle } from '../../src/enrich/web.js';
import type { Enrichment, WebRecord } from '../../src/enrich/types.js';
import { renderAlert } from '../../src/notify/format/render.js';
import { slackPayload } from '../../src/notify/providers/slack.js';
import { emailHtml } from '../../src/notify/providers/email.js';
import { migrate } from '../../src/store/migrations.js';
import { buildConfig } from '../../src/config/load.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';
import { makeHit, hitsMessage } from '../notify/helpers.js';
import { rdapDomain, rdapError, writeBootstrap } from './servers.js';

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['203.0.113.7', false], // TEST-NET-3, reserved
    ['93.184.215.14', true],
    ['2606:4700::1111', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['0.0.0.0', false],
    ['240.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.1.2.3', false],
    ['::ffff:8.8.8.8', true],
    ['fe80::1', false],
    ['fc00::1', false],
    ['ff02::1', false],
    ['64:ff9b::a00:1', false], // NAT64 of 10.0.0.1
    ['2002:a00:1::1', false], // 6to4 of 10.0.0.1
    ['2001:db8::1', false],
    ['::127.0.0.1', false], // deprecated IPv4-compatible
    ['not-an-ip', false],
  ])('%s → %s', (ip, expected) => expect(isPublicAddress(ip)).toBe(expected));
});

describe('EnrichQueue (bounded, drops the oldest low-severity work first)', () => {
  it.each([
    ['room: nothing dropped', ['high', 'low'], 'low', null, 3],
    ['full: the oldest low job goes', ['low', 'high', 'low'], 'medium', 0, 3],
    ['full of high: a new low job is the one dropped', ['high', 'high', 'high'], 'low', 'new', 3],
    ['full of equals: the oldest goes', ['medium', 'medium', 'medium'], 'medium', 0, 3],
  ] as const)('%s', (_what, start, add, dropped, max) => {
    const q = new EnrichQueue(max);
    start.forEach((s, i) => q.push({ hitId: i, round: 0, severity: s }));
    const d = q.push({ hitId: 99, round: 0, severity: add });
    if (dropped === null) expect(d).toBeNull();
    else if (dropped === 'new') expect(d!.hitId).toBe(99);
    else expect(d!.hitId).toBe(dropped);
    expect(q.length).toBeLessThanOrEqual(max);
  });
});

const web = (over: Partial<WebRecord>): WebRecord => ({ url: 'https://x.com/', status: 'ok', http_status: 200, final_url: 'https://x.com/', title: null, server: null, address: '1.2.3.4', redirects: 0, cert_sha256: null, cert_matches_hit: null, error: null, ...over });
const reg = (age: number | null, registrar = 'Registrar X') => ({ domain: 'x.com', status: 'ok' as const, server: null, created: age === null ? null : '2026-01-01T00:00:00.000Z', age_days: age, registrar, statuses: [], error: null });
const dnsRec = (a: string[], mx: string[] = []) => ({ name: 'x.com', status: 'ok' as const, a, aaaa: [], cname: [], ns: [], mx: mx.map((exchange) => ({ exchange, priority: 10 })), errors: {} });

describe('assess', () => {
  it.each([
    ['fresh registration raises', { registration: reg(2), dns: null, web: null }, 'medium', 'high', ['registered 2 days ago at Registrar X']],
    ['branded live page raises', { registration: null, dns: null, web: [web({ title: 'PayPal: Log in' })] }, 'medium', 'high', ["live page titled 'PayPal: Log in'"]],
    ['an unbranded live page does not', { registration: null, dns: null, web: [web({ title: 'Welcome to nginx!' })] }, 'medium', 'medium', []],
    ['MX raises', { registration: null, dns: [dnsRec(['1.2.3.4'], ['mx.x.com'])], web: null }, 'low', 'medium', ['receives mail (MX mx.x.com)']],
    ['a null MX does not', { registration: null, dns: [dnsRec(['1.2.3.4'], ['.'])], web: null }, 'low', 'low', []],
    ['all three, capped at critical', { registration: reg(0), dns: [dnsRec([], ['mx.x.com'])], web: [web({ title: 'paypal' })] }, 'high', 'critical', ['registered today at Registrar X', "live page titled 'paypal'", 'receives mail (MX mx.x.com)']],
    ['old registration, no page: lowers', { registration: reg(4000), dns: [dnsRec([])], web: [web({ status: 'unresolved', http_status: null })] }, 'medium', 'low', ['registered 4000 days ago at Registrar X and serves no web page']],
    ['old registration but web check off: unchanged', { registration: reg(4000), dns: null, web: null }, 'medium', 'medium', []],
  ] as const)('%s', (_what, signals, base, severity, reasons) => {
    expect(assess(base, signals as never, ['PayPal', 'paypal'])).toEqual({ severity, reasons });
  });

  it.each([
    ['starts resolving', { dns: [dnsRec([])] }, { dns: [dnsRec(['1.2.3.4'])] }, ['resolving']],
    ['gains MX', { dns: [dnsRec(['1.2.3.4'])] }, { dns: [dnsRec(['1.2.3.4'], ['mx.x.com'])] }, ['mx']],
    ['goes live with the brand', { web: [web({ status: 'error', http_status: null })] }, { web: [web({ title: 'PayPal login' })] }, ['live', 'brand_title']],
    ['title starts naming the brand', { web: [web({ title: 'Coming soon' })] }, { web: [web({ title: 'PayPal login' })] }, ['brand_title']],
    ['no change', { web: [web({})] }, { web: [web({})] }, []],
    ['a failed check is no change', { dns: [dnsRec(['1.2.3.4'])] }, { dns: null }, []],
    ['resolving again after a timeout is no change', { dns: [{ ...dnsRec([]), status: 'timeout' }] }, { dns: [dnsRec(['1.2.3.4'])] }, []],
    ['live again after a failed fetch is no change', { web: [web({ status: 'timeout', http_status: null })] }, { web: [web({ title: 'PayPal' })] }, []],
  ] as const)('change: %s', (what, prev, next, codes) => {
    const full = (x: object) => ({ registration: null, dns: null, web: null, ...x });
    // The last two cases: the state was seen once before the failure (first look), so it is not new.
    const history = what.includes('again') ? [full(next), full(prev)] : [full(prev)];
    expect(changesBetween(history as never, full(next) as never, ['PayPal']).map((c) => c.code)).toEqual(codes);
  });
});

describe('pageTitle', () => {
  it.each([
    ['<html><head><title>PayPal: Log in</title>', 'PayPal: Log in'],
    ['<TITLE lang="en">\n  Sign  in &amp; verify &#8211; Bank\n</TITLE>', 'Sign in & verify – Bank'],
    ['<title></title>', null],
    ['no title here', null],
  ])('%j → %j', (html, title) => expect(pageTitle(Buffer.from(html))).toBe(title));
});

describe('RDAP', () => {
  it('parses an RFC 9083 domain object', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    expect(parseDomain(rdapDomain('x.com', new Date('2026-12-01T08:00:00Z'), 'NameCheap, Inc.'), now)).toEqual({
      created: '2026-12-01T08:00:00.000Z',
      age_days: 5,
      registrar: 'NameCheap, Inc.',
      statuses: ['client delete prohibited', 'client transfer prohibited'],
    });
    expect(parseDomain(rdapError(404, 'Not Found'), now)).toEqual({ created: null, age_days: null, registrar: null, statuses: [] });
  });

  it('the shipped bootstrap snapshot loads and maps common TLDs (longest suffix match)', () => {
    const b = new RdapBootstrap();
    b.loadFile(shippedBootstrapPath());
    expect(b.serversFor('paypal-login.com')).toEqual(['https://rdap.verisign.com/com/v1/']);
    expect(b.serversFor('a.b.example.org')[0]).toMatch(/^https:\/\//);
    expect(b.serversFor('x.invalidtld')).toEqual([]);
  });

  describe('against a local RDAP server', () => {
    const server = new HttpReceiver();
    let status = 200;
    let retryAfter = '30';
    beforeAll(async () => {
      server.respond = (req) =>
        status === 429
          ? { status: 429, headers: { 'retry-after': retryAfter }, body: JSON.stringify(rdapError(429, 'Too Many Requests')) }
          : req.url.endsWith('/gone.com')
            ? { status: 404, headers: { 'content-type': 'application/rdap+json' }, body: JSON.stringify(rdapError(404, 'Not Found')) }
            : { status: 200, headers: { 'content-type': 'application/rdap+json' }, body: JSON.stringify(rdapDomain('x.com', new Date(Date.now() - 40 * 86_400_000), 'Registrar Y')) };
      await server.start();
    });
    afterAll(() => server.stop());
    const client = (minIntervalMs = 0) => {
      const b = new RdapBootstrap();
      b.loadFile(writeBootstrap(tmpDir(), ['com'], `http://127.0.0.1:${server.port}/`));
      return new RdapClient({ bootstrap: b, timeoutMs: 2_000, minIntervalMs, userAgent: 'ctwatch-test' });
    };

    it('ok, not found, unsupported TLD', async () => {
      status = 200;
      const c = client();
      expect(await c.lookup('x.com')).toMatchObject({ status: 'ok', age_days: 40, registrar: 'Registrar Y' });
      expect(await c.lookup('gone.com')).toMatchObject({ status: 'not_found' });
      expect(await c.lookup('x.zz')).toMatchObject({ status: 'unsupported_tld', server: null });
    });

    it('429 with a long Retry-After: rate_limited, and that server is left alone until then', async () => {
      status = 429;
      retryAfter = '30';
      const c = client();
      const before = server.requests.length;
      expect(await c.lookup('x.com')).toMatchObject({ status: 'rate_limited' });
      expect(server.requests.length).toBe(before + 1);
      status = 200;
      expect(await c.lookup('y.com')).toMatchObject({ status: 'rate_limited' });
      expect(server.requests.length).toBe(before + 1); // not asked again
    });

    it('per-server pacing: two look-ups inside min_interval wait (the second is not refused)', async () => {
      status = 200;
      const c = client(300);
      const [a, b] = await Promise.all([c.lookup('x.com'), c.lookup('y.com')]);
      expect([a.status, b.status]).toEqual(['ok', 'ok']);
    });
  });
});

describe('human rendering of attacker-controlled enrichment', () => {
  const e: Enrichment = {
    checked_at: '2026-12-06T00:00:00.000Z',
    round: 0,
    registrable: 'evil.com',
    registration: { domain: 'evil.com', status: 'ok', server: null, created: '2026-12-04T00:00:00.000Z', age_days: 2, registrar: '<@U123> *Registrar*\u202e', statuses: [], error: null },
    dns: [{ name: 'evil.com', status: 'ok', a: ['1.2.3.4'], aaaa: [], cname: [], ns: [], mx: [{ exchange: 'mx.evil.com', priority: 1 }], errors: {} }],
    web: [web({ url: 'https://evil.com/', title: '<script>alert(1)</script> http://phish.example/login \u001b[31m', server: '<b>srv</b>', final_url: 'https://evil.com/next', redirects: 1 })],
    severity: 'critical',
    base_severity: 'medium',
    reasons: ['registered 2 days ago at <@U123> *Registrar*\u202e'],
  };
  const msg = hitsMessage([makeHit({ enrichment: e, severity: 'critical' })]);

  it('one line each for registration, DNS and web; defanged and control-escaped', () => {
    const lines = renderAlert(msg, 10).hits[0]!.enrichment;
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^registration: registered 2 days ago/);
    expect(lines[1]).toMatch(/^DNS: evil\[\.\]com: A 1\[\.\]2\[\.\]3\[\.\]4; MX mx\[\.\]evil\[\.\]com/);
    expect(lines[2]).toMatch(/^web: hxxps\[:\/\/\]evil\[\.\]com\/: status 200/);
    for (const l of lines) {
      expect(l).not.toMatch(/[\u0000-\u001f\u202e]/);
      expect(l).not.toMatch(/https?:\/\//i);
    }
  });

  it('Slack: no mention, no link, no markup; email HTML: escaped', () => {
    const text = JSON.stringify(slackPayload(msg, 10));
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;[@]U123&gt;');
    expect(text).not.toMatch(/<https?:/);
    const html = emailHtml(renderAlert(msg, 10));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<b>srv</b>');
  });
});

describe('migration 6', () => {
  it("adds 'update' to deliveries.kind keeping rows, columns and indexes", () => {
    const file = path.join(tmpDir(), 'm6.db');
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    migrate(db);
    db.prepare(`INSERT INTO deliveries (kind, notifier_id, created_at, next_attempt_at) VALUES ('update', 'n', 1, 1)`).run();
    expect(() => db.prepare(`INSERT INTO deliveries (kind, notifier_id, created_at, next_attempt_at) VALUES ('bogus', 'n', 1, 1)`).run()).toThrow(/CHECK/);
    const idx = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    expect(idx).toEqual(['deliveries_due', 'deliveries_hit']);
    db.close();
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('enrich config', () => {
  const base = { feed: { replay: 'x.jsonl' } };
  it('is off by default, with every check on once enabled', () => {
    expect(buildConfig(base, {}).config.enrich).toMatchObject({ enabled: false, dns: true, rdap: true, web: true, allow_private: false, hold_alerts: 8_000, recheck: [3_600_000, 86_400_000, 604_800_000] });
  });
  it.each([
    [{ concurrency: 0 }, 'enrich.concurrency'],
    [{ recheck: ['soon'] }, 'enrich.recheck'],
    [{ user_agent: 'bad\r\nX-Injected: 1' }, 'enrich.user_agent'],
    [{ web_max_redirects: 50 }, 'enrich.web_max_redirects'],
    [{ unknown_key: true }, 'enrich'],
  ])('bad %j fails naming %s', (enrich, field) => {
    expect(() => buildConfig({ ...base, enrich }, {})).toThrow(field);
  });
});
