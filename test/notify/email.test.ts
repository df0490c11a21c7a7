import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { emailProvider, messageId } from '../../src/notify/providers/email.js';
import { DeliveryError, type Notifier } from '../../src/notify/types.js';
import { closedPort, HOSTILE_NAME, hitsMessage, makeCtx, makeHit, signal } from './helpers.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

interface Smtp {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (plain, AUTH user/pass) collecting every message. */
async function startSmtp(opts: Partial<SMTPServerOptions> = {}): Promise<Smtp> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 'p@ss word') cb(null, { user: 'alerts' });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
    ...opts,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const open: { smtp?: Smtp; notifier?: Notifier }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.notifier?.close?.();
    await o.smtp?.close();
  }
});

async function setup(config: (port: number) => Record<string, unknown>, smtpOpts: Partial<SMTPServerOptions> = {}) {
  const smtp = await startSmtp(smtpOpts);
  const ctx = makeCtx();
  const notifier = emailProvider.create('ops-mail', emailProvider.configSchema.parse(config(smtp.port)), ctx);
  open.push({ smtp, notifier });
  return { smtp, notifier, ctx };
}

// A plain relay on loopback: credentials over a connection without TLS need the explicit opt-out.
const urlConfig = (port: number) => ({
  url: `smtp://alerts:p%40ss%20word@127.0.0.1:${port}`,
  require_tls: false,
  from: 'ctwatch <ctwatch@example.org>',
  to: ['soc@example.org', 'noc@example.org'],
});

describe('email through a real SMTP server', () => {
  it('delivers subject, text and HTML with the hostile name escaped and defanged in every part', async () => {
    const { smtp, notifier, ctx } = await setup(urlConfig);
    expect(ctx.secrets).toContain('p@ss word');
    const hits = [makeHit({ name: HOSTILE_NAME, names: [HOSTILE_NAME] }), makeHit(), makeHit({ name: 'paypal-billing.net', severity: 'medium' })];
    await notifier.send(hitsMessage(hits, 'dlv-99'), signal());
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.from).toBe('ctwatch@example.org');
    expect(mail.to).toEqual(['soc@example.org', 'noc@example.org']);
    const parsed = await PostalMime.parse(mail.raw);
    expect(parsed.subject).toBe('[ctwatch] HIGH PayPal: 3 look-alike certificates');
    expect(parsed.messageId).toBe(messageId('dlv-99'));
    expect(parsed.messageId).toBe('<dlv-99@ctwatch>');
    const text = parsed.text ?? '';
    const html = parsed.html ?? '';
    expect(text).toContain('paypa1-login[.]com');
    expect(html).toContain('<code>paypa1-login[.]com</code>');
    // Text part: the name appears defanged with the RTL override made visible.
    const safe = 'paypal-<script>alert(1)</script>*bold*_it_`code`&amp;\\u{202E}moc[.]login[.]hxxp[://]x[@]everyone';
    expect(text).toContain(safe);
    // HTML part: entity-escaped, inside <code>, never a link.
    const safeHtml = 'paypal-&lt;script&gt;alert(1)&lt;/script&gt;*bold*_it_`code`&amp;amp;\\u{202E}moc[.]login[.]hxxp[://]x[@]everyone';
    expect(html).toContain(`<code>${safeHtml}</code>`);
    expect(html).not.toMatch(/<a[\s>]/i);
    expect(html).not.toContain('<script>');
    for (const part of [parsed.subject ?? '', text, html]) {
      expect(part).not.toContain('\u202E');
      expect(part).not.toContain('paypa1-login.com');
      expect(part).not.toContain('http://');
    }
  });

  it('keeps a hostile brand-less subject to one safe line', async () => {
    const { smtp, notifier } = await setup(urlConfig);
    const evil = 'x\r\nBcc: victim@example.org\r\n\u202Eevil.com';
    await notifier.send(hitsMessage([makeHit({ brand: null, watch: `.ex\r\nBcc: a@b.c`, name: evil })], 'dlv-s'), signal());
    const parsed = await PostalMime.parse(smtp.mails[0]!.raw);
    expect(parsed.subject).toBe('[ctwatch] HIGH .ex\\u{D}\\u{A}Bcc: a@b.c: 1 certificate issued');
    expect(parsed.headers.some((h) => h.key === 'bcc')).toBe(false);
    expect(smtp.mails[0]!.to).toEqual(['soc@example.org', 'noc@example.org']);
  });

  it('marks test alerts in subject and body', async () => {
    const { smtp, notifier } = await setup(urlConfig);
    await notifier.send(hitsMessage([makeHit()], 'dlv-t', true), signal());
    const parsed = await PostalMime.parse(smtp.mails[0]!.raw);
    expect(parsed.subject).toBe('[ctwatch] TEST HIGH PayPal: 1 look-alike certificate');
    expect(parsed.text).toContain('test alert');
  });

  it('works with host/port/secure/auth and ignore_tls against a server offering STARTTLS', async () => {
    const { smtp, notifier } = await setup(
      (port) => ({ host: '127.0.0.1', port, secure: false, ignore_tls: true, require_tls: false, auth: { user: 'alerts', pass: 'p@ss word' }, from: 'ctwatch@example.org', to: 'soc@example.org' }),
      { disabledCommands: [] },
    );
    await notifier.send({ kind: 'health', id: 'h-1', health: { event: 'feed.stale', severity: 'high', summary: 'no message for 120 s', details: { seconds: 120 }, at: '2026-11-20T10:00:00Z' } }, signal());
    const parsed = await PostalMime.parse(smtp.mails[0]!.raw);
    expect(parsed.subject).toBe('[ctwatch] HIGH ctwatch health: feed.stale');
    expect(parsed.text).toContain('no message for 120 s');
  });
});

