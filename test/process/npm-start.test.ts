/**
 * `npm start` under a supervisor (issue 14): SIGTERM to the npm process must stop the daemon
 * (gracefully) and free its port, not leave it running orphaned. npm forwards the signal to its
 * child; the start script `exec`s node so that child is the daemon, not a shell that dies alone.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeConfig } from '../helpers/daemon-process.js';
import { NAVIGLI_REPLAY, ROOT, tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` on a replay config with its own port; `group` runs it as a process group leader. */
async function startNpm(group: boolean) {
  const dir = tmpDir();
  const port = await freePort();
  const cfg = writeConfig(dir, {
    feed: { replay: NAVIGLI_REPLAY, replay_then_idle: true },
    store: { path: path.join(dir, 'ctwatch.db') },
    http: { listen: `127.0.0.1:${port}` },
    brands: [{ name: 'PayPal', domains: ['paypal.com'] }],
    notifiers: [{ id: 'out', type: 'console' }],
    routes: [{ notifiers: ['out'] }],
  });
  const npm = spawn('npm', ['start'], { cwd: ROOT, detached: group, env: { ...process.env, CTWATCH_CONFIG: cfg, CTWATCH_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { npm, port, out: '', exited: new Promise<number | null>((r) => npm.on('exit', (code) => r(code))) };
  npm.stdout.on('data', (d) => (run.out += d));
  npm.stderr.on('data', (d) => (run.out += d));
  return run;
}

/** The daemon's own pid, from its JSON log lines (to check it, and to clean up if a test fails). */
const daemonPidIn = (out: string) => Number(/"pid":(\d+)/.exec(out)?.[1] ?? 0);

function cleanUp(run: Awaited<ReturnType<typeof startNpm>>): void {
  const pid = daemonPidIn(run.out);
  if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  if (run.npm.exitCode === null) run.npm.kill('SIGKILL');
}

describe('npm start', () => {
  it('SIGTERM to the npm process stops the daemon and frees the port', { timeout: 60_000 }, async () => {
    const run = await startNpm(false);
    try {
      await until(async () => daemonPidIn(run.out) > 0 && (await portOpen(run.port)), 30_000, 'daemon listening');
      expect(daemonPidIn(run.out)).not.toBe(run.npm.pid);
      run.npm.kill('SIGTERM');
      await run.exited;
      await until(async () => !(await portOpen(run.port)) && !alive(daemonPidIn(run.out)), 15_000, 'daemon stopped and port free');
      expect(run.out).toContain('"why":"SIGTERM"');
      expect(run.out).toContain('"msg":"stopped"');
    } finally {
      cleanUp(run);
    }
  });

  // Ctrl-C in a terminal signals the whole foreground process group: the daemon gets SIGINT from
  // the terminal and again from npm, which forwards it. That is one stop request, not two: the stop
  // must stay graceful (exit 0, "stopped"), not turn into the forced exit of a second request.
  it.each(['SIGINT', 'SIGTERM'] as const)('%s to the whole process group (Ctrl-C, a supervisor killing the group) stops the daemon gracefully', { timeout: 60_000 }, async (signal) => {
    const run = await startNpm(true);
    try {
      await until(async () => daemonPidIn(run.out) > 0 && (await portOpen(run.port)), 30_000, 'daemon listening');
      process.kill(-run.npm.pid!, signal);
      await run.exited;
      await until(async () => !(await portOpen(run.port)) && !alive(daemonPidIn(run.out)), 15_000, 'daemon stopped and port free');
      expect(run.out).toContain(`"why":"${signal}"`);
      expect(run.out).toContain('"msg":"stopped"');
      expect(run.out).not.toContain('second stop request');
    } finally {
      cleanUp(run);
    }
  });
});
