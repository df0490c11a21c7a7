/**
 * `teams`: Microsoft Teams incoming webhook or Workflows ("Post to a channel when a webhook
 * request is received") URL, posting one Adaptive Card. Human audience: names defanged,
 * control-escaped and Markdown-escaped (TextBlocks render a Markdown subset). Cards are
 * kept under Teams' 28 KB message limit. The webhook URL is a secret.
 */
import { z } from 'zod';
import { escapeMarkdown } from '../format/escape.js';
import { renderAlert, SEVERITY_LABEL, type RenderedHit } from '../format/render.js';
import type { AlertMessage, Notifier, ProviderDefinition } from '../types.js';
import { DeliveryError } from '../types.js';
import { classify, post, httpUrlSchema } from './http-delivery.js';

export const teamsConfigSchema = z.strictObject({
  /** The incoming webhook or Workflows trigger URL; any http(s) URL for proxies/tests. */
  url: httpUrlSchema(),
});
export type TeamsConfig = z.infer<typeof teamsConfigSchema>;

/** Teams rejects messages over about 28 KB; keep a margin. */
export const TEAMS_MAX_BYTES = 26_000;
export const TEAMS_MAX_HITS = 20;

const COLOR: Record<string, string> = { low: 'Accent', medium: 'Warning', high: 'Attention', critical: 'Attention' };

function hitBlock(h: RenderedHit): Record<string, unknown> {
  const parts = [`**${SEVERITY_LABEL[h.severity]}** ${escapeMarkdown(h.name)}`];
  if (h.target !== null) parts.push(escapeMarkdown(h.target));
  if (h.technique) parts.push(escapeMarkdown(h.technique));
  if (h.score) parts.push(`score ${h.score}`);
  if (h.otherNames > 0) parts.push(`+${h.otherNames} other names`);
  return { type: 'TextBlock', text: [parts.join(' · '), ...h.enrichment.map(escapeMarkdown)].join('\n\n'), wrap: true, spacing: 'Small' };
}

function card(body: Record<string, unknown>[]): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** The webhook JSON for `message`, at most TEAMS_MAX_BYTES. Pure; exported for tests. */
export function teamsPayload(message: AlertMessage, maxHits: number): Record<string, unknown> {
  const r = renderAlert(message, maxHits);
  const head: Record<string, unknown>[] = [
    { type: 'TextBlock', text: escapeMarkdown(r.title), weight: 'Bolder', size: 'Medium', wrap: true, color: COLOR[r.severity] },
  ];
  for (const n of r.notes) head.push({ type: 'TextBlock', text: escapeMarkdown(n), wrap: true });
  if (r.facts.length) {
    head.push({ type: 'FactSet', facts: r.facts.map((f) => ({ title: escapeMarkdown(f.label), value: escapeMarkdown(f.value) })) });
  }
  const hits = r.hits.map(hitBlock);
  for (let kept = hits.length; ; kept--) {
    const more = r.omitted + hits.length - kept;
    const tail = more > 0 ? [{ type: 'TextBlock', text: `+${more} more not listed`, isSubtle: true, wrap: true }] : [];
    const footer = { type: 'TextBlock', text: r.test ? 'ctwatch · TEST alert' : 'ctwatch', isSubtle: true, size: 'Small' };
    const payload = card([...head, ...hits.slice(0, kept), ...tail, footer]);
    if (kept === 0 || Buffer.byteLength(JSON.stringify(payload)) <= TEAMS_MAX_BYTES) return payload;
  }
}

class TeamsNotifier implements Notifier {
  readonly type = 'teams';
  constructor(
    readonly id: string,
    private readonly config: TeamsConfig,
    private readonly now: () => number,
  ) {}

  async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    const label = `teams webhook ${this.id}`;
    const body = JSON.stringify(teamsPayload(message, TEAMS_MAX_HITS));
    const answer = await post({ label, url: this.config.url, body, signal, readErrorBody: 300, readSuccessBody: 300 });
    const err = classify(label, answer, { now: this.now });
    if (err) throw err;
    // Legacy Office 365 connectors answer 200 with an error text when Teams refused the
    // message (e.g. "... Microsoft Teams endpoint returned HTTP error 429 ...").
    const m = /returned HTTP error (\d{3})/.exec(answer.text);
    if (m) {
      const status = Number(m[1]);
      const retryable = status === 429 || status >= 500;
      throw new DeliveryError(retryable ? 'teams_retryable' : 'teams_rejected', `${label} accepted the request but Teams answered ${status}`, { permanent: !retryable });
    }
  }
}

export const teamsProvider: ProviderDefinition<TeamsConfig> = {
  type: 'teams',
  configSchema: teamsConfigSchema,
  secretFields: ['url'],
  audience: 'human',
  // Teams throttles connectors at a few requests per second; stay well below.
  ratePerSecond: 1,
  maxHitsPerMessage: TEAMS_MAX_HITS,
  create(id, config, ctx) {
    ctx.addSecret(config.url);
    return new TeamsNotifier(id, config, ctx.now ?? Date.now);
  },
};
