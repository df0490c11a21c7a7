/**
 * `ctwatch demo`: piped (tests, CI) it replays, prints the hits and exits 0; with --serve it then
 * keeps the dashboard up on the demo's hits, prints a working login URL, and stops cleanly on
 * Ctrl-C (SIGINT), exit 0.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/daemon-process.js';
import { ROOT } from '../helpers/fixtures.js';

describe('ctwatch demo', () => {
  it('piped: prints the hits and exits 0 without serving', async () => {
    const r = await runCli(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Hits stored in the database');
    expect(r.stdout).toContain('ctwatch demo --serve');
    expect(r.stdout).not.toContain('Dashboard: http');
  });

  it('--serve: the dashboard answers on the printed URL with the demo hits until SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--serve'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const end = Date.now() + 90_000;
      let m: RegExpExecArray | null = null;
      while (!(m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(out))) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no dashboard URL: ${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const [, base, token] = m;
      // The token in the URL logs in (303 + session cookie), and the API has the demo's hits.
      const login = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const hits = (await (await fetch(`${base}/api/v1/hits?brand=Sberbank&limit=5`, { headers: { cookie } })).json()) as { hits: { brand: string }[] };
      expect(hits.hits.length).toBe(5);
      expect((await fetch(`${base}/api/v1/hits`)).status).toBe(401);
      // Still up after the first run's shutdown deadline (5.5 s) has long passed.
      await new Promise((r) => setTimeout(r, 6_000));
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
