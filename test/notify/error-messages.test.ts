/**
 * Delivery errors name their cause (issue 14): a refused connection says "connection refused",
 * not `request failed (TypeError)`; a URL that is not http(s) is refused at load saying so.
 */
import { describe, expect, it } from 'vitest';
import { webhookProvider } from '../../src/notify/providers/webhook.js';
import { emailProvider } from '../../src/notify/providers/email.js';
import { buildConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { closedPort, hitsMessage, makeCtx, makeHit, signal } from './helpers.js';

describe('delivery error messages', () => {
  it('a refused connection says "connection refused", with the code and no URL', async () => {
    const port = await closedPort();
    const n = webhookProvider.create('siem', webhookProvider.configSchema.parse({ url: `http://127.0.0.1:${port}/hook?token=tok-secret` }), makeCtx());
    const err = (await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('webhook siem: connection refused (ECONNREFUSED)');
    expect(`${err.message} ${String(err.cause)}`).not.toMatch(/tok-secret|127\.0\.0\.1/);
  });

  it('an SMTP server that refuses the connection: "connection refused" too', async () => {
    const port = await closedPort();
    const n = emailProvider.create('mail', emailProvider.configSchema.parse({ host: '127.0.0.1', port, from: 'ctwatch@example.org', to: 'soc@example.org' }), makeCtx());
    try {
      const err = (await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e)) as Error & { permanent: boolean };
      expect(err.message).toBe('email mail: SMTP ESOCKET: connection refused (ECONNREFUSED)');
      expect(err.permanent).toBe(false);
    } finally {
      await n.close?.();
    }
  });

  it('a port fetch refuses to use says so, permanently', async () => {
    const n = webhookProvider.create('siem', webhookProvider.configSchema.parse({ url: 'http://127.0.0.1:6000/' }), makeCtx());
    const err = (await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e)) as Error & { permanent: boolean };
    expect(err.message).toMatch(/^webhook siem: the URL's port is one that fetch refuses/);
    expect(err.permanent).toBe(true);
  });

  it.each(['webhook', 'slack', 'discord', 'teams'])('%s with an ftp:// URL: refused at load, "must be an http:// or https:// URL"', (type) => {
    let err: unknown;
    try {
      buildConfig({ feed: { replay: 'x' }, notifiers: [{ id: 'n', type, url: 'ftp://files.example/drop' }], routes: [{ notifiers: ['n'] }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual(['notifiers[0].url: must be an http:// or https:// URL']);
  });
});
