/** Discord and Teams webhooks against real HTTP receivers on 127.0.0.1. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discordPayload, discordProvider } from '../../src/notify/providers/discord.js';
import { TEAMS_MAX_BYTES, teamsPayload, teamsProvider } from '../../src/notify/providers/teams.js';
import { DeliveryError, type ProviderDefinition } from '../../src/notify/types.js';
import { HOSTILE_NAME, hitsMessage, makeCtx, makeHit, signal, startReceiver, type Receiver } from './helpers.js';

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver('/webhooks/123/tok-SECRET-abc');
});
afterEach(async () => {
  await rx.close();
});

function make(p: ProviderDefinition) {
  const ctx = makeCtx();
  const n = p.create('chat', p.configSchema.parse({ url: rx.url }), ctx);
  expect(ctx.secrets).toContain(rx.url);
  return n;
}

/** Every string value anywhere in a JSON document. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

const hostileHits = () => [makeHit(), makeHit({ name: HOSTILE_NAME, severity: 'critical' })];

describe('discord', () => {
  it('posts content + embed, pings nobody, and shows the hostile name escaped and defanged', async () => {
    const n = make(discordProvider);
    await n.send(hitsMessage(hostileHits()), signal());
    const body = JSON.parse(rx.received[0]!.body);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toBe('CRITICAL PayPal: 2 look\\-alike certificates');
    const desc: string = body.embeds[0].description;
    expect(desc).toContain('paypa1\\-login[.]com'.replace('[.]', '\\[.\\]'));
    expect(desc).toContain(
      'paypal\\-\\<script\\>alert\\(1\\)\\</script\\>\\*bold\\*\\_it\\_\\`code\\`&amp;\\\\u{202E}moc\\[.\\]login\\[.\\]hxxp\\[://\\]x\\[@\\]everyone',
    );
    for (const s of strings(body)) {
      expect(s).not.toContain('\u202E');
      expect(s).not.toContain('<script>');
      expect(s).not.toMatch(/(^|[^[])@everyone/);
      expect(s).not.toContain('http://');
    }
  });

  it('keeps 200 hits within Discord limits', () => {
    const hits = Array.from({ length: 200 }, (_, i) => makeHit({ name: `paypal-${'y'.repeat(240)}-${i}.com` }));
    const body = discordPayload(hitsMessage(hits), discordProvider.maxHitsPerMessage) as { content: string; embeds: { title: string; description: string; footer: { text: string } }[] };
    expect(body.content.length).toBeLessThanOrEqual(2000);
    const e = body.embeds[0]!;
    expect(e.title.length).toBeLessThanOrEqual(256);
    expect(e.description.length).toBeLessThanOrEqual(4096);
    expect(e.title.length + e.description.length + e.footer.text.length).toBeLessThanOrEqual(6000);
    expect(e.description).toMatch(/\+\d+ more not listed$/);
  });

  it.each([
    ['429 header', 429, { 'retry-after': '3' }, '{}', { code: 'rate_limited', permanent: false, retryAfterMs: 3000 }],
    ['429 body only', 429, {}, '{"retry_after": 1.5, "global": false}', { code: 'rate_limited', retryAfterMs: 1500 }],
    ['404 unknown webhook', 404, {}, '{"code": 10015}', { code: 'http_4xx', permanent: true }],
    ['401', 401, {}, '', { permanent: true }],
    ['502', 502, {}, '', { code: 'http_5xx', permanent: false }],
  ])('%s', async (_label, status, headers, text, expected) => {
    const n = make(discordProvider);
    rx.answers.push((res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text));
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject(expected);
    expect((err as Error).message).not.toContain('SECRET');
  });

  it('204 No Content is success', async () => {
    const n = make(discordProvider);
    rx.answers.push((res) => res.writeHead(204).end());
    await expect(n.send(hitsMessage([makeHit()], 'x', true), signal())).resolves.toBeUndefined();
    expect(JSON.parse(rx.received[0]!.body).embeds[0].footer.text).toContain('TEST');
  });
});

describe('teams', () => {
  it('posts an Adaptive Card with the hostile name escaped and defanged', async () => {
    const n = make(teamsProvider);
    rx.answers.push((res) => res.writeHead(202).end());
    await n.send(hitsMessage(hostileHits()), signal());
    const body = JSON.parse(rx.received[0]!.body);
    expect(body.type).toBe('message');
    const att = body.attachments[0];
    expect(att.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(att.content.type).toBe('AdaptiveCard');
    const texts = att.content.body.map((b: { text?: string }) => b.text ?? '');
    expect(texts[0]).toBe('CRITICAL PayPal: 2 look\\-alike certificates');
    expect(texts.join('\n')).toContain('\\\\u{202E}moc\\[.\\]login');
    for (const s of strings(att.content.body)) {
      expect(s).not.toContain('\u202E');
      expect(s).not.toContain('<script>');
      expect(s).not.toContain('http://');
      expect(s).not.toMatch(/(^|[^\\])[*_`](bold|it|code)/);
    }
  });

  it('keeps a huge group under the Teams size limit', () => {
    const hits = Array.from({ length: 200 }, (_, i) => makeHit({ name: `paypal-${'z'.repeat(250)}-${i}.com`, reason: 'r'.repeat(300) }));
    const body = teamsPayload(hitsMessage(hits), 200);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(JSON.stringify(body)).toMatch(/\+\d+ more not listed/);
  });

  it.each([
    ['429', 429, { 'retry-after': '5' }, '', { code: 'rate_limited', permanent: false, retryAfterMs: 5000 }],
    ['400', 400, {}, 'Bad payload', { code: 'http_4xx', permanent: true }],
    ['legacy 200 with throttling error', 200, {}, 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId x', { code: 'teams_retryable', permanent: false }],
    ['legacy 200 with rejection', 200, {}, 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413', { code: 'teams_rejected', permanent: true }],
  ])('%s', async (_label, status, headers, text, expected) => {
    const n = make(teamsProvider);
    rx.answers.push((res) => res.writeHead(status, headers).end(text));
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject(expected);
    expect((err as Error).message).not.toContain('SECRET');
  });

  it('legacy "1" answer is success', async () => {
    const n = make(teamsProvider);
    rx.answers.push((res) => res.writeHead(200).end('1'));
    await expect(n.send(hitsMessage([makeHit()]), signal())).resolves.toBeUndefined();
  });
});
