/**
 * Log level from config and environment, on the real process: `log.level` applies at start and on
 * reload; CTWATCH_LOG_LEVEL wins; an empty variable is unset; a wrong one is a named usage error.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';
import { Daemon, ensureBuilt, runCli } from './helpers/daemon.js';
import { baseConfig, writeConfig } from './helpers/config.js';

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('log level (real process)', () => {
  const server = new FakeCertstream();
  const dir = tmpDir('ctwatch-ops-');
  const file = path.join(dir, 'ctwatch.yaml');

  beforeAll(async () => {
    ensureBuilt();
    await server.start();
  }, 120_000);

  afterAll(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a wrong CTWATCH_LOG_LEVEL, naming it', async () => {
    writeConfig(file, baseConfig(dir, server.url));
    const r = await runCli(['run', '--config', file], { CTWATCH_LOG_LEVEL: 'verbose' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CTWATCH_LOG_LEVEL: "verbose"');
  });

  it('uses log.level when the variable is empty, and applies a new level on reload', async () => {
    const port = await freePort();
    const cfg = { ...baseConfig(dir, server.url), http: { listen: `127.0.0.1:${port}` } };
    writeConfig(file, { ...cfg, log: { level: 'warn' } });
    const d = Daemon.run(file, { CTWATCH_LOG_LEVEL: '' });
    try {
      await until(async () => (await fetch(`http://127.0.0.1:${port}/livez`).then((x) => x.status, () => 0)) === 200, 20_000, 'livez');
      await server.waitForClients(1);
      expect(d.lines.filter((l) => l.level === 'info' || l.level === 'debug')).toEqual([]);

      writeConfig(file, { ...cfg, log: { level: 'info' } });
      d.proc.kill('SIGHUP');
      // The reload line itself is info: it is printed only because the new level applied.
      await d.waitForLine((l) => l.msg === 'config reloaded' && l.level === 'info');
      const { code } = await d.stop('SIGTERM');
      expect(code).toBe(0);
      expect(d.lines.some((l) => l.msg === 'stopped')).toBe(true);
    } finally {
      if (d.running) d.proc.kill('SIGKILL');
    }
  });
});
