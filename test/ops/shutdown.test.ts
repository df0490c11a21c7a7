/**
 * Issue 7, point 1: the real daemon process, SIGTERM in the middle of a stream. It exits 0, every
 * hit committed before the signal is in the database, every certificate it received was examined
 * (nothing received is lost), and deliveries that could not be sent (receiver down) go out on the
 * next start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { verifyStandardWebhook } from '../helpers/standard-webhooks.js';
import { navigliMessages, tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';
import { Daemon, ensureBuilt, metricSum } from './helpers/daemon.js';
import { baseConfig, hitKey, readDb, writeConfig } from './helpers/config.js';

const SECRET = 'whsec_' + Buffer.from('ops-shutdown-signing-key-0123456').toString('base64');

describe('SIGTERM during a stream (real process)', () => {
  const server = new FakeCertstream();
  const receiver = new HttpReceiver();
  const messages = navigliMessages();
  const dir = tmpDir('ctwatch-ops-');
  let file = '';
  let hookPort = 0;
  const daemons: Daemon[] = [];

  beforeAll(async () => {
    ensureBuilt();
    await server.start();
    // Reserve a port for the receiver, then leave it closed: the first run cannot deliver.
    await receiver.start();
    hookPort = receiver.port;
    await receiver.stop();
    file = writeConfig(
      path.join(dir, 'ctwatch.yaml'),
      baseConfig(dir, server.url, {
        watch: [{ domain: '.chixbbq.org', issuers: ["Let's Encrypt"] }],
        brands: [
          { name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] },
          { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
          { name: 'BlaBlaCar', domains: ['blablacar.com'], keywords: ['blablacar'] },
        ],
        notifiers: [{ id: 'siem', type: 'webhook', url: `http://127.0.0.1:${hookPort}/hook`, secret: '${HOOK_SECRET}' }],
        routes: [{ notifiers: ['siem'], min_severity: 'low' }],
        // Retries a second apart (the default backoff), so the stop is not spent retrying.
        delivery: { backoff_min: 1, backoff_max: 2, max_attempts: 100_000, group_window: 0 },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const d of daemons) if (d.running) d.proc.kill('SIGKILL');
    await server.stop();
    await receiver.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 with every committed hit stored, then delivers the pending ones on the next start', async () => {
    const d = Daemon.run(file, { HOOK_SECRET: SECRET });
    daemons.push(d);
    const base = await d.started();
    await server.waitForClients(1);

    // Part of the stream, fully examined, so hits are committed before the signal.
    const first = messages.slice(0, 120);
    const firstCerts = first.filter((m) => m.message_type === 'certificate_update').length;
    for (const m of first) server.broadcast(JSON.stringify(m));
    await until(async () => metricSum(await (await fetch(`${base}/metrics`)).text(), 'ctwatch_certificates_total') >= firstCerts, 15_000, 'first part examined');
    // Candidates are parsed in a worker before their commit: wait for the commits too.
    await until(() => readDb(path.join(dir, 'ctwatch.db')).hits.length >= 3, 15_000, 'first hits committed');
    const before = readDb(path.join(dir, 'ctwatch.db')).hits;
    expect(before.length).toBeGreaterThanOrEqual(3);

    // The rest keeps streaming while the signal arrives.
    const rest = messages.slice(120);
    let sent = 0;
    const pump = setInterval(() => {
      for (const m of rest.slice(sent, sent + 10)) server.broadcast(JSON.stringify(m));
      sent += 10;
      if (sent >= rest.length) clearInterval(pump);
    }, 5);
    await until(() => sent >= 300, 5_000, 'stream under way');
    const { code, signal, ms } = await d.stop('SIGTERM');
    clearInterval(pump);
    console.log(d.lines.filter((l) => l.module === "lifecycle" || l.msg === "stopped").map((l) => JSON.stringify(l)).join("\n"));
    if (code !== 0) console.log(d.stdout.split("\n").filter((l) => !l.includes("\"debug\"")).slice(-30).join("\n"));
    console.log(`SIGTERM → exit took ${ms} ms (${Math.min(sent, rest.length)} of ${rest.length} later messages offered)`);
    expect(signal).toBeNull();
    expect(code).toBe(0);

    // Readiness went 503 and the stop finished within the deadline (logged by the daemon).
    const stopped = d.lines.find((l) => l.msg === 'stopped');
    expect(stopped, d.stdout.slice(-2000)).toBeDefined();
    expect(d.lines.some((l) => l.msg === 'shutting down' && l.why === 'SIGTERM')).toBe(true);
    // Every certificate the daemon received was examined and its hits committed.
    const s = stopped as unknown as Record<string, number>;
    expect(s.certificatesExamined).toBe(s.certMessages - s.duplicates - s.overloadDropped);
    expect(s.certificatesExamined).toBeGreaterThan(firstCerts);

    const after = readDb(path.join(dir, 'ctwatch.db'));
    const afterKeys = new Set(after.hits.map(hitKey));
    for (const h of before) expect(afterKeys.has(hitKey(h))).toBe(true);
    expect(after.hits.length).toBe(s.newHits);
    // Nothing could be delivered: every hit's delivery is still pending.
    const hitDeliveries = after.deliveries.filter((x) => x.kind === 'hit');
    expect(hitDeliveries.length).toBe(after.hits.length);
    expect(hitDeliveries.every((x) => x.status === 'pending')).toBe(true);

    // Second start with the receiver up: the queued deliveries go out.
    await receiver.start(hookPort);
    const d2 = Daemon.run(file, { HOOK_SECRET: SECRET });
    daemons.push(d2);
    await d2.started();
    await receiver.waitFor((r) => r.filter((x) => JSON.parse(x.body).type === 'ctwatch.hit').length >= after.hits.length, 20_000);
    const delivered = receiver.requests.map((r) => {
      expect(verifyStandardWebhook(SECRET, r.headers as never, r.body)).toBe(true);
      return JSON.parse(r.body);
    });
    const deliveredKeys = new Set(delivered.filter((b) => b.type === 'ctwatch.hit').map((b) => hitKey(b)));
    expect(deliveredKeys).toEqual(afterKeys);
    const end = await d2.stop('SIGTERM');
    expect(end.code).toBe(0);
    const final = readDb(path.join(dir, 'ctwatch.db'));
    expect(final.deliveries.filter((x) => x.kind === 'hit').every((x) => x.status === 'delivered')).toBe(true);
  });
});
