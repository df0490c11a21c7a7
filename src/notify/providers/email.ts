/**
 * `email`: SMTP through a pooled nodemailer transport. Text and HTML bodies built from the
 * neutral render (names defanged, control-escaped, HTML-escaped, never inside <a>), a
 * one-line subject with severity and brand, and `Message-ID: <{delivery id}@ctwatch>` so a
 * retried delivery carries the same id (mail systems and clients can deduplicate on it).
 */
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { escapeHtml } from '../format/escape.js';
import { renderAlert, type RenderedAlert } from '../format/render.js';
import { plainTextBody } from '../format/text.js';
import { oneLine, truncate } from '../format/sanitize.js';
import type { AlertMessage, Notifier, ProviderDefinition } from '../types.js';
import { DeliveryError } from '../types.js';
import { safeCause } from './http-delivery.js';
import { describeNetError } from '../../log/net-error.js';

const address = z.string().min(3).regex(/^[^\r\n]+$/, 'must be one line');

export const emailConfigSchema = z
  .strictObject({
    /** smtp://user:pass@host:port or smtps://…; query options as nodemailer reads them (e.g. ?ignoreTLS=true). */
    url: z.string().regex(/^smtps?:\/\//i, 'must start with smtp:// or smtps://').optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    /** true: TLS from the first byte (port 465). false: plain, upgraded with STARTTLS when offered. */
    secure: z.boolean().optional(),
    /** Never use STARTTLS even when offered (a plain local relay). */
    ignore_tls: z.boolean().optional(),
    /**
     * Fail unless the connection is encrypted (STARTTLS required). Default: true when credentials
     * are configured (`auth`, or user:pass in `url`) and the connection is not TLS from the first
     * byte, so a password is never sent in clear; write `require_tls: false` to allow that
     * (a plain relay on localhost).
     */
    require_tls: z.boolean().optional(),
    auth: z.strictObject({ user: z.string().min(1), pass: z.string() }).optional(),
    from: address,
    to: z.union([address, z.array(address).min(1)]),
    /** Most open SMTP connections in the pool. */
    max_connections: z.number().int().min(1).max(20).default(2),
  })
  .refine((c) => (c.url === undefined) !== (c.host === undefined), {
    message: 'give exactly one of url or host',
    path: ['url'],
  })
  .refine((c) => !(hasCredentials(c) && ignoresTls(c) && c.require_tls !== false), {
    message: 'ignore_tls (or ?ignoreTLS=true) with credentials would send the password in clear; write require_tls: false to allow it explicitly',
    path: ['ignore_tls'],
  });

/** Credentials configured: `auth`, or user info in the URL. */
function hasCredentials(c: { url?: string; auth?: unknown }): boolean {
  if (c.auth !== undefined) return true;
  if (c.url === undefined) return false;
  try {
    const u = new URL(c.url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** TLS from the first byte: `secure: true`, or an smtps:// URL. */
function implicitTls(c: { url?: string; secure?: boolean }): boolean {
  return c.secure === true || (c.url !== undefined && /^smtps:/i.test(c.url));
}

/** STARTTLS switched off: `ignore_tls: true`, or `?ignoreTLS=true` in the URL. */
function ignoresTls(c: { url?: string; ignore_tls?: boolean }): boolean {
  if (c.ignore_tls === true) return true;
  try {
    return c.url !== undefined && new URL(c.url).searchParams.get('ignoreTLS') === 'true';
  } catch {
    return false;
  }
}

/**
 * Whether STARTTLS is required: as configured, else whenever credentials would otherwise cross a
 * connection that is not TLS from the first byte (nodemailer would send them in clear to a
 * server that does not offer STARTTLS, or to a man in the middle that strips it).
 */
export function requiresTls(c: { url?: string; secure?: boolean; auth?: unknown; require_tls?: boolean }): boolean {
  if (c.require_tls !== undefined) return c.require_tls;
  return hasCredentials(c) && !implicitTls(c);
}
export type EmailConfig = z.infer<typeof emailConfigSchema>;

export const EMAIL_MAX_HITS = 50;
const SUBJECT_CHARS = 160;

/** The subject line: `[ctwatch] HIGH PayPal: 3 look-alike certificates`; one line, bounded. */
export function emailSubject(r: RenderedAlert): string {
  return truncate(oneLine(`[ctwatch] ${r.title}`), SUBJECT_CHARS);
}

/** The plain-text body (see format/text.ts). */
export const emailText = plainTextBody;

/** The HTML body: every dynamic value entity-escaped; names in <code>, never in <a>. */
export function emailHtml(r: RenderedAlert): string {
  const e = escapeHtml;
  const parts = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${e(r.title)}</h2>`,
    ...r.notes.map((n) => `<p>${e(n)}</p>`),
  ];
  if (r.facts.length) {
    parts.push('<table>');
    for (const f of r.facts) parts.push(`<tr><th align="left">${e(f.label)}</th><td>${e(f.value)}</td></tr>`);
    parts.push('</table>');
  }
  if (r.hits.length) {
    parts.push('<table border="1" cellpadding="4" style="border-collapse:collapse">');
    parts.push('<tr><th>severity</th><th>name</th><th>brand / watch</th><th>technique</th><th>score</th><th>reason</th><th>issuer</th></tr>');
    for (const h of r.hits) {
      const cells = [h.severity.toUpperCase(), `<code>${e(h.name)}</code>`, e(h.target ?? ''), e(h.technique), h.score ? String(h.score) : '', e(h.reason), e(h.issuer ?? '')];
      parts.push(`<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`);
      if (h.enrichment.length) parts.push(`<tr><td></td><td colspan="6">${h.enrichment.map(e).join('<br>')}</td></tr>`);
    }
    parts.push('</table>');
  }
  if (r.omitted > 0) parts.push(`<p>+${r.omitted} more not listed</p>`);
  parts.push('<p style="color:#666">Names are defanged ([.] for dots, hxxp for http) and are not links. ctwatch</p></body></html>');
  return parts.join('\n');
}

/** A Message-ID local part from the delivery id: only atext characters survive. */
export function messageId(deliveryId: string): string {
  const local = deliveryId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200) || 'x';
  return `<${local}@ctwatch>`;
}

function transportOptions(c: EmailConfig): Record<string, unknown> {
  const common = {
    pool: true,
    maxConnections: c.max_connections,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    ...(c.ignore_tls !== undefined ? { ignoreTLS: c.ignore_tls } : {}),
    requireTLS: requiresTls(c),
  };
  if (c.url !== undefined) return { ...common, url: c.url };
  return {
    ...common,
    host: c.host,
    port: c.port ?? (c.secure ? 465 : 587),
    secure: c.secure ?? false,
    ...(c.auth ? { auth: { user: c.auth.user, pass: c.auth.pass } } : {}),
  };
}

/**
 * Maps a nodemailer failure to a DeliveryError. Server replies 5xx and authentication
 * failures are permanent (retrying the same message cannot succeed); 4xx replies,
 * connection and timeout errors are retryable. The message quotes only codes, never the
 * server's text (it could echo credentials) nor the URL.
 */
export function emailError(id: string, err: unknown, signal: AbortSignal): DeliveryError {
  const e = err as { code?: unknown; responseCode?: unknown; originalCode?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'EUNKNOWN';
  const rc = typeof e?.responseCode === 'number' ? e.responseCode : null;
  // nodemailer wraps socket errors (ESOCKET, ECONNECTION) and keeps the errno as originalCode:
  // name the cause in words with the shared classifier ("connection refused (ECONNREFUSED)").
  const net = typeof e?.originalCode === 'string' ? `: ${describeNetError({ code: e.originalCode })}` : '';
  const what = `email ${id}: SMTP ${code}${rc !== null ? ` ${rc}` : ''}${net}`;
  if (signal.aborted || code === 'EABORT') return new DeliveryError('timeout', `${what} (aborted)`, { cause: safeCause(err) });
  const permanent =
    code === 'EAUTH' ||
    code === 'ENOAUTH' ||
    code === 'ECONFIG' ||
    (code === 'EENVELOPE' && rc === null) ||
    (rc !== null && rc >= 500 && rc < 600);
  return new DeliveryError(`smtp_${code.toLowerCase()}`, what, { permanent, cause: safeCause(err) });
}

class EmailNotifier implements Notifier {
  readonly type = 'email';
  private transport: ReturnType<typeof nodemailer.createTransport> | null;
  constructor(
    readonly id: string,
    private readonly config: EmailConfig,
  ) {
    this.transport = nodemailer.createTransport(transportOptions(config) as never);
  }

  async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    if (this.transport === null) throw new DeliveryError('closed', `email ${this.id}: notifier is closed`);
    const r = renderAlert(message, EMAIL_MAX_HITS);
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: this.config.to,
        subject: emailSubject(r),
        text: emailText(r),
        html: emailHtml(r),
        messageId: messageId(message.id),
        // An update threads under the original alert in mail clients.
        ...(message.kind === 'update' && message.update.replyTo !== null
          ? { inReplyTo: messageId(message.update.replyTo), references: [messageId(message.update.replyTo)] }
          : {}),
        headers: {
          'Auto-Submitted': 'auto-generated',
          'X-Ctwatch-Severity': r.severity,
          ...(r.test ? { 'X-Ctwatch-Test': 'yes' } : {}),
        },
        signal,
      });
    } catch (err) {
      throw emailError(this.id, err, signal);
    }
  }

  async close(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    t?.close();
  }
}

export const emailProvider: ProviderDefinition<EmailConfig> = {
  type: 'email',
  configSchema: emailConfigSchema,
  secretFields: ['url', 'auth'],
  audience: 'human',
  ratePerSecond: 2,
  maxHitsPerMessage: EMAIL_MAX_HITS,
  create(id, config, ctx) {
    if (config.auth) ctx.addSecret(config.auth.pass);
    if (config.url !== undefined) {
      ctx.addSecret(config.url);
      try {
        const u = new URL(config.url);
        if (u.password) ctx.addSecret(decodeURIComponent(u.password));
      } catch {
        // nodemailer parses the URL itself; nothing more to register.
      }
    }
    return new EmailNotifier(id, config);
  },
};
