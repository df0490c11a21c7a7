import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyObject } from 'node:crypto';
import { CtLogError } from './errors.js';
import { type LogList, type LogListEntry, logListKey, parseSignedLogList } from './loglist.js';
import type { CtLogConfig } from './types.js';

/**
 * The log list shipped in the package: data/log_list.json is Google's signed v3 list of every
 * CT log (all_logs_list.json of 2026-08-20), data/log_list.sig its detached signature, and
 * data/log_list_pubkey.pem Google's log list key, the key every list (shipped, cached or
 * refreshed) must be signed with.
 */

/**
 * Path of a file shipped in the package's data/ folder, found by walking up from this module
 * (works from src/ under tsx/vitest and from dist/ after a build).
 * Throws CtLogError('bad-loglist') if it is not there.
 */
export function shippedDataPath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'data', name);
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new CtLogError('bad-loglist', `shipped data/${name} not found`);
}

export function shippedLogListPath(): string {
  return shippedDataPath('log_list.json');
}

let pinned: KeyObject | null = null;

/** Google's log list key pinned in the package (data/log_list_pubkey.pem). Throws CtLogError('bad-loglist'). */
export function pinnedLogListKey(): KeyObject {
  pinned ??= logListKey(readFileSync(shippedDataPath('log_list_pubkey.pem')));
  return pinned;
}

/**
 * Parses the shipped list after verifying its signature with `key` (default: the pinned key).
 * Throws CtLogError ('bad-signature', 'bad-loglist').
 */
export function loadShippedLogList(key: KeyObject = pinnedLogListKey()): LogList {
  return parseSignedLogList(readFileSync(shippedLogListPath()), readFileSync(shippedDataPath('log_list.sig')), key);
}

/** The source's configuration for a log-list entry. Pure. */
export function toCtLogConfig(l: LogListEntry): CtLogConfig {
  const c: CtLogConfig = { kind: l.kind, url: l.url, key: l.key, description: l.description };
  if (l.submissionUrl !== undefined) c.submissionUrl = l.submissionUrl;
  if (l.mmd !== undefined) c.mmdSeconds = l.mmd;
  return c;
}
