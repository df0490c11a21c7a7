import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackPayload, slackProvider } from '../../src/notify/providers/slack.js';
import { DeliveryError, type AlertMessage } from '../../src/notify/types.js';
import { HOSTILE_NAME, hitsMessage, makeCtx, makeHit, signal, startReceiver, type Receiver } from './helpers.js';

let rx: Receiver;
const TOKEN_PATH = '/services/T000/B000/XXXXsecretXXXX';
beforeEach(async () => {
  rx = await startReceiver(TOKEN_PATH);
});
afterEach(async () => {
  await rx.close();
});

function make() {
  const ctx = makeCtx();
  const n = slackProvider.create('team', slackProvider.configSchema.parse({ url: rx.url }), ctx);
  return { n, ctx };
}

interface Block {
  type: string;
  text?: { type: string; text: string };
  elements?: { text: string }[];
}

function allText(body: { text: string; blocks: Block[] }): string[] {
  return [
    body.text,
    ...body.blocks.flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)]),
  ];
}

describe('slack message', () => {
  it('sends a grouped Block Kit message with the hostile name escaped and defanged everywhere', async () => {
    const { n, ctx } = make();
    expect(ctx.secrets).toContain(rx.url);
    const hits = [makeHit(), makeHit({ name: HOSTILE_NAME, severity: 'critical', score: 95 }), makeHit({ name: 'paypal-secure.net' })];
    await n.send(hitsMessage(hits), signal());
    expect(rx.received).toHaveLength(1);
    const body = JSON.parse(rx.received[0]!.body);
    expect(body.unfurl_links).toBe(false);
    expect(body.unfurl_media).toBe(false);
    expect(body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'CRITICAL PayPal: 3 look-alike certificates' } });
    expect(body.text).toContain('CRITICAL PayPal: 3 look-alike certificates');
    const texts = allText(body);
    const joined = texts.join('\n');
    expect(joined).toContain('`paypa1-login[.]com`');
    for (const t of texts) {
      expect(t).not.toContain('<script>');
      expect(t).not.toContain('\u202E');
      expect(t).not.toContain('http://');
      expect(t).not.toMatch(/<[!@#]/);
    }
    // The hostile name appears, escaped, in both the fallback text and a section.
    const shown = 'paypal-&lt;script&gt;alert(1)&lt;/script&gt;*bold*_it_\\u{60}code\\u{60}&amp;amp;\\u{202E}moc[.]login[.]hxxp[://]x[@]everyone';
    expect(body.text).toContain(`\`${shown}\``);
    expect(body.blocks.some((b: Block) => b.type === 'section' && b.text!.text.includes(`\`${shown}\``))).toBe(true);
  });

  it('marks test alerts', () => {
    const body = slackPayload(hitsMessage([makeHit()], 'x', true), 25) as { text: string; blocks: Block[] };
    expect(body.text.startsWith('TEST ')).toBe(true);
    expect(JSON.stringify(body.blocks)).toContain('TEST alert');
  });

  it('keeps a 200-hit group within Slack limits and counts what is not listed', () => {
    const hits = Array.from({ length: 200 }, (_, i) => makeHit({ name: `paypal-${'x'.repeat(200)}-${i}.com` }));
    const body = slackPayload(hitsMessage(hits), slackProvider.maxHitsPerMessage) as { text: string; blocks: Block[] };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    expect(body.blocks[0]!.text!.text.length).toBeLessThanOrEqual(150);
    for (const b of body.blocks) if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    expect(body.text.length).toBeLessThanOrEqual(3000);
    const context = body.blocks.at(-1)!;
    expect(context.elements![0]!.text).toContain(`+${200 - slackProvider.maxHitsPerMessage} more not listed`);
    const listed = body.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text.split('\n').length);
    expect(listed.reduce((a, b) => a + b, 0)).toBe(slackProvider.maxHitsPerMessage);
  });

  it.each([
    ['health', { kind: 'health', id: 'h', health: { event: 'feed.stale', severity: 'high', summary: 'no data from wss://feed.example', details: { seconds: 120 }, at: 't' } }, 'HIGH ctwatch health: feed.stale'],
    [
      'digest',
      {
        kind: 'digest',
        id: 'd',
        digest: {
          from: 'a', to: 'b', total: 12, byBrand: { PayPal: 10, ACME: 2 }, byTechnique: { keyword: 12 }, bySeverity: { high: 2, low: 10 },
          highNames: [{ name: 'paypal-<b>.com', brand: 'PayPal', watch: null, severity: 'high' }],
          health: { uptimeSeconds: 7200, reconnects: 2, gaps: 1, dropped: 0 },
        },
      },
      'ctwatch digest: 12 hits',
    ],
  ] as [string, AlertMessage, string][])('%s message', (_label, message, title) => {
    const body = slackPayload(message, 25) as { text: string; blocks: Block[] };
    expect(body.blocks[0]!.text!.text).toBe(title);
    const joined = allText(body).join('\n');
    expect(joined).not.toContain('wss://feed.example');
    expect(joined).not.toContain('<b>');
  });
});

