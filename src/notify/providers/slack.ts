/**
 * `slack`: incoming webhook, Block Kit with a plain-text `text` fallback (used by
 * notifications and clients without blocks). Human audience: grouped hits, names defanged,
 * control-escaped, shown as inline code (so `*`, `_`, `~` do not format) with `& < >` escaped,
 * link unfurling off. The webhook URL is a secret and never appears in an error.
 */
import { z } from 'zod';
import { escapeSlack, slackCode } from '../format/escape.js';
import { fitText, packLines } from '../format/pack.js';
import { renderAlert, SEVERITY_LABEL, type RenderedAlert, type RenderedHit } from '../format/render.js';
import type { AlertMessage, Notifier, ProviderDefinition } from '../types.js';
import { DeliveryError } from '../types.js';
import { classify, errorToken, post, httpUrlSchema } from './http-delivery.js';

export const slackConfigSchema = z.strictObject({
  /** The incoming webhook URL (https://hooks.slack.com/services/...); any http(s) URL for proxies/tests. */
  url: httpUrlSchema(),
});
export type SlackConfig = z.infer<typeof slackConfigSchema>;

/** Slack's documented limits, with margin: section text 3,000, header 150, 50 blocks. */
const SECTION_CHARS = 2900;
const HEADER_CHARS = 150;
const MAX_SECTIONS = 40;
const FALLBACK_CHARS = 3000;
export const SLACK_MAX_HITS = 25;

const ICON: Record<string, string> = { low: ':large_blue_circle:', medium: ':large_yellow_circle:', high: ':large_orange_circle:', critical: ':red_circle:' };

function hitLine(h: RenderedHit): string {
  const parts = [`*${SEVERITY_LABEL[h.severity]}* ${slackCode(h.name)}`];
  if (h.target !== null) parts.push(escapeSlack(h.target));
  if (h.technique) parts.push(escapeSlack(h.technique));
  if (h.score) parts.push(`score ${h.score}`);
  if (h.otherNames > 0) parts.push(`+${h.otherNames} other names`);
  let line = `• ${parts.join(' · ')}`;
  if (h.reason) line += ` · ${escapeSlack(h.reason)}`;
  for (const e of h.enrichment) line += `\n      ${escapeSlack(e)}`;
  return line;
}

function bodyLines(r: RenderedAlert): string[] {
  return [
    ...r.facts.map((f) => `*${escapeSlack(f.label)}:* ${escapeSlack(f.value)}`),
    ...r.notes.map((n) => escapeSlack(n)),
    ...r.hits.map(hitLine),
  ];
}

/**
 * The JSON body for `message`: `text` fallback, `blocks`, unfurling off. Lines that do not
 * fit Slack's limits are counted in a "+N more" context line. Pure; exported for tests.
 */
export function slackPayload(message: AlertMessage, maxHits: number): Record<string, unknown> {
  const r = renderAlert(message, maxHits);
  const lines = bodyLines(r);
  const packed = packLines(lines, SECTION_CHARS, MAX_SECTIONS);
  const more = r.omitted + packed.dropped;
  const header = r.title.length > HEADER_CHARS ? `${r.title.slice(0, HEADER_CHARS - 1)}…` : r.title;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: header, emoji: false } },
    ...packed.chunks.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } })),
  ];
  const context = [`${ICON[r.severity] ?? ''} ctwatch`];
  if (more > 0) context.push(`+${more} more not listed`);
  if (r.test) context.push('TEST alert');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · '), verbatim: true }] });
  const fallback = fitText(escapeSlack(r.title), lines, FALLBACK_CHARS, (n) => `+${n + r.omitted} more`);
  return {
    text: fallback.text,
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

class SlackNotifier implements Notifier {
  readonly type = 'slack';
  constructor(
    readonly id: string,
    private readonly config: SlackConfig,
    private readonly maxHits: number,
    private readonly now: () => number,
  ) {}

  async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    const label = `slack webhook ${this.id}`;
    const body = JSON.stringify(slackPayload(message, this.maxHits));
    const answer = await post({ label, url: this.config.url, body, signal, readErrorBody: 200 });
    const token = errorToken(answer.text);
    const err = classify(label, answer, { detail: token, now: this.now });
    if (!err) return;
    // Slack names its 4xx failures (invalid_payload, channel_not_found, no_service, ...): all
    // permanent for this message; 429 and 5xx (rollup_error) stay retryable.
    throw new DeliveryError(token && answer.status !== 429 ? `slack_${token}` : err.code, err.message, {
      permanent: err.permanent,
      retryAfterMs: err.retryAfterMs,
    });
  }
}

export const slackProvider: ProviderDefinition<SlackConfig> = {
  type: 'slack',
  configSchema: slackConfigSchema,
  secretFields: ['url'],
  audience: 'human',
  // Slack allows about one message per second per incoming webhook.
  ratePerSecond: 1,
  maxHitsPerMessage: SLACK_MAX_HITS,
  create(id, config, ctx) {
    ctx.addSecret(config.url);
    return new SlackNotifier(id, config, SLACK_MAX_HITS, ctx.now ?? Date.now);
  },
};
