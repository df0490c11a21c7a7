/**
 * SMTP credentials never cross a connection without TLS unless the config says so in as many
 * words (issue 14): with `auth` (or user:pass in the URL) STARTTLS is required by default; a
 * server that does not offer it gets neither the password nor the mail. `require_tls: false`
 * is the explicit opt-out; `ignore_tls` with credentials and without it is refused at load.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { emailProvider, requiresTls } from '../../src/notify/providers/email.js';
import { buildConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import type { Notifier } from '../../src/notify/types.js';
import { hitsMessage, makeCtx, makeHit, signal } from './helpers.js';

interface Plain {
  port: number;
  auths: number;
  mails: number;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that does not offer STARTTLS and accepts AUTH in clear. */
async function plainServer(): Promise<Plain> {
  const s: Plain = { port: 0, auths: 0, mails: 0, close: async () => undefined };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(_auth, _session, cb) {
      s.auths++;
      cb(null, { user: 'alerts' });
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => {
        s.mails++;
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.port = (server.server.address() as AddressInfo).port;
  s.close = () => new Promise<void>((r) => server.close(() => r()));
  return s;
}

const open: { server: Plain; notifier: Notifier }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.notifier.close?.();
    await o.server.close();
  }
});

async function attempt(config: (port: number) => Record<string, unknown>) {
  const server = await plainServer();
  const notifier = emailProvider.create('mail', emailProvider.configSchema.parse(config(server.port)), makeCtx());
  open.push({ server, notifier });
  const err = await notifier.send(hitsMessage([makeHit()]), signal()).then(
    () => null,
    (e: unknown) => e as Error,
  );
  return { server, err };
}

const base = { from: 'ctwatch@example.org', to: 'soc@example.org' };

describe('SMTP credentials require TLS', () => {
  it.each([
    ['auth with host', (port: number) => ({ ...base, host: '127.0.0.1', port, auth: { user: 'alerts', pass: 'p@ss word' } })],
    ['user:pass in the url', (port: number) => ({ ...base, url: `smtp://alerts:p%40ss@127.0.0.1:${port}` })],
  ])('%s, server without STARTTLS: refused before the password is sent', async (_label, config) => {
    const { server, err } = await attempt(config);
    expect(err).not.toBeNull();
    expect(err!.message).toMatch(/^email mail: SMTP /);
    expect(err!.message).not.toContain('p@ss');
    expect(server.auths).toBe(0);
    expect(server.mails).toBe(0);
  });

  it('require_tls: false, written explicitly, allows it (a plain local relay)', async () => {
    const { server, err } = await attempt((port) => ({ ...base, host: '127.0.0.1', port, auth: { user: 'alerts', pass: 'p@ss' }, require_tls: false }));
    expect(err).toBeNull();
    expect(server.auths).toBe(1);
    expect(server.mails).toBe(1);
  });

  it('no credentials: a plain relay works without any TLS setting', async () => {
    const { server, err } = await attempt((port) => ({ ...base, host: '127.0.0.1', port }));
    expect(err).toBeNull();
    expect(server.mails).toBe(1);
  });

  it.each([
    [{ host: 'mx', auth: { user: 'u', pass: 'p' } }, true],
    [{ url: 'smtp://u:p@mx:587' }, true],
    [{ url: 'smtps://u:p@mx:465' }, false],
    [{ host: 'mx', secure: true, auth: { user: 'u', pass: 'p' } }, false],
    [{ host: 'mx', auth: { user: 'u', pass: 'p' }, require_tls: false }, false],
    [{ host: 'mx' }, false],
    [{ host: 'mx', require_tls: true }, true],
  ])('requiresTls(%j) = %s', (c, expected) => {
    expect(requiresTls(c)).toBe(expected);
  });

  it.each([
    [{ host: 'mx', ignore_tls: true, auth: { user: 'u', pass: 'p' } }],
    [{ url: 'smtp://u:p@mx:25/?ignoreTLS=true' }],
  ])('ignore_tls with credentials and without require_tls: false is refused at load (%j)', (c) => {
    let err: unknown;
    try {
      buildConfig({ feed: { replay: 'x' }, notifiers: [{ id: 'm', type: 'email', ...base, ...c }], routes: [{ notifiers: ['m'] }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toMatch(/^notifiers\[0\]\.ignore_tls: ignore_tls \(or \?ignoreTLS=true\) with credentials would send the password in clear/);
  });
});
