/**
 * The rest of the process contract, on the real daemon process: readiness is never 200 once a
 * stop has begun, a second SIGTERM forces exit 1 while the first stop is still waiting on a send,
 * and an uncaught exception or unhandled rejection is logged fatal and exits 1 after closing.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { navigliMessages, tmpDir } from '../helpers/fixtures.js';
import { Daemon, ensureBuilt } from './helpers/daemon.js';
import { baseConfig, readDb, writeConfig } from './helpers/config.js';
import { SIGNAL_ECHO_MS } from '../../src/cli/commands/run.js';

describe('signals and crashes (real process)', () => {
  const server = new FakeCertstream();
  const messages = navigliMessages();
  const dir = tmpDir('ctwatch-ops-');
  // A receiver that accepts requests and never answers: a send stays in flight.
  const requests: http.IncomingMessage[] = [];
  const silent = http.createServer((req) => void requests.push(req));
  const daemons: Daemon[] = [];
  let file = '';

  beforeAll(async () => {
    ensureBuilt();
    await server.start();
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    file = writeConfig(
      path.join(dir, 'ctwatch.yaml'),
      baseConfig(dir, server.url, {
        brands: [{ name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] }],
        notifiers: [{ id: 'siem', type: 'webhook', url: hook }],
        routes: [{ notifiers: ['siem'] }],
      }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const d of daemons) if (d.running) d.proc.kill('SIGKILL');
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a second SIGTERM during a slow stop exits 1 at once; readiness is never 200 once stopping', async () => {
    const d = Daemon.run(file);
    daemons.push(d);
    const base = await d.started();
    await server.waitForClients(1);
    server.broadcast(JSON.stringify(messages[5]));
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (requests.length > 0) resolve(clearInterval(t));
        if (!d.running) reject(new Error('daemon exited'));
      }, 20);
    });

    d.proc.kill('SIGTERM');
    await d.waitForLine((l) => l.msg === 'shutting down');
    const ready = await fetch(`${base}/readyz`).then((r) => r.status, () => 'refused');
    expect(ready).not.toBe(200);
    // A repeat within SIGNAL_ECHO_MS counts as the first signal delivered twice (process group + npm).
    await new Promise((r) => setTimeout(r, SIGNAL_ECHO_MS + 200));
    const { code } = await d.stop('SIGTERM');
    expect(code).toBe(1);
    expect(d.lines.some((l) => l.msg === 'second stop request: exiting now')).toBe(true);
    expect(d.lines.some((l) => l.msg === 'stopped')).toBe(false);
  });

  it('a send in flight when SIGTERM arrives finishes, and is marked delivered', async () => {
    // A receiver that answers after a pause: the send is in flight when the signal comes.
    const slowDir = tmpDir('ctwatch-ops-');
    let got = 0;
    const slow = http.createServer((_req, res) => {
      got++;
      setTimeout(() => res.writeHead(200).end('ok'), 600);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const cfg = writeConfig(
        path.join(slowDir, 'ctwatch.yaml'),
        baseConfig(slowDir, server.url, {
          brands: [{ name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] }],
          notifiers: [{ id: 'siem', type: 'webhook', url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook` }],
          routes: [{ notifiers: ['siem'] }],
        }),
      );
      const d = Daemon.run(cfg);
      daemons.push(d);
      await d.started();
      await server.waitForClients(1);
      server.broadcast(JSON.stringify(messages[5]));
      await new Promise<void>((resolve) => {
        const t = setInterval(() => got > 0 && resolve(clearInterval(t)), 10);
      });
      const { code } = await d.stop('SIGTERM');
      expect(code).toBe(0);
      const db = readDb(path.join(slowDir, 'ctwatch.db'));
      expect(db.deliveries.filter((x) => x.kind === 'hit').map((x) => x.status)).toEqual(['delivered']);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
      fs.rmSync(slowDir, { recursive: true, force: true });
    }
  });

  it.each([
    // Preloaded with --import: the fault fires on SIGUSR2, which the test sends once started.
    ['uncaught exception', 'process.on("SIGUSR2", () => { throw new Error("boom from a test") })', 'uncaught exception'],
    ['unhandled rejection', 'process.on("SIGUSR2", () => { Promise.reject(new Error("boom from a test")) })', 'unhandled rejection'],
  ])('%s: logged fatal, closed, exit 1', async (_name, code, msg) => {
    const d = Daemon.run(file, { NODE_OPTIONS: `--import "data:text/javascript,${encodeURIComponent(code)}"` });
    daemons.push(d);
    await d.started();
    d.proc.kill('SIGUSR2');
    const r = await d.exit;
    expect(r.code, d.stdout.slice(-2000) + d.stderr).toBe(1);
    const fatal = d.lines.find((l) => l.msg === msg);
    expect(fatal?.level).toBe('fatal');
    expect(JSON.stringify(fatal)).toContain('boom from a test');
    // It still closed in order (the database was closed, not abandoned).
    expect(d.lines.some((l) => l.module === 'lifecycle' && l.component === 'store')).toBe(true);
    expect(d.lines.some((l) => l.msg === 'stopped')).toBe(true);
  });
});
