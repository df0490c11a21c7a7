/**
 * Spawning the real daemon (`node bin/ctwatch.js ...`) for operations tests: its stdout is read
 * as JSON log lines, signals are real signals, the database is a real file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../helpers/fixtures.js';

export const BIN = path.join(ROOT, 'bin/ctwatch.js');
const DIST_MAIN = path.join(ROOT, 'dist/src/cli/main.js');

/** Newest mtime of any .ts file under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const isStale = (): boolean => {
  const built = fs.existsSync(DIST_MAIN) ? fs.statSync(DIST_MAIN).mtimeMs : 0;
  return built < newestSource(path.join(ROOT, 'src'));
};

/**
 * Makes sure dist/ is at least as new as src/ (`npm test` builds first; a lone `vitest run
 * test/ops` may not have). Runs `tsc` when stale, one test file at a time (a lock directory, so
 * parallel test files never read a half-written dist/). Throws when the build fails.
 */
export function ensureBuilt(): void {
  // The lock is taken even to check: a build in progress has written some files but not all.
  const lock = path.join(os.tmpdir(), `ctwatch-ops-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 3 minutes was left by a killed run.
      if (Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      Atomics.wait(pause, 0, 0, 200);
    }
  }
  try {
    if (!isStale()) return;
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    if (!fs.existsSync(DIST_MAIN)) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Runs a one-shot CLI command; resolves to its exit code and output. Asynchronous on purpose: the
 * test's own servers (SMTP, HTTP receivers) must keep answering while the command runs.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    p.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export class Daemon {
  readonly proc: ChildProcess;
  /** Raw stdout text, everything so far. */
  stdout = '';
  stderr = '';
  /** stdout lines that parsed as JSON log lines. */
  readonly lines: LogLine[] = [];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitedAt = 0;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
    this.proc = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CTWATCH_LOG_LEVEL: 'debug', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const l of parts) {
        try {
          const o = JSON.parse(l);
          if (o && typeof o === 'object' && 'msg' in o) this.lines.push(o);
        } catch {
          // not a log line (console notifier output, pretty mode)
        }
      }
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exit = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        this.exitedAt = Date.now();
        resolve({ code, signal });
      }),
    );
  }

  static run(configFile: string, env: NodeJS.ProcessEnv = {}, extraArgs: string[] = []): Daemon {
    return new Daemon(['run', '--config', configFile, ...extraArgs], env);
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Waits for a log line matching `pred`, searching from line `from`. Fails if the process exits. */
  async waitForLine(pred: (l: LogLine) => boolean, timeoutMs = 15_000, from = 0): Promise<LogLine> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.slice(from).find(pred);
      if (hit) return hit;
      if (!this.running) throw new Error(`daemon exited (${this.proc.exitCode}) before the expected log line\nstdout:\n${this.stdout.slice(-3000)}\nstderr:\n${this.stderr.slice(-2000)}`);
      if (Date.now() > end) throw new Error(`log line not seen within ${timeoutMs} ms\nstdout:\n${this.stdout.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits for "ctwatch started" and returns the HTTP base URL. */
  async started(timeoutMs = 20_000): Promise<string> {
    const l = await this.waitForLine((x) => x.msg === 'ctwatch started', timeoutMs);
    return `http://${l.http as string}`;
  }

  /** Sends `sig`; returns when the process has exited, with the time it took. */
  async stop(sig: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const t0 = Date.now();
    this.proc.kill(sig);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    const r = await this.exit;
    clearTimeout(timer);
    return { ...r, ms: this.exitedAt - t0 };
  }
}

/** Reads one Prometheus sample sum (all label sets matching `labels`) from /metrics text. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const lbl = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => lbl.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}
