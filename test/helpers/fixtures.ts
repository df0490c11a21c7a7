/** Reading the bundled real CertStream messages. */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures');
export const NAVIGLI_REPLAY = path.join(ROOT, 'data/demo/navigli2025h2-full-stream.jsonl');

/** The 1,034 real full-stream messages of the Navigli 2025h2 log, as parsed objects. */
export function navigliMessages(): any[] {
  return fs
    .readFileSync(NAVIGLI_REPLAY, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export function readFixtureJson(rel: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), 'utf8'));
}

export function tmpDir(prefix = 'ctwatch-test-'): string {
  return fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', prefix));
}
