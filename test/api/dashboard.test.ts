/**
 * Issue 15 (API half): the dashboard's access control, CSRF check, security headers, triage
 * shared with the CLI, keyset pagination, live hits over SSE and hostile names, through the real
 * daemon (fastify on 127.0.0.1) with a real SQLite file.
 */
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dbPath, startTestApp, until, type TestApp } from '../helpers/app.js';
import { runCli, writeConfig } from '../helpers/daemon-process.js';
import { seed, type SeedHit } from './seed.js';

const TOKEN = 'test-token-0123456789-abcdefghij';
const ENV = { CTWATCH_HTTP_TOKEN: TOKEN };
const NOW = Date.now();
const H = 3_600_000;

const API_PATHS: [string, string][] = [
  ['GET', '/api/v1/hits'],
  ['GET', '/api/v1/hits?brand=PayPal&limit=5'],
  ['GET', '/api/v1/hits/export?format=csv'],
  ['GET', '/api/v1/hits/1'],
  ['POST', '/api/v1/hits/1/triage'],
  ['POST', '/api/v1/hits/triage'],
  ['GET', '/api/v1/stats/daily?days=30'],
  ['GET', '/api/v1/feeds'],
  ['GET', '/api/v1/rules'],
  ['POST', '/api/v1/check'],
  ['GET', '/api/v1/inventory'],
  ['GET', '/api/v1/events'],
  ['GET', '/api/v1/nonexistent'],
];

const HOSTILE = [
  '<script>alert(1)</script>.paypal-login.example',
  'paypal-"quoted"\\back.example',
  'paypal-\u202egnp.example',
  'paypal-\u0000nul.example',
  'xn--paypal-\u{1F600}.example',
];

