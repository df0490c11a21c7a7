/**
 * Issue 7, point 2: SIGHUP to the real daemon process. A new brand applies to the next message
 * without dropping the feed connection; an invalid file leaves the running config in place and the
 * field error is logged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { navigliMessages, tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';
import { Daemon, ensureBuilt, metricSum } from './helpers/daemon.js';
import { baseConfig, readDb, writeConfig } from './helpers/config.js';

describe('SIGHUP reload (real process)', () => {
  const server = new FakeCertstream();
  const messages = navigliMessages();
  const dir = tmpDir('ctwatch-ops-');
  const file = path.join(dir, 'ctwatch.yaml');
  const db = path.join(dir, 'ctwatch.db');
  const sberbank = { name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] };
  const avito = { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] };
  let d: Daemon;
  let base = '';
  const metrics = async () => (await fetch(`${base}/metrics`)).text();
  const brandsHit = () => new Set(readDb(db).hits.map((h) => h.brand));

  beforeAll(async () => {
    ensureBuilt();
    await server.start();
    writeConfig(file, baseConfig(dir, server.url, { brands: [sberbank] }));
    d = Daemon.run(file);
    base = await d.started();
    await server.waitForClients(1);
  }, 120_000);

  afterAll(async () => {
    if (d?.running) await d.stop('SIGTERM');
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies a new brand to the next message with zero feed reconnects', async () => {
    // Message 5 impersonates Sberbank (configured); message 17 only Avito (not yet configured).
    server.broadcast(JSON.stringify(messages[5]));
    await until(() => fs.existsSync(db) && brandsHit().has('Sberbank'), 10_000, 'Sberbank hit');

    writeConfig(file, baseConfig(dir, server.url, { brands: [sberbank, avito] }));
    const from = d.lines.length;
    d.proc.kill('SIGHUP');
    const reloaded = await d.waitForLine((l) => l.module === 'config' && /config reloaded/.test(l.msg), 10_000, from);
    expect(reloaded.restartNeeded).toBeUndefined();

    server.broadcast(JSON.stringify(messages[17]));
    await until(() => brandsHit().has('Avito'), 10_000, 'Avito hit after reload');

    const text = await metrics();
    expect(metricSum(text, 'ctwatch_feed_reconnects_total')).toBe(0);
    expect(metricSum(text, 'ctwatch_config_reloads_total', { result: 'ok' })).toBe(1);
    expect(server.connections).toBe(1);
  });

  it('keeps running on the old config when the new file is invalid, and logs the field', async () => {
    const hitsBefore = readDb(db).hits.length;
    // brands[1].keywords must be a list; and an unknown key in the feed section.
    writeConfig(file, { ...baseConfig(dir, server.url, { brands: [sberbank, { ...avito, keywords: 'avito' }] }), feed: { url: server.url, ping_intervall: 1 } });
    const from = d.lines.length;
    d.proc.kill('SIGHUP');
    const failed = await d.waitForLine((l) => l.msg.startsWith('config reload failed'), 10_000, from);
    expect(failed.level).toBe('error');
    const issues = (failed.issues as string[]).join('\n');
    expect(issues).toContain('brands[1].keywords');
    expect(issues).toContain('feed.ping_intervall: unknown key');
    expect(d.running).toBe(true);

    // The old rules (with Avito) still apply, on the same connection.
    server.broadcast(JSON.stringify(messages[47]));
    await until(() => readDb(db).hits.length > hitsBefore, 10_000, 'hit on the old config');
    const text = await metrics();
    expect(metricSum(text, 'ctwatch_config_reloads_total', { result: 'error' })).toBe(1);
    expect(metricSum(text, 'ctwatch_feed_reconnects_total')).toBe(0);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

  });

  it('reports changes that need a restart instead of half-applying them', async () => {
    // A valid file that moves the database and the HTTP port, and adds a brand.
    const cfg = baseConfig(dir, server.url, { brands: [sberbank, avito, { name: 'BlaBlaCar', domains: ['blablacar.com'], keywords: ['blablacar'] }] });
    writeConfig(file, { ...cfg, store: { path: path.join(dir, 'elsewhere.db') }, http: { listen: '127.0.0.1:1' } });
    const from = d.lines.length;
    d.proc.kill('SIGHUP');
    const line = await d.waitForLine((l) => l.module === 'config' && /config reloaded/.test(l.msg), 10_000, from);
    expect(line.level).toBe('warn');
    expect(line.restartNeeded).toEqual(['store.path', 'http.listen']);
    // Still serving on the old address, still writing the old database; the rules did apply.
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    expect(fs.existsSync(path.join(dir, 'elsewhere.db'))).toBe(false);
    server.broadcast(JSON.stringify(messages[151]));
    await until(() => brandsHit().has('BlaBlaCar'), 10_000, 'BlaBlaCar hit after reload');

    const { code } = await d.stop('SIGTERM');
    expect(code).toBe(0);
  });
});
