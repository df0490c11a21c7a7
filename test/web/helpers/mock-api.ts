/**
 * A small in-process server that speaks the dashboard API contract (notes/API_CONTRACT.md) over
 * fixture data and serves the built bundle from dist/web with the same CSP as the daemon. For
 * fast browser tests of the UI alone; the real-daemon tests live in dashboard-daemon.test.ts.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { HitDetail, HitJson } from '../../../web/src/types.js';
import { SEVERITIES } from '../../../web/src/types.js';
import { hostileEnrichment, standardHits } from './fixture-data.js';

export const WEB_DIST = path.resolve('dist/web');
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface MockApi {
  url: string;
  token: string;
  hits: HitJson[];
  triage: Map<number, HitDetail['triage']>;
  /** Pushes a new hit to the stored set and to every open event stream. */
  pushHit(h: HitJson): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

export async function startMockApi(opts: { hits?: HitJson[] } = {}): Promise<MockApi> {
  const token = 'test-token-' + Math.random().toString(36).slice(2);
  const session = 's' + Math.random().toString(36).slice(2);
  const hits = opts.hits ?? standardHits();
  const triage = new Map<number, HitDetail['triage']>();
  const streams = new Set<http.ServerResponse>();
  let origin = '';

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const authed = (req.headers.cookie ?? '').includes(`ctwatch_session=${session}`) || req.headers.authorization === `Bearer ${token}`;
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/' && url.searchParams.get('token') === token) {
      res.writeHead(303, { location: '/', 'set-cookie': `ctwatch_session=${session}; HttpOnly; SameSite=Strict; Path=/` });
      return res.end();
    }
    if (!authed) {
      if (url.pathname.startsWith('/api/')) return json(401, { error: 'unauthorized' });
      res.writeHead(401, { 'content-type': 'text/html', 'content-security-policy': CSP });
      return res.end('<!doctype html><title>ctwatch</title><p>Open the URL printed by ctwatch dashboard.</p>');
    }
    if (req.method === 'POST' && req.headers.origin !== origin) return json(403, { error: 'bad origin' });
    const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};

    if (!url.pathname.startsWith('/api/v1/')) {
      const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
      const p = path.join(WEB_DIST, path.basename(file));
      if (!fs.existsSync(p)) return json(404, { error: 'not found' });
      res.writeHead(200, { 'content-type': TYPES[path.extname(p)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' });
      return res.end(fs.readFileSync(p));
    }
    const route = url.pathname.slice('/api/v1'.length);
    const m = /^\/hits\/(\d+)(\/triage)?$/.exec(route);
    if (route === '/hits' || route === '/hits/export') {
      const list = filterHits(hits, url.searchParams);
      if (route === '/hits/export') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-disposition': 'attachment; filename="hits.json"' });
        return res.end(JSON.stringify(list));
      }
      const limit = Math.min(500, Number(url.searchParams.get('limit') ?? 50));
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const pageHits = list.slice(start, start + limit);
      return json(200, { hits: pageHits, next: start + limit < list.length ? String(start + limit) : null });
    }
    if (route === '/hits/triage' && req.method === 'POST') {
      let n = 0;
      for (const id of body.ids as number[]) if (applyTriage(id, body.action)) n++;
      return json(200, { updated: n });
    }
    if (m && m[2] && req.method === 'POST') {
      const h = applyTriage(Number(m[1]), body.action, body);
      return h ? json(200, { hit: h }) : json(404, { error: 'not found' });
    }
    if (m) {
      const h = hits.find((x) => x.id === Number(m[1]));
      if (!h) return json(404, { error: 'not found' });
      const reasons = h.reason
        .split('; ')
        .slice(0)
        .map((r, i) => ({ technique: i === 0 ? h.technique : i === 1 ? 'keyword' : null, reason: r, score: i === 0 ? h.score : null, severity: i === 0 ? h.severity : null }));
      const enrichment = h.id === 122 ? hostileEnrichment(1, new Date().toISOString()) : null;
      const enrichment_history = h.id === 122 ? [enrichment, hostileEnrichment(0, new Date(Date.now() - 3_600_000).toISOString())] : [];
      return json(200, { hit: h, enrichment, enrichment_history, reasons, sightings: [{ log: h.cert.log, index: h.cert.index, seen_at: h.first_seen, source: 'certstream' }], triage: triage.get(h.id) ?? [], crtsh_url: `https://crt.sh/?sha256=${h.cert.sha256}` });
    }
    if (route === '/stats/daily') {
      const days = Number(url.searchParams.get('days') ?? 30);
      const end = url.searchParams.get('until') ? Date.parse(url.searchParams.get('until')!) : Date.now();
      const out = [];
      for (let i = days - 1; i >= 0; i--) {
        const date = new Date(end - i * 86400_000).toISOString().slice(0, 10);
        const by_brand: Record<string, number> = {};
        let total = 0;
        for (const h of hits)
          if (h.first_seen.slice(0, 10) === date) {
            const k = h.brand ?? h.watch ?? '?';
            by_brand[k] = (by_brand[k] ?? 0) + 1;
            total++;
          }
        out.push({ date, by_brand, total });
      }
      const by_severity: Record<string, number> = {};
      const by_technique: Record<string, number> = {};
      for (const h of hits) {
        by_severity[h.severity] = (by_severity[h.severity] ?? 0) + 1;
        by_technique[h.technique] = (by_technique[h.technique] ?? 0) + 1;
      }
      const open = hits.filter((h) => h.status === 'new').length;
      const latest = hits.reduce<string | null>((a, h) => (a === null || h.first_seen > a ? h.first_seen : a), null);
      return json(200, { days: out, by_severity, by_technique, open, triaged: hits.length - open, latest });
    }
    if (route === '/feeds')
      return json(200, {
        feeds: [
          { id: 'certstream', kind: 'certstream', url: 'wss://certstream.example/', connected: true, rate: Array.from({ length: 30 }, (_, i) => 900 + ((i * 37) % 200)), lag: 2, gaps: 0, last_contact: new Date().toISOString(), error: null },
          { id: 'argon2026h1', kind: 'ctlog', url: 'https://ct.example/argon2026h1/', connected: false, rate: Array.from({ length: 30 }, (_, i) => (i < 20 ? 40 : 0)), lag: 1234, gaps: 2, last_contact: new Date(Date.now() - 600_000).toISOString(), error: 'HTTP 429 from the log' },
        ],
        logs: [{ log: 'https://ct.example/argon2026h1/', received: 120_000, missing: 3, pending: 0, last_seen: new Date().toISOString() }],
        outbox: [
          { notifier: 'slack', pending: 0, dead: 0 },
          { notifier: 'email', pending: 3, dead: 1 },
        ],
      });
    if (route === '/rules')
      return json(200, {
        brands: ['Avito', 'Sberbank', 'BlaBlaCar', 'PayPal'].map((b, i) => ({ name: b, domains: [`${b.toLowerCase()}.com`], keywords: [b.toLowerCase()], fired_24h: i, fired_7d: 10 + i })),
        allow: ['paypal-partner.example'],
        watch: [{ domain: '.chixbbq.org', issuers: ["Let's Encrypt"], fired_24h: 1, fired_7d: 4 }],
      });
    if (route === '/check' && req.method === 'POST') {
      const name = String(body.name);
      const hitIt = /paypal|avito/.test(name);
      return json(200, { name, matches: hitIt ? [{ brand: 'PayPal', watch: null, technique: 'combosquat', techniques: ['combosquat'], severity: 'high', score: 80, reason: `${name}: 'paypal' combined with phishing term` }] : [] });
    }
    if (route === '/inventory')
      return json(200, {
        items: [
          { watch: '.chixbbq.org', name: 'www.chixbbq.org', issuers: ["C=US, O=Let's Encrypt, CN=R11"], first_seen: hits[0].first_seen, last_seen: new Date().toISOString(), cert_count: 12 },
          { watch: '.chixbbq.org', name: 'app7.portal.chixbbq.org', issuers: [HOSTILE_ISSUER_TEXT], first_seen: hits[0].first_seen, last_seen: new Date().toISOString(), cert_count: 1 },
        ],
        hits: hits.filter((h) => h.watch),
      });
    if (route === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': hello\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    return json(404, { error: 'not found' });
  });

  function applyTriage(id: number, action: string, body: Record<string, string> = {}): HitJson | undefined {
    const h = hits.find((x) => x.id === id);
    if (!h) return undefined;
    if (action === 'ack') h.status = 'acknowledged';
    else if (action === 'fp') h.status = 'false_positive';
    else if (action === 'reopen') h.status = 'new';
    else if (action === 'takedown') h.takedown = { status: body.takedown as 'reported', at: body.at ?? new Date().toISOString(), note: body.note ?? null };
    const list = triage.get(id) ?? [];
    list.push({ action, note: body.note ?? null, at: new Date().toISOString(), takedown: body.takedown ?? null });
    triage.set(id, list);
    return h;
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    token,
    hits,
    triage,
    pushHit(h) {
      hits.push(h);
      for (const s of streams) s.write(`event: hit\ndata: ${JSON.stringify(h)}\n\n`);
    },
    async close() {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const HOSTILE_ISSUER_TEXT = 'CN=<script>window.__pwned=2</script>';

function filterHits(all: HitJson[], q: URLSearchParams): HitJson[] {
  const min = q.get('severity') ? SEVERITIES.indexOf(q.get('severity') as never) : -1;
  const text = q.get('q')?.toLowerCase();
  const list = all.filter(
    (h) =>
      (!q.get('brand') || h.brand === q.get('brand')) &&
      (min < 0 || SEVERITIES.indexOf(h.severity) >= min) &&
      (!q.get('status') || h.status === q.get('status')) &&
      (!q.get('technique') || h.technique === q.get('technique')) &&
      (!text || h.names.some((n) => n.toLowerCase().includes(text))),
  );
  const sort = q.get('sort') ?? 'first_seen';
  const dir = q.get('order') === 'asc' ? 1 : -1;
  const key = (h: HitJson) => (sort === 'score' ? h.score : sort === 'severity' ? SEVERITIES.indexOf(h.severity) : Date.parse(h.first_seen));
  return list.sort((a, b) => dir * (key(a) - key(b)) || b.id - a.id);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}
