import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CtLogError } from './errors.js';
import { type LogList, type LogListEntry, parseLogList } from './loglist.js';
import type { CtLogConfig } from './types.js';

/**
 * Path of the log list snapshot shipped in the package (data/log_list.json), found by walking
 * up from this module (works from src/ under tsx/vitest and from dist/ after a build).
 * Throws CtLogError('bad-loglist') if it is not there.
 */
export function shippedLogListPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'data', 'log_list.json');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new CtLogError('bad-loglist', 'shipped data/log_list.json not found');
}

/** Parses the shipped snapshot. Throws CtLogError('bad-loglist'). */
export function loadShippedLogList(): LogList {
  return parseLogList(readFileSync(shippedLogListPath(), 'utf8'));
}

/** The source's configuration for a log-list entry. Pure. */
export function toCtLogConfig(l: LogListEntry): CtLogConfig {
  const c: CtLogConfig = { kind: l.kind, url: l.url, key: l.key, description: l.description };
  if (l.submissionUrl !== undefined) c.submissionUrl = l.submissionUrl;
  if (l.mmd !== undefined) c.mmdSeconds = l.mmd;
  return c;
}
