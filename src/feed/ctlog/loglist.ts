import { createPublicKey, verify, constants, type KeyObject } from 'node:crypto';
import { CtLogError } from './errors.js';
import { DEFAULT_USER_AGENT, readBodyCapped } from './http.js';

/**
 * Chrome/Apple log_list.json v3 parsing and selection. RFC 6962 logs are listed under
 * operators[].logs (with `url`), static-ct-api logs under operators[].tiled_logs
 * (with `submission_url` and `monitoring_url`).
 */

export type LogState = 'pending' | 'qualified' | 'usable' | 'readonly' | 'retired' | 'rejected' | 'unknown';

export interface LogListEntry {
  kind: 'rfc6962' | 'static';
  description: string;
  operator: string;
  /** Base64 SubjectPublicKeyInfo. */
  key: string;
  /** Base64 LogID (SHA-256 of the key). */
  logId: string;
  /** RFC 6962: the log URL; static: the monitoring prefix. Always ends with '/'. */
  url: string;
  /** Static logs: the submission prefix (checkpoint origin is derived from it). */
  submissionUrl?: string;
  state: LogState;
  mmd?: number;
  temporalInterval?: { startInclusive: string; endExclusive: string };
}

export interface LogList {
  version: string | null;
  timestamp: string | null;
  logs: LogListEntry[];
}

const STATES: readonly LogState[] = ['pending', 'qualified', 'usable', 'readonly', 'retired', 'rejected'];

function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new CtLogError('bad-loglist', `log list: ${field} is missing`);
  return v;
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : u + '/';
}

function stateOf(s: unknown): LogState {
  if (typeof s !== 'object' || s === null) return 'unknown';
  const k = Object.keys(s).find((x) => (STATES as readonly string[]).includes(x));
  return (k as LogState | undefined) ?? 'unknown';
}

function parseLog(l: unknown, operator: string, kind: LogListEntry['kind'], where: string): LogListEntry {
  if (typeof l !== 'object' || l === null) throw new CtLogError('bad-loglist', `log list: ${where} is not an object`);
  const o = l as Record<string, unknown>;
  const entry: LogListEntry = {
    kind,
    description: typeof o.description === 'string' ? o.description : '',
    operator,
    key: str(o.key, `${where}.key`),
    logId: str(o.log_id, `${where}.log_id`),
    url: withSlash(str(kind === 'rfc6962' ? o.url : o.monitoring_url, `${where}.${kind === 'rfc6962' ? 'url' : 'monitoring_url'}`)),
    state: stateOf(o.state),
  };
  if (kind === 'static') entry.submissionUrl = withSlash(str(o.submission_url, `${where}.submission_url`));
  if (typeof o.mmd === 'number') entry.mmd = o.mmd;
  const ti = o.temporal_interval as Record<string, unknown> | undefined;
  if (ti && typeof ti.start_inclusive === 'string' && typeof ti.end_exclusive === 'string') {
    entry.temporalInterval = { startInclusive: ti.start_inclusive, endExclusive: ti.end_exclusive };
  }
  return entry;
}

/**
 * Parses a v3 log list (JSON text or parsed value).
 * Returns every log; throws CtLogError('bad-loglist') naming the first malformed field. Pure.
 */
export function parseLogList(input: string | unknown): LogList {
  let v: unknown = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch (e) {
      throw new CtLogError('bad-loglist', 'log list is not JSON', { cause: e });
    }
  }
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { operators?: unknown }).operators)) {
    throw new CtLogError('bad-loglist', 'log list: operators is missing');
  }
  const root = v as { version?: unknown; log_list_timestamp?: unknown; operators: unknown[] };
  const logs: LogListEntry[] = [];
  root.operators.forEach((op, i) => {
    if (typeof op !== 'object' || op === null) throw new CtLogError('bad-loglist', `log list: operators[${i}] is not an object`);
    const o = op as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name : '';
    for (const [field, kind] of [['logs', 'rfc6962'], ['tiled_logs', 'static']] as const) {
      const arr = o[field];
      if (arr === undefined) continue;
      if (!Array.isArray(arr)) throw new CtLogError('bad-loglist', `log list: operators[${i}].${field} is not an array`);
      arr.forEach((l, j) => logs.push(parseLog(l, name, kind, `operators[${i}].${field}[${j}]`)));
    }
  });
  return {
    version: typeof root.version === 'string' ? root.version : null,
    timestamp: typeof root.log_list_timestamp === 'string' ? root.log_list_timestamp : null,
    logs,
  };
}

/** Same URL up to a trailing slash and scheme case. */
function sameUrl(a: string, b: string): boolean {
  return withSlash(a).toLowerCase() === withSlash(b).toLowerCase();
}

/** The states of logs a browser accepts SCTs from (Chrome: usable and qualified). */
export const ACCEPTED_STATES: readonly LogState[] = ['usable', 'qualified'];

/**
 * Selects logs: 'all' → every log whose state is in `states` (default: `usable` and
 * `qualified`, every log a browser would accept) and, if
 * `now` is given, whose temporal interval has not ended; a list of URLs → those logs (matching
 * `url`, monitoring or submission URL), in any state. Returns the selection and the URLs that
 * matched nothing. Pure.
 */