describe('email failures', () => {
  it.each([
    ['550 recipient rejected', 550, { code: 'smtp_eenvelope', permanent: true }],
    ['451 try later', 451, { code: 'smtp_eenvelope', permanent: false }],
  ])('%s', async (_label, responseCode, expected) => {
    const { notifier } = await setup(urlConfig, {
      onRcptTo(_addr, _session, cb) {
        cb(Object.assign(new Error('no such user'), { responseCode }));
      },
    });
    const err = await notifier.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject(expected);
    expect((err as Error).message).toContain(String(responseCode));
    expect((err as Error).message).not.toContain('no such user');
  });

  it('wrong password is permanent and the message holds no password', async () => {
    const { notifier } = await setup((port) => ({ ...urlConfig(port), url: `smtp://alerts:wrong-secret@127.0.0.1:${port}` }));
    const err = await notifier.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'smtp_eauth', permanent: true });
    expect(`${(err as Error).message} ${String((err as Error).cause)}`).not.toContain('wrong-secret');
  });

  it('connection refused is retryable', async () => {
    const port = await closedPort();
    const notifier = emailProvider.create('m', emailProvider.configSchema.parse(urlConfig(port)), makeCtx());
    open.push({ notifier });
    const err = await notifier.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(false);
    expect((err as Error).message).not.toContain('p@ss');
  });

  it('close() is idempotent and later sends fail cleanly', async () => {
    const { notifier } = await setup(urlConfig);
    await notifier.close!();
    await notifier.close!();
    await expect(notifier.send(hitsMessage([makeHit()]), signal())).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('email config', () => {
  it.each([
    ['url', { url: 'smtp://127.0.0.1:2525', from: 'a@b.c', to: 'd@e.f' }, true],
    ['smtps url', { url: 'smtps://u:p@mail.example:465', from: 'a@b.c', to: ['d@e.f'] }, true],
    ['host', { host: 'mail.example', port: 587, auth: { user: 'u', pass: 'p' }, from: 'a@b.c', to: 'd@e.f' }, true],
    ['neither url nor host', { from: 'a@b.c', to: 'd@e.f' }, false],
    ['both url and host', { url: 'smtp://x', host: 'x', from: 'a@b.c', to: 'd@e.f' }, false],
    ['http url', { url: 'http://x', from: 'a@b.c', to: 'd@e.f' }, false],
    ['CRLF in from', { url: 'smtp://x', from: 'a@b.c\r\nBcc: x@y.z', to: 'd@e.f' }, false],
    ['empty to list', { url: 'smtp://x', from: 'a@b.c', to: [] }, false],
    ['unknown key', { url: 'smtp://x', from: 'a@b.c', to: 'd@e.f', cc: 'x@y.z' }, false],
  ])('%s', (_label, config, ok) => {
    expect(emailProvider.configSchema.safeParse(config).success).toBe(ok);
  });
});
