/**
 * The dashboard token: `http.token` from the config, or else a random one generated at first
 * start and kept next to the database file (`<store.path>.token`, mode 0600), so the daemon and
 * `ctwatch dashboard` agree on it. The token is a secret: it is registered with the log redactor
 * and never logged.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { secrets } from '../log/secrets.js';

/** Where the generated token lives for a database file. */
export function tokenFileFor(dbPath: string): string {
  return `${path.resolve(dbPath)}.token`;
}

/**
 * Returns the configured token, or the generated one (created on first call: 32 random bytes,
 * base64url, written with mode 0600 and O_EXCL so two processes cannot both write one).
 * Idempotent. Throws with code HTTP_TOKEN when the file cannot be read or written.
 */
export function resolveDashboardToken(configured: string | undefined, dbPath: string): { token: string; file: string | null } {
  if (configured) {
    secrets.add(configured);
    return { token: configured, file: null };
  }
  const file = tokenFileFor(dbPath);
  try {
    let token = readToken(file);
    if (token === null) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      try {
        fs.writeFileSync(file, `${crypto.randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      token = readToken(file);
    }
    if (!token) throw new Error('token file is empty');
    secrets.add(token);
    return { token, file };
  } catch (e) {
    throw Object.assign(new Error(`dashboard token file ${file}: ${(e as Error).message}`, { cause: e }), { code: 'HTTP_TOKEN' });
  }
}

function readToken(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Constant-time equality of two secrets of any length (both are hashed first, so the lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(h(a), h(b));
}

/** The session cookie's value: derived from the token, so it survives restarts and dies with the token. */
export function sessionValue(token: string): string {
  return crypto.createHmac('sha256', token).update('ctwatch dashboard session v1').digest('base64url');
}