describe('dashboard API over real HTTP', () => {
  const feed = new FakeCertstream();
  let t: TestApp;
  let dir: string;
  let configFile: string;
  let cookie = '';
  const ids: number[] = [];

  const api = (p: string, init: RequestInit = {}) => fetch(`${t.base}${p}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });
  const json = async (p: string) => {
    const r = await api(p);
    expect(r.status, p).toBe(200);
    return (await r.json()) as any;
  };

  beforeAll(async () => {
    await feed.start();
    dir = tmpDir();
    const raw = {
      feed: { url: feed.urlFor('/domains-only'), ping_interval: 0.2, stale_after: 30 },
      store: { path: dbPath(dir) },
      http: { listen: '127.0.0.1:0', token: '${CTWATCH_HTTP_TOKEN}' },
      brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
      watch: [{ domain: '.example.org', issuers: ["Let's Encrypt"] }],
    };
    configFile = writeConfig(dir, raw);
    t = await startTestApp(raw, { CTWATCH_HTTP_TOKEN: TOKEN });
    await feed.waitForClients(1);
    // 60 hits an hour apart, brands and severities cycling, plus the hostile names.
    const sevs = ['low', 'medium', 'high', 'critical'] as const;
    const rows: SeedHit[] = [];
    for (let i = 0; i < 60; i++) {
      rows.push({ name: `paypal-${i}.example`, brand: i % 3 === 2 ? 'Chase' : 'PayPal', severity: sevs[i % 4], score: 20 + (i % 7) * 10, seenAt: NOW - (60 - i) * H, names: [`paypal-${i}.example`, `www.shop${i % 5}.example`] });
    }
    HOSTILE.forEach((name, i) => rows.push({ name, seenAt: NOW - i * 1000, severity: 'high', score: 80 }));
    ids.push(...seed(t.app.store, rows));
  });

  afterAll(async () => {
    await t?.app.close();
    await feed.stop();
  });

  describe('without a valid token', () => {
    it.each(API_PATHS)('%s %s is 401 with no data', async (method, p) => {
      for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { cookie: 'ctwatch_session=forged' }] as Record<string, string>[]) {
        const r = await fetch(`${t.base}${p}`, { method, headers: { ...headers, 'content-type': 'application/json', origin: t.base }, body: method === 'POST' ? '{"action":"ack","ids":[1],"name":"x"}' : undefined });
        expect(r.status).toBe(401);
        expect(await r.json()).toEqual({ error: 'unauthorized' });
      }
    });

    it.each(['/', '/hits', '/app.js', '/?token=wrong'])('the UI %s is 401 with a page that says how to log in', async (p) => {
      const r = await fetch(`${t.base}${p}`, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(r.status).toBe(401);
      expect(r.headers.get('set-cookie')).toBeNull();
      const body = await r.text();
      expect(body).toContain('ctwatch dashboard');
      expect(body).not.toContain('paypal');
    });

    it.each(['/livez', '/readyz', '/metrics'])('%s stays open', async (p) => {
      const r = await fetch(`${t.base}${p}`);
      expect([200, 503]).toContain(r.status);
    });
  });

  it('logs in with /?token=T: HttpOnly SameSite=Strict cookie, then a redirect to / without the token', async () => {
    const r = await fetch(`${t.base}/?token=${encodeURIComponent(TOKEN)}`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
    const set = r.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^ctwatch_session=/);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).toMatch(/Path=\//);
    expect(set).not.toContain(TOKEN);
    cookie = set.split(';')[0]!;
    const page = await fetch(`${t.base}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const hits = await fetch(`${t.base}/api/v1/hits?limit=1`, { headers: { cookie } });
    expect(hits.status).toBe(200);
    // The token is never logged, not even from the login URL.
    expect(t.logs.join('\n')).not.toContain(TOKEN);
  });

  it('answers with a Content-Security-Policy that allows only this origin and no inline code', async () => {
    for (const p of ['/', '/api/v1/hits?limit=1']) {
      const r = await api(p);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toMatch(/https?:/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  describe('state-changing requests (CSRF)', () => {
    const body = JSON.stringify({ action: 'ack', note: 'csrf probe' });
    it.each([
      ['cookie, foreign Origin', () => ({ cookie, origin: 'http://evil.example' }), 403],
      ['cookie, no Origin', () => ({ cookie }), 403],
      ['bearer, foreign Origin', () => ({ authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' }), 403],
      ['cookie, own Origin', () => ({ cookie, origin: t.base }), 200],
      ['bearer, no Origin (a script)', () => ({ authorization: `Bearer ${TOKEN}` }), 200],
    ] as const)('%s → %i', async (_what, headers, status) => {
      expect(cookie).not.toBe('');
      const r = await fetch(`${t.base}/api/v1/hits/${ids[0]}/triage`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/json' }, body });
      expect(r.status).toBe(status);
    });

    it('refused requests change nothing', async () => {
      const before = await json(`/api/v1/hits/${ids[1]}`);
      const r = await fetch(`${t.base}/api/v1/hits/${ids[1]}/triage`, { method: 'POST', headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ action: 'fp' }) });
      expect(r.status).toBe(403);
      const after = await json(`/api/v1/hits/${ids[1]}`);
      expect(after).toEqual(before);
    });
  });

  it('triage through the API is what `ctwatch hits --json` shows, and the history keeps every step', async () => {
    const id = ids[10]!;
    const post = (b: unknown) => api(`/api/v1/hits/${id}/triage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    expect((await post({ action: 'fp', note: 'our partner' })).status).toBe(200);
    const r = await post({ action: 'takedown', takedown: 'reported', note: 'sent to registrar', at: '2026-11-01T10:00:00.000Z' });
    expect(r.status).toBe(200);
    const { hit } = (await r.json()) as any;
    expect(hit.status).toBe('false_positive');
    expect(hit.takedown).toEqual({ status: 'reported', at: '2026-11-01T10:00:00.000Z', note: 'sent to registrar' });
    expect((await post({ action: 'takedown' })).status).toBe(400);
    expect((await post({ action: 'delete' })).status).toBe(400);

    const cli = await runCli(['hits', '--json', '--config', configFile], ENV);
    expect(cli.code).toBe(0);
    const fromCli = cli.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((h) => h.id === id);
    expect(fromCli.status).toBe('false_positive');
    const { takedown: _t, ...apiHit } = hit;
    expect(fromCli).toEqual(apiHit);

    // The CLI's triage goes through the same path: visible in the API's history.
    const reopen = await runCli(['hits', 'reopen', String(id), '--config', configFile], ENV);
    expect(reopen.code).toBe(0);
    const detail = await json(`/api/v1/hits/${id}`);
    expect(detail.hit.status).toBe('new');
    expect(detail.triage.map((x: any) => [x.action, x.note, x.takedown])).toEqual([
      ['fp', 'our partner', null],
      ['takedown', 'sent to registrar', 'reported'],
      ['reopen', null, null],
    ]);
  });

  it('bulk triage updates the ids that exist', async () => {
    const r = await api('/api/v1/hits/triage', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [ids[20], ids[21], 999_999], action: 'ack' }) });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ updated: 2 });
    expect((await json(`/api/v1/hits/${ids[21]}`)).hit.status).toBe('acknowledged');
  });

  it('hit detail: every reason, sightings, the crt.sh link by SHA-256', async () => {
    const d = await json(`/api/v1/hits/${ids[5]}`);
    expect(d.hit.id).toBe(ids[5]);
    expect(d.reasons[0]).toMatchObject({ technique: 'keyword', score: d.hit.score, severity: d.hit.severity });
    expect(d.sightings).toEqual([{ log: 'https://ct.example/log/', index: expect.any(Number), seen_at: d.hit.first_seen, source: 'test' }]);
    expect(d.crtsh_url).toBe(`https://crt.sh/?sha256=${d.hit.cert.sha256.toUpperCase()}`);
    expect((await api('/api/v1/hits/999999')).status).toBe(404);
    expect((await api('/api/v1/hits/abc')).status).toBe(400);
  });

  describe('keyset pagination', () => {
    async function allPages(query: string, limit: number): Promise<number[]> {
      const out: number[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 200; guard++) {
        const page: any = await json(`/api/v1/hits?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.hits.length).toBeLessThanOrEqual(limit);
        out.push(...page.hits.map((h: any) => h.id));
        cursor = page.next;
        if (!cursor) return out;
      }
      throw new Error('pagination did not end');
    }
    // What each filter must return, computed here from a full listing.
    const cases: [string, (h: any) => boolean, (a: any, b: any) => number][] = [
      ['sort=first_seen', () => true, (a, b) => b.first_seen.localeCompare(a.first_seen) || b.id - a.id],
      ['sort=first_seen&order=asc', () => true, (a, b) => a.first_seen.localeCompare(b.first_seen) || a.id - b.id],
      ['brand=chase', (h) => h.brand === 'Chase', (a, b) => b.first_seen.localeCompare(a.first_seen) || b.id - a.id],
      ['brand=PayPal&severity=high', (h) => h.brand === 'PayPal' && ['high', 'critical'].includes(h.severity), (a, b) => b.first_seen.localeCompare(a.first_seen) || b.id - a.id],
      ['status=new', (h) => h.status === 'new', (a, b) => b.first_seen.localeCompare(a.first_seen) || b.id - a.id],
      ['q=SHOP3', (h) => h.names.some((n: string) => n.includes('shop3')), (a, b) => b.first_seen.localeCompare(a.first_seen) || b.id - a.id],
      ['q=l-4', (h) => h.names.some((n: string) => n.includes('l-4')), (a, b) => b.first_seen.localeCompare(a.first_seen) || b.id - a.id],
      ['sort=score', () => true, (a, b) => b.score - a.score || b.id - a.id],
      ['sort=score&order=asc&severity=medium', (h) => h.severity !== 'low', (a, b) => a.score - b.score || a.id - b.id],
      ['sort=severity', () => true, (a, b) => sevRank(b.severity) - sevRank(a.severity) || b.id - a.id],
      [`since=${encodeURIComponent(new Date(NOW - 10 * H).toISOString())}`, (h) => Date.parse(h.first_seen) >= NOW - 10 * H, (a, b) => b.first_seen.localeCompare(a.first_seen) || b.id - a.id],
    ];
    it.each(cases)('%s: pages of 7 concatenate to the full, ordered, filtered set', async (query, keep, order) => {
      const everything: any[] = (await json('/api/v1/hits?limit=500')).hits;
      expect(everything.length).toBe(ids.length);
      const expected = everything.filter(keep).sort(order).map((h) => h.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(await allPages(query, 7)).toEqual(expected);
    });

    it.each([['q=ab'], ['limit=0'], ['limit=501'], ['severity=urgent'], ['status=open'], ['cursor=garbage'], ['since=yesterday'], ['sort=name']])('%s is a 400 naming the parameter', async (q) => {
      const r = await api(`/api/v1/hits?${q}`);
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).error).toContain(q.split('=')[0]);
    });

    it('a cursor made for another sort is refused', async () => {
      const p = await json('/api/v1/hits?limit=2&sort=score');
      const r = await api(`/api/v1/hits?limit=2&sort=first_seen&cursor=${p.next}`);
      expect(r.status).toBe(400);
    });
  });

  it('returns hostile names as JSON strings, unchanged', async () => {
    const listed: any[] = (await json('/api/v1/hits?limit=500')).hits;
    for (const name of HOSTILE) {
      const h = listed.find((x) => x.name === name);
      expect(h, JSON.stringify(name)).toBeDefined();
      expect(h.names).toEqual([name]);
    }
    // Served as JSON (never sniffed as HTML): the front end renders these as text.
    const r = await api('/api/v1/hits?limit=1');
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('exports the filtered set as CSV and JSON attachments', async () => {
    const csv = await api('/api/v1/hits/export?format=csv&brand=chase');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="ctwatch-hits-.*\.csv"$/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,first_seen,/);
    expect(lines.length - 1).toBe(20);
    const js = await api('/api/v1/hits/export?format=json&q=shop1');
    const arr = (await js.json()) as any[];
    expect(arr.map((h) => h.id)).toEqual((await json('/api/v1/hits?q=shop1&limit=500')).hits.map((h: any) => h.id));
  });

  it('rules with fired counts, check with the same matcher as `ctwatch check`, stats, feeds, inventory', async () => {
    const rules = await json('/api/v1/rules');
    expect(rules.brands).toEqual([{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'], fired_24h: expect.any(Number), fired_7d: expect.any(Number) }]);
    expect(rules.brands[0].fired_24h).toBeGreaterThan(0);
    expect(rules.watch[0]).toMatchObject({ domain: '.example.org', fired_24h: 0, fired_7d: 0 });

    const checked = await api('/api/v1/check', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'paypal-secure-login.com' }) });
    const body = await checked.json();
    const cli = await runCli(['check', '--json', '--config', configFile, 'paypal-secure-login.com'], ENV);
    expect(body).toEqual(JSON.parse(cli.stdout));
    // The same input rules as `ctwatch check`: a URL counts as its host, padding is trimmed, a
    // non-hostname is refused.
    const post = (name: string) => api('/api/v1/check', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    for (const variant of ['  paypal-secure-login.com ', 'https://paypal-secure-login.com/login?x=1']) {
      const r = await post(variant);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual(body);
    }
    const refused = await post('pay pal.com');
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toMatch(/not a hostname/);

    const stats = await json('/api/v1/stats/daily?days=30');
    expect(stats.days).toHaveLength(30);
    expect(stats.days.reduce((n: number, d: any) => n + d.total, 0)).toBe(ids.length);
    expect(stats.open + stats.triaged).toBe(ids.length);
    // Per UTC day and brand, as counted from the hits themselves.
    const all: any[] = (await json('/api/v1/hits?limit=500')).hits;
    const perDay: Record<string, Record<string, number>> = {};
    for (const h of all) {
      const d = (perDay[h.first_seen.slice(0, 10)] ??= {});
      d[h.brand] = (d[h.brand] ?? 0) + 1;
    }
    expect(Object.fromEntries(stats.days.filter((d: any) => d.total > 0).map((d: any) => [d.date, d.by_brand]))).toEqual(perDay);
    expect(stats.by_severity).toEqual(Object.fromEntries(['low', 'medium', 'high', 'critical'].map((s) => [s, all.filter((h) => h.severity === s).length])));
    expect(stats.open).toBe(all.filter((h) => h.status === 'new').length);
    expect(Date.parse(stats.latest)).toBeGreaterThanOrEqual(NOW - 1000);
    // until: the window's last day; a window before every hit is empty.
    const old = await json('/api/v1/stats/daily?days=7&until=2020-01-31');
    expect(old.days.map((d: any) => d.date)).toEqual(['2020-01-25', '2020-01-26', '2020-01-27', '2020-01-28', '2020-01-29', '2020-01-30', '2020-01-31']);
    expect(old.days.every((d: any) => d.total === 0)).toBe(true);
    expect((await api('/api/v1/stats/daily?until=31.01.2020')).status).toBe(400);

    const feeds = await json('/api/v1/feeds');
    expect(feeds.feeds[0]).toMatchObject({ id: 'feed0', kind: 'certstream', connected: true });
    expect(feeds.outbox).toEqual([]);

    const inv = await json('/api/v1/inventory');
    expect(inv).toEqual({ items: [], hits: [] });
  });

  it('pushes new hits over SSE as they are committed', async () => {
    const received: string[] = [];
    const req = http.get(`${t.base}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    res.setEncoding('utf8');
    res.on('data', (d: string) => received.push(d));
    await until(() => received.join('').includes(': connected'), 5_000, 'stream open');
    feed.broadcast(JSON.stringify({ message_type: 'dns_entries', data: ['paypal-live-alert.example'] }));
    await until(() => received.join('').includes('event: hit'), 10_000, 'hit event');
    const data = received.join('').split('\n').find((l) => l.startsWith('data: '))!;
    const hit = JSON.parse(data.slice(6));
    expect(hit).toMatchObject({ name: 'paypal-live-alert.example', brand: 'PayPal', status: 'new', takedown: null });
    req.destroy();
  });
  it('holds at most 16 event streams', async () => {
    const open: http.ClientRequest[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 17; i++) {
      const req = http.get(`${t.base}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
      open.push(req);
      statuses.push(await new Promise<number>((resolve) => req.on('response', (res) => { res.resume(); resolve(res.statusCode!); })));
    }
    expect(statuses.slice(0, 16).every((x) => x === 200)).toBe(true);
    expect(statuses[16]).toBe(503);
    for (const r of open) r.destroy();
  });
});

describe('event streams at shutdown', () => {
  it('end when the daemon closes', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'none.jsonl'), '');
    const t = await startTestApp({ feed: { replay: path.join(dir, 'none.jsonl') }, store: { path: dbPath(dir) }, http: { listen: '127.0.0.1:0', token: TOKEN } });
    const req = http.get(`${t.base}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.statusCode).toBe(200);
    const ended = new Promise<void>((resolve) => {
      res.on('end', resolve);
      res.on('close', resolve);
      res.resume();
    });
    await t.app.close();
    await ended;
  });
});

describe('generated token', () => {
  it('is created at first start next to the database with mode 0600, and `ctwatch dashboard` prints the login URL', async () => {
    const dir = tmpDir();
    const raw = { feed: { replay: path.join(dir, 'none.jsonl') }, store: { path: dbPath(dir) }, http: { listen: '127.0.0.1:0' } };
    fs.writeFileSync(path.join(dir, 'none.jsonl'), '');
    const t = await startTestApp(raw);
    try {
      const file = `${dbPath(dir)}.token`;
      const st = fs.statSync(file);
      expect(st.mode & 0o777).toBe(0o600);
      const token = fs.readFileSync(file, 'utf8').trim();
      expect(token.length).toBeGreaterThanOrEqual(40);
      expect(t.logs.join('\n')).not.toContain(token);
      const configFile = writeConfig(dir, { ...raw, http: { listen: `127.0.0.1:${t.app.http.address.port}` } });
      const cli = await runCli(['dashboard', '--config', configFile]);
      expect(cli.code).toBe(0);
      const url = cli.stdout.trim();
      expect(url).toBe(`http://127.0.0.1:${t.app.http.address.port}/?token=${token}`);
      const r = await fetch(url, { redirect: 'manual' });
      expect(r.status).toBe(303);
    } finally {
      await t.app.close();
    }
  });
});

function sevRank(s: string): number {
  return ['low', 'medium', 'high', 'critical'].indexOf(s);
}
