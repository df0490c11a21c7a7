import { CtLogError } from './errors.js';

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

/**
 * Selects logs: 'all' → every log whose state is in `states` (default: `usable` only) and, if
 * `now` is given, whose temporal interval has not ended; a list of URLs → those logs (matching
 * `url`, monitoring or submission URL), in any state. Returns the selection and the URLs that
 * matched nothing. Pure.
 */
export function selectLogs(list: LogList, which: 'all' | readonly string[], now?: Date, states: readonly LogState[] = ['usable']): { logs: LogListEntry[]; unknown: string[] } {
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

export interface RefreshResult {
  list: LogList;
  /** True when the fetch or parse failed and `list` is the previous one. */
  failed: boolean;
  error?: CtLogError;
}

/**
 * Fetches and parses a log list from `url`. On any failure (network, status, JSON, schema,
 * an empty list) returns the previous list with failed=true and the error. Never throws.
 */
export async function refreshLogList(url: string, previous: LogList, opts: { fetch?: typeof fetch; timeoutMs?: number; userAgent?: string } = {}): Promise<RefreshResult> {
  const f = opts.fetch ?? fetch;
  try {
    const res = await f(url, {
      headers: { 'user-agent': opts.userAgent ?? 'ctwatch/0.1 (+https://github.com/ctwatch/ctwatch)' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    if (!res.ok) throw new CtLogError('http', `log list fetch answered ${res.status}`, { status: res.status });
    const list = parseLogList(await res.text());
    if (list.logs.length === 0) throw new CtLogError('bad-loglist', 'log list has no logs');
    return { list, failed: false };
  } catch (e) {
    const error = e instanceof CtLogError ? e : new CtLogError('network', 'log list fetch failed', { cause: e });
    return { list: previous, failed: true, error };
  }
}
