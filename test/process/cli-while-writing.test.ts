/** Issue 5 point 4: `ctwatch hits --csv` and `--json` while the daemon writes at full speed. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { CertFactory, fullStreamMessage } from '../helpers/cert-factory.js';
import { runCli, startDaemon, writeConfig, type Daemon } from '../helpers/daemon-process.js';
import { tmpDir } from '../helpers/fixtures.js';

describe('CLI reads while the daemon writes', () => {
  const server = new FakeCertstream();
  const dir = tmpDir();
  let configFile = '';
  let daemon: Daemon;
  const messages: string[] = [];

  beforeAll(async () => {
    await server.start();
    const factory = await CertFactory.create();
    for (let i = 0; i < 400; i++) {
      const names = [`secure-paypal-${i}.com`];
      const iss = await factory.issue(names);
      messages.push(fullStreamMessage(iss.final, names, { log: 'https://log-a.example/', index: i, precert: false }));
    }
    configFile = writeConfig(dir, {
      feed: { url: server.url },
      store: { path: path.join(dir, 'ctwatch.db') },
      http: { listen: '127.0.0.1:0' },
      brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
    });
    daemon = startDaemon(configFile);
    await server.waitForClients(1, 15_000);
  });

  afterAll(async () => {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    await server.stop();
  });

  it('never fails with SQLITE_BUSY and always prints parseable output', async () => {
    let sending = true;
    const writer = (async () => {
      for (const m of messages) {
        server.broadcast(m);
        if (messages.indexOf(m) % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      sending = false;
    })();
    let reads = 0;
    const sizes: number[] = [];
    while (sending || reads < 6) {
      const [json, csv] = await Promise.all([runCli(['hits', '--json', '--config', configFile]), runCli(['hits', '--csv', '--config', configFile])]);
      for (const r of [json, csv]) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
      const rows = json.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      sizes.push(rows.length);
      for (const row of rows) expect(row).toMatchObject({ brand: 'PayPal', technique: expect.any(String) });
      const csvLines = csv.stdout.split('\r\n').filter(Boolean);
      expect(csvLines[0]).toMatch(/^id,first_seen,/);
      for (const line of csvLines.slice(1)) expect(line.split(',').length).toBeGreaterThanOrEqual(22);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThanOrEqual(6);
    // The reads saw the table grow while it was being written.
    expect(sizes[sizes.length - 1]).toBeGreaterThan(0);
  });
});
