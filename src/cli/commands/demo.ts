/**
 * `ctwatch demo`: replays the bundled real CT entries through the full pipeline (decode, fast
 * names, match, parse, store, console alerts) with a fresh temporary database, then prints the hits.
 */
import fs from 'node:fs';
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

export async function demoCommand(): Promise<number> {
  const root = packageRoot();
  const base = loadConfigFile(path.join(root, 'config/demo.yaml'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctwatch-demo-'));
  const raw = JSON.parse(JSON.stringify(base.config)) as Record<string, any>;
  raw.feed.replay = path.join(root, raw.feed.replay);
  raw.store.path = path.join(dir, 'demo.db');
  const loaded = buildConfig(raw, {}, base.file);
  out(`ctwatch demo: replaying ${raw.feed.replay}\n\nAlerts as the console notifier prints them:\n`);
  const code = await runCommand(loaded, { exitAfterReplay: true, pretty: false });
  if (code !== 0) return code;
  out('\nHits stored in the database (`ctwatch hits`):\n');
  hitsListCommand(loaded, {});
  fs.rmSync(dir, { recursive: true, force: true });
  return 0;
}
