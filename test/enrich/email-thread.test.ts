/** An update alert by email threads under the original alert (In-Reply-To / References). */
import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailProvider, messageId } from '../../src/notify/providers/email.js';
import { makeCtx, makeHit, signal } from '../notify/helpers.js';

describe('email update alert', () => {
  const raws: string[] = [];
  let server: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _s, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          raws.push(Buffer.concat(chunks).toString('utf8'));
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('carries the original Message-ID and the changes, sanitised', async () => {
    const n = emailProvider.create('mail', emailProvider.configSchema.parse({ url: `smtp://127.0.0.1:${port}`, from: 'c@example.org', to: 'soc@example.org' }), makeCtx());
    const hit = makeHit({ name: 'paypal-login.com' });
    await n.send(
      { kind: 'update', id: 'ctw-update-7', update: { hit, round: 1, changes: [{ code: 'live', text: "went live (status 200, title 'PayPal: Log in http://x.y')" }], replyTo: 'ctw-hit-1-mail' } },
      signal(),
    );
    await n.close?.();
    const mail = await PostalMime.parse(raws[0]!);
    expect(mail.inReplyTo).toBe(messageId('ctw-hit-1-mail'));
    expect(mail.references).toBe(messageId('ctw-hit-1-mail'));
    expect(mail.messageId).toBe('<ctw-update-7@ctwatch>');
    expect(mail.subject).toBe('[ctwatch] HIGH PayPal: update on a look-alike');
    expect(mail.text).toContain("went live (status 200, title 'PayPal: Log in hxxp[://]x[.]y')");
    expect(mail.text).toContain('paypal-login[.]com');
  });
});