describe('slack failures', () => {
  it.each([
    ['429 + Retry-After', 429, { 'retry-after': '2' }, 'rate_limited', { permanent: false, retryAfterMs: 2000 }],
    ['500 rollup_error', 500, {}, 'rollup_error', { code: 'slack_rollup_error', permanent: false }],
    ['400 invalid_payload', 400, {}, 'invalid_payload', { code: 'slack_invalid_payload', permanent: true }],
    ['404 channel_not_found', 404, {}, 'channel_not_found', { code: 'slack_channel_not_found', permanent: true }],
    ['404 no_service', 404, {}, 'no_service', { code: 'slack_no_service', permanent: true }],
    ['403 action_prohibited', 403, {}, 'action_prohibited', { code: 'slack_action_prohibited', permanent: true }],
    ['410 channel_is_archived', 410, {}, 'channel_is_archived', { code: 'slack_channel_is_archived', permanent: true }],
    ['502 html page', 502, {}, '<html>bad gateway</html>', { code: 'http_5xx', permanent: false }],
  ])('%s', async (_label, status, headers, text, expected) => {
    const { n } = make();
    rx.answers.push((res) => res.writeHead(status, headers).end(text));
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject(expected);
    expect((err as Error).message).toMatch(new RegExp(`^slack webhook team answered ${status}`));
    expect((err as Error).message).not.toContain('secret');
    expect((err as Error).message).not.toContain('<html>');
  });
});

describe('slack retry sequence (provider side of issue 6, point 2)', () => {
  it('429 Retry-After 2, then 500, then 200: each outcome is reported so the dispatcher can pace', async () => {
    const { n } = make();
    rx.answers.push((res) => res.writeHead(429, { 'retry-after': '2' }).end('rate_limited'));
    rx.answers.push((res) => res.writeHead(500).end('rollup_error'));
    rx.answers.push((res) => res.writeHead(200).end('ok'));
    const msg = hitsMessage([makeHit()], 'dlv-seq');
    const outcomes: unknown[] = [];
    for (let i = 0; i < 3; i++) outcomes.push(await n.send(msg, signal()).then(() => 'ok', (e: unknown) => e));
    expect(outcomes[0]).toMatchObject({ code: 'rate_limited', permanent: false, retryAfterMs: 2000 });
    expect(outcomes[1]).toMatchObject({ code: 'slack_rollup_error', permanent: false, retryAfterMs: null });
    expect(outcomes[2]).toBe('ok');
    expect(rx.received).toHaveLength(3);
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
  });

  it('reads only the start of a huge error body', async () => {
    const { n } = make();
    rx.answers.push((res) => res.writeHead(400).end('invalid_payload' + ' '.repeat(5_000_000)));
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: true, code: 'slack_invalid_payload' });
  });
});
