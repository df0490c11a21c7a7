/**
 * `webhook`: one JSON POST per message (version-1 payload, raw names), Standard Webhooks
 * headers, signed when `secret` is set. Machine audience: the dispatcher sends one hit per
 * message. 410 Gone asks the dispatcher to disable the endpoint.
 */
import { z } from 'zod';
import { machinePayload } from '../format/payload.js';
import type { AlertMessage, Notifier, ProviderContext, ProviderDefinition } from '../types.js';
import { classify, post, httpUrlSchema } from './http-delivery.js';
import { sign, signingKey } from './signature.js';

export const webhookConfigSchema = z.strictObject({
  /** Any http(s) URL, loopback included (proxies and tests). Redirects are not followed. */
  url: httpUrlSchema(),
  /** HMAC secret: `whsec_<base64>` (decoded) or any other string (UTF-8 bytes). */
  secret: z
    .string()
    .min(1)
    .refine((s) => !s.startsWith('whsec_') || /^[A-Za-z0-9+/]+={0,2}$/.test(s.slice(6)), {
      message: 'a whsec_ secret must be followed by base64',
    })
    .optional(),
  /** Extra request headers (e.g. Authorization); their values are treated as secrets. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/** Registers the parts of a URL that may be credentials (userinfo, query string). */
export function addUrlSecrets(url: string, ctx: ProviderContext): void {
  try {
    const u = new URL(url);
    if (u.password) ctx.addSecret(decodeURIComponent(u.password));
    if (u.username) ctx.addSecret(decodeURIComponent(u.username));
    if (u.search.length > 1) ctx.addSecret(u.search.slice(1));
  } catch {
    // The schema validated the URL; nothing to register otherwise.
  }
}

class WebhookNotifier implements Notifier {
  readonly type = 'webhook';
  private readonly key: Buffer | null;
  constructor(
    readonly id: string,
    private readonly config: WebhookConfig,
    private readonly now: () => number,
  ) {
    this.key = config.secret === undefined ? null : signingKey(config.secret);
  }

  async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(machinePayload(message));
    const timestamp = Math.floor(this.now() / 1000);
    const headers: Record<string, string> = {
      ...this.config.headers,
      'webhook-id': message.id,
      'webhook-timestamp': String(timestamp),
    };
    if (this.key !== null) headers['webhook-signature'] = sign(this.key, message.id, timestamp, body);
    const label = `webhook ${this.id}`;
    const answer = await post({ label, url: this.config.url, body, headers, signal });
    const err = classify(label, answer, { disableOn410: true, now: this.now });
    if (err) throw err;
  }
}

export const webhookProvider: ProviderDefinition<WebhookConfig> = {
  type: 'webhook',
  configSchema: webhookConfigSchema,
  secretFields: ['secret', 'headers'],
  audience: 'machine',
  // SIEMs and queues take bursts; 50/s delivers a 1,000-hit campaign in 20 s.
  ratePerSecond: 50,
  maxHitsPerMessage: 1,
  create(id, config, ctx) {
    if (config.secret !== undefined) ctx.addSecret(config.secret);
    for (const v of Object.values(config.headers ?? {})) ctx.addSecret(v);
    addUrlSecrets(config.url, ctx);
    return new WebhookNotifier(id, config, ctx.now ?? Date.now);
  },
};
