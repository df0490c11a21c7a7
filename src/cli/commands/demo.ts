/**
 * `ctwatch demo [--serve]`: replays the bundled real CT entries through the full pipeline (decode,
 * fast names, match, parse, store, console alerts) with a fresh temporary database, then prints
 * the hits. Then, when stdout is a terminal (`npm run demo`) or with --serve, it keeps the
 * dashboard up on those hits, prints its login URL, and runs until Ctrl-C; piped or in CI it
 * exits at once (tests and scripts get the old behaviour).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, buildConfig } from '../../config/load.js';
import { runCommand } from './run.js';
import { hitsListCommand } from './hits.js';
import { out } from '../util.js';

/** The package root (where config/ and data/ are), wherever ctwatch was started from. */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
}

export interface DemoOptions {
  /** Keep the dashboard up after the replay. Default: stdout is a terminal. */
  serve?: boolean;
}

export async function demoCommand(opts: DemoOptions = {}): Promise<number> {
  const root = packageRoot();
  const base = loadConfigFile(path.join(root, 'config/demo.yaml'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctwatch-demo-'));
  const raw = JSON.parse(JSON.stringify(base.config)) as Record<string, any>;
  raw.feed.replay = path.join(root, raw.feed.replay);
  raw.store.path = path.join(dir, 'demo.db');
  const loaded = buildConfig(raw, {}, base.file);
  out(`ctwatch demo: replaying ${raw.feed.replay}\n\nAlerts as the console notifier prints them:\n`);
  const handlers = processHandlers();
  const code = await runCommand(loaded, { exitAfterReplay: true, pretty: false });
  // runCommand's signal handlers stay registered after it returns; the dashboard run below
  // installs its own, and the finished run's must not answer Ctrl-C with a forced exit.
  handlers.removeAdded();
  if (code !== 0) return code;
  out('\nHits stored in the database (`ctwatch hits`):\n');
  await hitsListCommand(loaded, {});
  try {
    if (!(opts.serve ?? !!process.stdout.isTTY)) {
      out('\nTo browse these hits in the dashboard: `npm run demo` in a terminal, or `ctwatch demo --serve`.\n');
      return 0;
    }
    return await serveDashboard(raw, base.file, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The daemon again on the demo database, with nothing more to replay, so the dashboard stays up
 * on the demo's hits. A random token for this run only; the URL is printed once it answers.
 * Resolves with the daemon's exit code after Ctrl-C (SIGINT) or SIGTERM.
 */
async function serveDashboard(demoRaw: Record<string, any>, file: string | null, dir: string): Promise<number> {
  const empty = path.join(dir, 'nothing-more.jsonl');
  fs.writeFileSync(empty, '');
  const port = await freeLoopbackPort();
  const token = crypto.randomBytes(24).toString('base64url');
  const raw = JSON.parse(JSON.stringify(demoRaw)) as Record<string, any>;
  raw.feed = { replay: empty, replay_then_idle: true };
  raw.http = { ...raw.http, listen: `127.0.0.1:${port}`, token };
  const running = runCommand(buildConfig(raw, {}, file), { pretty: false });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${base}/livez`).then((r) => r.ok, () => false);
    if (up) {
      // Written directly: out() redacts registered secrets, and this line is the login.
      process.stdout.write(`\nDashboard: ${base}/?token=${token}\nOpen it in a browser on this machine. Ctrl-C stops the demo and deletes its database.\n`);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return running;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection'] as const;

/** Remembers the process handlers present now; removeAdded() drops every one added since. */
function processHandlers(): { removeAdded(): void } {
  const before = new Map(EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  return {
    removeAdded() {
      for (const e of EVENTS) for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.off(e, l as () => void);
    },
  };
}
