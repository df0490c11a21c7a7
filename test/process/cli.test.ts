/** The CLI as users run it: every command, its output formats, exit codes and field-named errors. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/daemon-process.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { ROOT, tmpDir } from '../helpers/fixtures.js';

describe('ctwatch CLI', () => {
  const dir = tmpDir();
  const receiver = new HttpReceiver();
  let cfg = '';

  beforeAll(async () => {
    await receiver.start();
    cfg = writeConfig(dir, {
      feed: { replay: path.join(ROOT, 'data/demo/navigli2025h2-full-stream.jsonl'), replay_then_idle: false },
      store: { path: path.join(dir, 'ctwatch.db') },
      http: { listen: '127.0.0.1:0' },
      watch: [{ domain: '.chixbbq.org', issuers: ["Let's Encrypt"] }],
      brands: [
        { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
        { name: 'PayPal', domains: ['paypal.com', 'paypal.me'], keywords: ['paypal'] },
      ],
      notifiers: [{ id: 'siem', type: 'webhook', url: receiver.url }],
      routes: [{ notifiers: ['siem'], brands: ['PayPal'] }],
    });
    // Fill the database by replaying the bundled real entries through the daemon.
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/ctwatch.js'), 'run', '--config', cfg], { env: { ...process.env, CTWATCH_LOG_LEVEL: 'silent' }, timeout: 60_000, input: '' });
    void r;
  });
  afterAll(() => receiver.stop());

  const cli = (...args: string[]) => runCli([...args, '--config', cfg]);

  it('check --json prints one line per name in order, with the documented fields', async () => {
    const r = await runCli(['check', '--json', '--config', cfg, '-'], {}, 'paypa1.com\nexample.org\nxn--pypal-4ve.com\n');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.name)).toEqual(['paypa1.com', 'example.org', 'xn--pypal-4ve.com']);
    expect(lines[1].matches).toEqual([]);
    for (const l of [lines[0], lines[2]]) {
      expect(l.matches[0]).toMatchObject({ brand: 'PayPal', watch: null, severity: expect.stringMatching(/^(low|medium|high|critical)$/), score: expect.any(Number), reason: expect.any(String) });
      expect(l.matches[0].technique).toMatch(/^(typosquat:|homograph)/);
    }
  });

  it('hits lists what the daemon stored, filtered, as text, JSON and CSV', async () => {
    const json = (await cli('hits', '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(json.length).toBeGreaterThan(5);
    const avito = (await cli('hits', '--json', '--brand', 'Avito')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(avito.every((h) => h.brand === 'Avito')).toBe(true);
    const high = (await cli('hits', '--json', '--severity', 'high')).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(high.every((h) => h.severity === 'high' || h.severity === 'critical')).toBe(true);
    // The fixture entries are from 2025: "since 1d" finds none of them.
    expect((await cli('hits', '--since', '1d')).stdout).toBe('no hits\n');
    const csv = (await cli('hits', '--csv')).stdout.trim().split('\r\n');
    expect(csv).toHaveLength(json.length + 1);
    expect((await cli('hits', '--since', 'soon')).code).toBe(2);
  });

  it('triage: ack, fp and reopen change the status; unknown ids fail', async () => {
    const [first] = (await cli('hits', '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect((await cli('hits', 'ack', String(first.id))).code).toBe(0);
    expect((await cli('hits', '--json', '--status', 'acknowledged')).stdout).toContain(`"id":${first.id}`);
    expect((await cli('hits', 'fp', String(first.id))).stdout).toContain('suppressed');
    expect((await cli('hits', 'reopen', String(first.id))).code).toBe(0);
    expect((await cli('hits', 'ack', '999999')).code).toBe(1);
    expect((await cli('hits', 'ack', 'x')).code).toBe(2);
  });

  it('inventory lists the names seen under a watched domain', async () => {
    const inv = (await cli('inventory', '--json', '--watch', '.chixbbq.org')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(inv.length).toBeGreaterThan(3);
    expect(inv.every((r) => r.name.endsWith('chixbbq.org') && r.issuers.length >= 1)).toBe(true);
    expect((await cli('inventory', '--csv')).stdout.split('\r\n')[0]).toBe('watch,name,first_seen,last_seen,issuers,certificates');
  });

  it('allow add stores the domain; outbox lists deliveries and retries dead ones', async () => {
    expect((await cli('allow', 'add', 'Example-Partner.COM')).stdout).toContain('example-partner.com');
    const outbox = await cli('outbox', '--json');
    expect(outbox.code).toBe(0);
    expect((await cli('outbox', 'retry', '--dead')).stdout).toMatch(/^\d+ dead deliveries queued again/);
    expect((await cli('outbox', 'retry')).code).toBe(2);
  });

  it('notify test sends a marked test alert through one notifier', async () => {
    const r = await cli('notify', 'test', 'siem');
    expect(r.code).toBe(0);
    expect(receiver.requests.at(-1)!.body).toContain('"test":true');
    expect((await cli('notify', 'test', 'nope')).code).toBe(2);
  });

  it('permutations lists variants with their fuzzer', async () => {
    const r = await runCli(['permutations', 'paypal.com', '--json']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.some((x) => x.fuzzer === 'omission' && x.domain === 'paypl.com')).toBe(true);
  });

  it('config check: exit 0 when valid; non-zero naming the field otherwise', async () => {
    expect((await cli('config', 'check')).code).toBe(0);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'feed: { url: "ws://127.0.0.1:1/" }\nbrands: [{ name: X, domain: [x.com] }]\n');
    const r = await runCli(['config', 'check', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('brands[0].domain: unknown key');
  });
});
