/**
 * `discord`: webhook with one embed listing the grouped hits. Human audience: names
 * defanged, control-escaped and Markdown-escaped; `allowed_mentions: {parse: []}` so no name
 * (e.g. one containing `@everyone`) can ping anyone. The webhook URL is a secret.
 */
import { z } from 'zod';
import { escapeMarkdown } from '../format/escape.js';
import { fitText } from '../format/pack.js';
import { renderAlert, SEVERITY_LABEL, type RenderedAlert, type RenderedHit } from '../format/render.js';
import { configText, truncate } from '../format/sanitize.js';
import type { AlertMessage, Notifier, ProviderDefinition } from '../types.js';
import { DeliveryError } from '../types.js';
import { classify, post, httpUrlSchema } from './http-delivery.js';

export const discordConfigSchema = z.strictObject({
  /** https://discord.com/api/webhooks/{id}/{token}; any http(s) URL for proxies/tests. */
  url: httpUrlSchema(),
  /** Display name override for the webhook's messages. */
  username: z.string().min(1).max(80).optional(),
});
export type DiscordConfig = z.infer<typeof discordConfigSchema>;

/** Discord limits: content 2,000; embed title 256, description 4,096, footer 2,048, all text 6,000. */
const CONTENT_CHARS = 2000;
const TITLE_CHARS = 256;
const DESCRIPTION_CHARS = 4000;
export const DISCORD_MAX_HITS = 20;

const COLOR: Record<string, number> = { low: 0x3b82f6, medium: 0xeab308, high: 0xf97316, critical: 0xdc2626 };

function hitLine(h: RenderedHit): string {
  const parts = [`**${SEVERITY_LABEL[h.severity]}** ${escapeMarkdown(h.name)}`];
  if (h.target !== null) parts.push(escapeMarkdown(h.target));
  if (h.technique) parts.push(escapeMarkdown(h.technique));
  if (h.score) parts.push(`score ${h.score}`);
  if (h.otherNames > 0) parts.push(`+${h.otherNames} other names`);
  return [`• ${parts.join(' · ')}`, ...h.enrichment.map((e) => `  ${escapeMarkdown(e)}`)].join('\n');
}

function lines(r: RenderedAlert): string[] {
  return [
    ...r.notes.map(escapeMarkdown),
    ...r.facts.map((f) => `**${escapeMarkdown(f.label)}:** ${escapeMarkdown(f.value)}`),
    ...r.hits.map(hitLine),
  ];
}

/** The webhook JSON for `message`, within Discord's limits. Pure; exported for tests. */
export function discordPayload(message: AlertMessage, maxHits: number, username?: string): Record<string, unknown> {
  const r = renderAlert(message, maxHits);
  const title = escapeMarkdown(r.title);
  const desc = fitText('', lines(r), DESCRIPTION_CHARS, (n) => `+${n + r.omitted} more not listed`);
  const description = (desc.dropped === 0 && r.omitted > 0 ? `${desc.text}\n+${r.omitted} more not listed` : desc.text).replace(/^\n/, '');
  const body: Record<string, unknown> = {
    content: truncate(title, CONTENT_CHARS),
    embeds: [
      {
        title: truncate(title, TITLE_CHARS),
        description,
        color: COLOR[r.severity],
        footer: { text: r.test ? 'ctwatch · TEST alert' : 'ctwatch' },
      },
    ],
    allowed_mentions: { parse: [] },
  };
  if (username !== undefined) body.username = configText(username, 80);
  return body;
}

/** Discord also states the wait in its JSON body (`retry_after`, seconds). */
function bodyRetryAfter(text: string): number | null {
  try {
    const v = (JSON.parse(text) as { retry_after?: unknown }).retry_after;
    return typeof v === 'number' && v >= 0 ? Math.ceil(v * 1000) : null;
  } catch {
    return null;
  }
}

class DiscordNotifier implements Notifier {
  readonly type = 'discord';
  constructor(
    readonly id: string,
    private readonly config: DiscordConfig,
    private readonly now: () => number,
  ) {}

  async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    const label = `discord webhook ${this.id}`;
    const body = JSON.stringify(discordPayload(message, DISCORD_MAX_HITS, this.config.username));
    const answer = await post({ label, url: this.config.url, body, signal, readErrorBody: 500 });
    const err = classify(label, answer, { now: this.now });
    if (!err) return;
    if (answer.status === 429 && err.retryAfterMs === null) {
      throw new DeliveryError(err.code, err.message, { retryAfterMs: bodyRetryAfter(answer.text) });
    }
    throw err;
  }
}

export const discordProvider: ProviderDefinition<DiscordConfig> = {
  type: 'discord',
  configSchema: discordConfigSchema,
  secretFields: ['url'],
  audience: 'human',
  // Discord allows about 30 messages per minute per channel webhook.
  ratePerSecond: 0.5,
  maxHitsPerMessage: DISCORD_MAX_HITS,
  create(id, config, ctx) {
    ctx.addSecret(config.url);
    return new DiscordNotifier(id, config, ctx.now ?? Date.now);
  },
};
