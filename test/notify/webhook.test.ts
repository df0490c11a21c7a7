import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookProvider } from '../../src/notify/providers/webhook.js';
import { DeliveryError, type AlertMessage } from '../../src/notify/types.js';
import { closedPort, HOSTILE_NAME, hitsMessage, makeCtx, makeHit, signal, startReceiver, type Receiver } from './helpers.js';

/**
 * An independent Standard Webhooks verifier, written from the spec
 * (standardwebhooks.com, "Signature scheme" and "Webhook headers"), not from the code under
 * test: signed content `{webhook-id}.{webhook-timestamp}.{raw body}`, HMAC-SHA256, base64,
 * header = space-separated `version,signature` pairs; `whsec_` secrets are base64 keys.
 */
function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigHeader = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigHeader !== 'string') return false;
  if (!/^\d+$/.test(ts)) return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.substring(6), 'base64') : Buffer.from(secret);
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${rawBody}`).digest();
  return sigHeader.split(' ').some((entry) => {
    const [version, b64] = entry.split(',', 2);
    if (version !== 'v1' || b64 === undefined) return false;
    const got = Buffer.from(b64, 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(async () => {
  await rx.close();
});

function make(config: Record<string, unknown>, now?: () => number) {
  const ctx = makeCtx();
  const parsed = webhookProvider.configSchema.parse(config);
  const n = webhookProvider.create('siem', parsed, now ? { ...ctx, now } : ctx);
  return { n, ctx };
}

describe('webhook body', () => {
  it('posts the version-1 hit payload: the hostile name with controls escaped, and exactly in raw.name', async () => {
    const { n } = make({ url: rx.url });
    const hit = makeHit({ name: HOSTILE_NAME, names: [HOSTILE_NAME, 'b.example'] });
    await n.send(hitsMessage([hit], 'dlv-42'), signal());
    expect(rx.received).toHaveLength(1);
    const req = rx.received[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hook');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toBe('dlv-42');
    expect(req.headers['webhook-signature']).toBeUndefined();
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      type: 'ctwatch.hit',
      version: 1,
      id: 'dlv-42',
      name: HOSTILE_NAME.replace('\u202E', '\\u{202E}'),
      brand: 'PayPal',
      watch: null,
      technique: 'typosquat:substitution',
      severity: 'high',
      score: 82,
      reason: hit.reason,
      names: [HOSTILE_NAME.replace('\u202E', '\\u{202E}'), 'b.example'],
      raw: { name: HOSTILE_NAME, names: [HOSTILE_NAME, 'b.example'], issuer: hit.cert.issuer, subject: hit.cert.subject },
      cert: {
        sha256: hit.cert.sha256,
        issuer: hit.cert.issuer,
        serial: hit.cert.serial,
        not_before: hit.cert.not_before,
        not_after: hit.cert.not_after,
        precert: true,
        log: hit.cert.log,
        index: 123456,
      },
      seen_at: hit.seen_at,
    });
    expect(body.test).toBeUndefined();
  });

  it('marks test alerts', async () => {
    const { n } = make({ url: rx.url });
    await n.send(hitsMessage([makeHit()], 'dlv-t', true), signal());
    expect(JSON.parse(rx.received[0]!.body)).toMatchObject({ type: 'ctwatch.hit', test: true });
  });

  it.each([
    [
      'health',
      { kind: 'health', id: 'h-1', health: { event: 'feed.stale', severity: 'high', summary: 'no message for 120 s', details: { seconds: 120 }, at: '2026-11-20T10:00:00Z' } },
      { type: 'ctwatch.health', version: 1, id: 'h-1', event: 'feed.stale', severity: 'high', details: { seconds: 120 } },
    ],
    [
      'digest',
      {
        kind: 'digest',
        id: 'd-1',
        digest: {
          from: '2026-11-19T08:00:00Z',
          to: '2026-11-20T08:00:00Z',
          total: 3,
          byBrand: { PayPal: 3 },
          byTechnique: { keyword: 3 },
          bySeverity: { high: 3 },
          highNames: [{ name: 'paypal-x.com', brand: 'PayPal', watch: null, severity: 'high' }],
          health: { uptimeSeconds: 86400, reconnects: 1, gaps: 0, dropped: 0 },
        },
      },
      { type: 'ctwatch.digest', version: 1, id: 'd-1', total: 3, by_brand: { PayPal: 3 }, health: { uptime_seconds: 86400 } },
    ],
  ])('%s payload', async (_label, message, expected) => {
    const { n } = make({ url: rx.url });
    await n.send(message as AlertMessage, signal());
    expect(JSON.parse(rx.received[0]!.body)).toMatchObject(expected);
  });

  it('refuses more than one hit per message, permanently, without sending', async () => {
    const { n } = make({ url: rx.url });
    const err = await n.send(hitsMessage([makeHit(), makeHit({ name: 'b.com' })]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ code: 'too_many_hits', permanent: true });
    expect(rx.received).toHaveLength(0);
  });
});

describe('Standard Webhooks signature', () => {
  it.each([
    ['whsec_ base64 secret', WHSEC],
    ['plain string secret', 'correct horse battery staple'],
  ])('verifies with an independent verifier (%s), and webhook-id is stable across retries', async (_label, secret) => {
    let clock = 1_790_000_000_000;
    const { n, ctx } = make({ url: rx.url, secret }, () => clock);
    expect(ctx.secrets).toContain(secret);
    rx.answers.push((res) => res.writeHead(503, { 'retry-after': '7' }).end());
    const msg = hitsMessage([makeHit({ name: HOSTILE_NAME })], 'dlv-7');
    const first = await n.send(msg, signal()).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'http_5xx', permanent: false, retryAfterMs: 7000 });
    clock += 7000;
    await n.send(msg, signal());
    expect(rx.received).toHaveLength(2);
    const [a, b] = rx.received as [(typeof rx.received)[0], (typeof rx.received)[0]];
    expect(a.headers['webhook-id']).toBe('dlv-7');
    expect(b.headers['webhook-id']).toBe('dlv-7');
    expect(a.headers['webhook-timestamp']).toBe('1790000000');
    expect(b.headers['webhook-timestamp']).toBe('1790000007');
    for (const r of [a, b]) expect(verifyStandardWebhook(secret, r.headers, r.body)).toBe(true);
    // The verifier can fail: a changed body, id or key does not verify.
    expect(verifyStandardWebhook(secret, a.headers, a.body.replace('PayPal', 'PayPaI'))).toBe(false);
    expect(verifyStandardWebhook(secret, { ...a.headers, 'webhook-id': 'dlv-8' }, a.body)).toBe(false);
    expect(verifyStandardWebhook('whsec_AAAA', a.headers, a.body)).toBe(false);
  });
});

describe('webhook failures', () => {
  it.each([
    ['429 seconds', 429, { 'retry-after': '2' }, { code: 'rate_limited', permanent: false, retryAfterMs: 2000, disable: false }],
    ['503 http date', 503, { 'retry-after': 'Sat, 20 Nov 2027 10:00:30 GMT' }, { code: 'http_5xx', permanent: false, retryAfterMs: 30_000 }],
    ['500', 500, {}, { code: 'http_5xx', permanent: false, retryAfterMs: null }],
    ['400', 400, {}, { code: 'http_4xx', permanent: true }],
    ['401', 401, {}, { code: 'http_4xx', permanent: true }],
    ['404', 404, {}, { code: 'http_4xx', permanent: true }],
    ['410 disables', 410, {}, { code: 'gone', permanent: true, disable: true }],
    ['302 not followed', 302, { location: 'http://127.0.0.1:1/elsewhere' }, { code: 'redirect', permanent: true }],
  ])('%s', async (_label, status, headers, expected) => {
    const { n } = make({ url: `${rx.url}?token=s3cr3t-token` }, () => Date.parse('Sat, 20 Nov 2027 10:00:00 GMT'));
    rx.answers.push((res) => res.writeHead(status, headers).end('nope'));
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject(expected);
    expect((err as Error).message).toContain(String(status));
    expect((err as Error).message).not.toContain('s3cr3t-token');
    expect((err as Error).message).not.toContain('127.0.0.1');
    expect(rx.received).toHaveLength(1);
  });

  it('connection refused is retryable and names no URL', async () => {
    const port = await closedPort();
    const { n, ctx } = make({ url: `http://user:pw-secret@127.0.0.1:${port}/hook?k=tok-secret` });
    expect(ctx.secrets).toEqual(expect.arrayContaining(['pw-secret', 'k=tok-secret']));
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network', permanent: false });
    expect((err as Error).message).toContain('ECONNREFUSED');
    const all = `${(err as Error).message} ${String((err as Error).cause)}`;
    expect(all).not.toContain('secret');
  });

  it('sends URL credentials as Basic auth', async () => {
    const { n } = make({ url: rx.url.replace('http://', 'http://user:p%40ss@') });
    await n.send(hitsMessage([makeHit()]), signal());
    expect(rx.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('honours the abort signal (timeout) as retryable', async () => {
    const { n } = make({ url: rx.url });
    rx.answers.push(() => {
      /* never answers */
    });
    const ac = new AbortController();
    const p = n.send(hitsMessage([makeHit()]), ac.signal).catch((e: unknown) => e);
    while (rx.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    expect(await p).toMatchObject({ code: 'timeout', permanent: false });
  });
});

describe('webhook config', () => {
  it.each([
    ['ok', { url: 'http://127.0.0.1:8099/hook' }, true],
    ['with secret and headers', { url: 'https://siem.example/h', secret: WHSEC, headers: { Authorization: 'Bearer x' } }, true],
    ['missing url', {}, false],
    ['not a url', { url: 'nope' }, false],
    ['ftp scheme', { url: 'ftp://x/y' }, false],
    ['unknown key', { url: 'http://x/y', retries: 3 }, false],
    ['empty secret', { url: 'http://x/y', secret: '' }, false],
    ['bad whsec', { url: 'http://x/y', secret: 'whsec_!!' }, false],
  ])('%s', (_label, config, ok) => {
    expect(webhookProvider.configSchema.safeParse(config).success).toBe(ok);
  });
});

describe('docs/webhook-payload.md', () => {
  it('its verification snippet accepts a real signed delivery and rejects a tampered one', async () => {
    const doc = await readFile('docs/webhook-payload.md', 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(code).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'ctwatch-doc-'));
    try {
      const file = join(dir, 'verify.mjs');
      await writeFile(file, code!);
      const { verifyCtwatch } = (await import(pathToFileURL(file).href)) as {
        verifyCtwatch: (secret: string, headers: IncomingHttpHeaders, body: string) => boolean;
      };
      const { n } = make({ url: rx.url, secret: WHSEC });
      await n.send(hitsMessage([makeHit()], 'dlv-doc'), signal());
      const r = rx.received[0]!;
      expect(verifyCtwatch(WHSEC, r.headers, r.body)).toBe(true);
      expect(verifyCtwatch(WHSEC, r.headers, r.body.replace('82', '83'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
