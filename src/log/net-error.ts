/**
 * Names why a network request failed, in words an operator can act on ("DNS lookup failed",
 * "connection refused", "timed out", "TLS handshake failed", "HTTP 503"), from the error a
 * fetch/undici/node:net call threw. Pure: it reads only `code`, `name`, `status` and `cause`
 * along the cause chain, never an error's message (undici messages can quote a URL with a
 * token), so its output is safe for logs, alerts and metric labels.
 */

export type NetErrorKind = 'dns' | 'refused' | 'timeout' | 'tls' | 'reset' | 'unreachable' | 'http' | 'too-large' | 'aborted' | 'other';

export interface NetErrorInfo {
  kind: NetErrorKind;
  /** The most specific code found (e.g. "ECONNREFUSED", "HTTP 503"), or null. */
  code: string | null;
  /** Human text: "connection refused (ECONNREFUSED)". */
  text: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE_TIMEOUT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED', 'UND_ERR_CLOSED']);
const UNREACHABLE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TOO_LARGE = new Set(['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'ERR_BODY_TOO_LARGE', 'too-large', 'body-too-large']);

const TEXT: Record<NetErrorKind, string> = {
  dns: 'DNS lookup failed',
  refused: 'connection refused',
  timeout: 'timed out',
  tls: 'TLS handshake failed',
  reset: 'connection reset',
  unreachable: 'network unreachable',
  http: 'HTTP error',
  'too-large': 'response body too large',
  aborted: 'aborted',
  other: 'request failed',
};

function isTls(code: string): boolean {
  return (
    code === 'EPROTO' ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_OSSL_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code.includes('SELF_SIGNED') ||
    code === 'HOSTNAME_MISMATCH'
  );
}

function kindOfCode(code: string): NetErrorKind | null {
  if (code === 'ECONNREFUSED') return 'refused';
  if (DNS.has(code)) return 'dns';
  if (TIMEOUT.has(code)) return 'timeout';
  if (RESET.has(code)) return 'reset';
  if (UNREACHABLE.has(code)) return 'unreachable';
  if (TOO_LARGE.has(code)) return 'too-large';
  if (isTls(code)) return 'tls';
  return null;
}

/**
 * Classifies `err` by walking its cause chain (at most 8 levels) for the first recognised
 * HTTP status (a numeric `status` 100..599), error code, or TimeoutError/AbortError name.
 * Returns kind 'other' with the innermost code when nothing is recognised. Never throws.
 */
export function classifyNetError(err: unknown): NetErrorInfo {
  let e: unknown = err;
  let fallbackCode: string | null = null;
  let aborted = false;
  for (let i = 0; i < 8 && e !== null && typeof e === 'object'; i++) {
    const o = e as { code?: unknown; name?: unknown; status?: unknown; cause?: unknown };
    if (typeof o.status === 'number' && o.status >= 100 && o.status <= 599) {
      return { kind: 'http', code: `HTTP ${o.status}`, text: `HTTP status ${o.status}` };
    }
    if (typeof o.code === 'string' && o.code !== '') {
      const k = kindOfCode(o.code);
      if (k) return { kind: k, code: o.code, text: `${TEXT[k]} (${o.code})` };
      if (/^[A-Z][A-Z0-9_]+$/.test(o.code)) fallbackCode = o.code;
    }
    if (o.name === 'TimeoutError') return { kind: 'timeout', code: 'TimeoutError', text: TEXT.timeout };
    if (o.name === 'AbortError') aborted = true;
    e = o.cause;
  }
  if (aborted) return { kind: 'aborted', code: 'AbortError', text: TEXT.aborted };
  return { kind: 'other', code: fallbackCode, text: fallbackCode ? `${TEXT.other} (${fallbackCode})` : TEXT.other };
}

/** The operator-facing reason of a network failure, e.g. "connection refused (ECONNREFUSED)". Pure, never throws. */
export function describeNetError(err: unknown): string {
  return classifyNetError(err).text;
}