export function selectLogs(list: LogList, which: 'all' | readonly string[], now?: Date, states: readonly LogState[] = ACCEPTED_STATES): { logs: LogListEntry[]; unknown: string[] } {
  if (which === 'all') {
    const logs = list.logs.filter((l) => states.includes(l.state) && (!now || !l.temporalInterval || Date.parse(l.temporalInterval.endExclusive) > now.getTime()));
    return { logs, unknown: [] };
  }
  const logs: LogListEntry[] = [];
  const unknown: string[] = [];
  for (const u of which) {
    const l = list.logs.find((x) => sameUrl(x.url, u) || (x.submissionUrl !== undefined && sameUrl(x.submissionUrl, u)));
    if (l) logs.push(l);
    else unknown.push(u);
  }
  return { logs, unknown };
}

/** Largest log list body accepted (the real list of every log is about 80 KB). */
export const MAX_LOG_LIST_BYTES = 4 << 20;

/**
 * Google's log list key as a KeyObject, from PEM text. Throws CtLogError('bad-loglist') if the
 * text is not a public key.
 */
export function logListKey(pem: string | Buffer): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (e) {
    throw new CtLogError('bad-loglist', 'log list public key is not a PEM public key', { cause: e });
  }
}

/**
 * True when `sig` is a valid detached signature of exactly the bytes `json` by `key`: RSA
 * PKCS#1 v1.5 with SHA-256 for an RSA key (Google's log_list.sig), or ECDSA/SHA-256 for an EC
 * key. Pure, never throws.
 */
export function verifyLogListSignature(json: Uint8Array, sig: Uint8Array, key: KeyObject): boolean {
  try {
    const k = key.asymmetricKeyType === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : key;
    return verify('sha256', json, k, sig);
  } catch {
    return false;
  }
}

/** The signature URL of a list URL: `…/log_list.json` → `…/log_list.sig` (query string kept). */
export function signatureUrlOf(listUrl: string): string {
  const u = new URL(listUrl);
  u.pathname = /\.json$/i.test(u.pathname) ? u.pathname.replace(/\.json$/i, '.sig') : u.pathname + '.sig';
  return u.toString();
}

/**
 * Parses `json` after checking its signature. Returns the list; throws CtLogError
 * 'bad-signature' (signature does not verify), or 'bad-loglist' (malformed, or no logs). Pure.
 */
export function parseSignedLogList(json: Uint8Array, sig: Uint8Array, key: KeyObject): LogList {
  if (!verifyLogListSignature(json, sig, key)) throw new CtLogError('bad-signature', 'log list signature does not verify with the pinned key');
  const list = parseLogList(Buffer.from(json).toString('utf8'));
  if (list.logs.length === 0) throw new CtLogError('bad-loglist', 'log list has no logs');
  return list;
}

export interface RefreshResult {
  list: LogList;
  /** True when the fetch, the signature or the parse failed and `list` is the previous one. */
  failed: boolean;
  error?: CtLogError;
  /** The signed bytes as fetched (success only), to cache and verify again at the next start. */
  signed?: { json: Uint8Array; sig: Uint8Array };
}

export interface RefreshOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  userAgent?: string;
  /** The key the list must be signed with (Google's, pinned in the package). */
  key: KeyObject;
  /** Where the detached signature is (default: signatureUrlOf(url)). */
  signatureUrl?: string;
  /** Body cap for the list and the signature (default MAX_LOG_LIST_BYTES). */
  maxBytes?: number;
}

async function getCapped(f: typeof fetch, url: string, what: string, opts: RefreshOptions): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await f(url, {
      headers: { 'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT, 'accept-encoding': 'gzip, identity' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (e) {
    const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    throw new CtLogError(timeout ? 'timeout' : 'network', `${what} fetch failed`, { cause: e });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new CtLogError('http', `${what} fetch answered ${res.status}`, { status: res.status });
  }
  return readBodyCapped(res, opts.maxBytes ?? MAX_LOG_LIST_BYTES, what);
}

/**
 * Fetches the log list from `url` and its detached signature, checks the signature against
 * `opts.key` (bodies capped at `maxBytes` after decompression) and parses it. A list older
 * than `previous` (by log_list_timestamp) is refused as a rollback. On any failure returns
 * the previous list with failed=true and the error (codes 'network', 'timeout', 'http',
 * 'too-large', 'bad-signature', 'bad-loglist'). Never throws.
 */
export async function refreshLogList(url: string, previous: LogList, opts: RefreshOptions): Promise<RefreshResult> {
  const f = opts.fetch ?? fetch;
  try {
    const [json, sig] = await Promise.all([getCapped(f, url, 'log list', opts), getCapped(f, opts.signatureUrl ?? signatureUrlOf(url), 'log list signature', opts)]);
    const list = parseSignedLogList(json, sig, opts.key);
    if (previous.timestamp && list.timestamp && Date.parse(list.timestamp) < Date.parse(previous.timestamp)) {
      throw new CtLogError('bad-loglist', `log list of ${list.timestamp} is older than the one in use (${previous.timestamp})`);
    }
    return { list, failed: false, signed: { json, sig } };
  } catch (e) {
    const error = e instanceof CtLogError ? e : new CtLogError('network', 'log list fetch failed', { cause: e });
    return { list: previous, failed: true, error };
  }
}
