/**
 * Shared HTTP delivery for webhook-style providers: one POST with Node's global fetch,
 * no redirects followed, the response classified into success or a DeliveryError.
 * Error messages name the provider and the status, never the URL (it may hold a token).
 */
import { z } from 'zod';
import { DeliveryError } from '../types.js';
import { describeNetError } from '../../log/net-error.js';

/**
 * The config schema of a provider's endpoint URL: http:// or https:// only, with a message that
 * says so (an `ftp://` URL would otherwise fail at the first delivery as "unknown scheme").
 */
export function httpUrlSchema() {
  return z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
}

/**
 * Parses an HTTP Retry-After value: delta-seconds (decimals tolerated) or an HTTP date.
 * Returns milliseconds to wait (>= 0), or null when absent or unparseable.
 * `nowMs` is the current time for the HTTP-date form. Pure.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

export interface PostOptions {
  /** Provider label used in error messages, e.g. "slack webhook". */
  label: string;
  url: string;
  body: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** Reads the start of non-2xx bodies (at most this many bytes), e.g. Slack's error name. */
  readErrorBody?: number;
  /** Reads the start of 2xx bodies too (at most this many bytes). */
  readSuccessBody?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The start of the response body when PostOptions asked for it (readErrorBody/readSuccessBody), else ''. */
  text: string;
}

/**
 * Network-level failure: retryable, with a cause that carries no URL. The message names the
 * cause in words ("webhook: connection refused (ECONNREFUSED)"), via the one network-error
 * classifier (log/net-error.ts).
 */
function networkError(label: string, err: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) {
    return new DeliveryError('timeout', `${label}: no answer before the delivery timeout`, { cause: safeCause(err) });
  }
  // fetch refuses some ports outright (the browsers' "bad ports": 1, 9, 25, 6000, ...): say so.
  // The cause's message is undici's fixed text, not the URL.
  if ((err as { cause?: { message?: unknown } })?.cause?.message === 'bad port') {
    return new DeliveryError('network', `${label}: the URL's port is one that fetch refuses to connect to (a "bad port"); use another port`, { cause: safeCause(err), permanent: true });
  }
  return new DeliveryError('network', `${label}: ${describeNetError(err)}`, { cause: safeCause(err) });
}

/** The most specific error code of a fetch failure (undici nests the socket error as cause). */
function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && c !== '') return c;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.name : 'unknown';
}

/**
 * A stand-in cause without the original message: undici's messages can quote the URL
 * ("Failed to parse URL from …"), which may carry a token.
 */
export function safeCause(err: unknown): Error {
  const e = new Error(`${err instanceof Error ? err.name : 'Error'} (${errorCode(err)})`);
  (e as Error & { code?: string }).code = errorCode(err);
  return e;
}

/**
 * fetch refuses URLs with credentials; `http://user:pass@host/` is sent as Basic auth instead.
 * Returns the URL without userinfo and the Authorization value, if any. Throws on an invalid URL.
 */
export function splitCredentials(raw: string): { url: string; authorization: string | null } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw, authorization: null };
  const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
}

/**
 * Reads at most `max` bytes of the response body as UTF-8 and discards the rest, so a
 * receiver answering with a huge body cannot make us buffer it. Returns '' when max is 0.
 */
async function readLimited(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  if (max <= 0) {
    await res.body.cancel();
    return '';
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}

/**
 * POSTs `body` and returns the answer. Throws DeliveryError('timeout'|'network') when no
 * answer arrived (both retryable). Never follows a redirect. Does not classify status.
 */
export async function post(opts: PostOptions): Promise<HttpAnswer> {
  let res: Response;
  try {
    const { url, authorization } = splitCredentials(opts.url);
    const auth: Record<string, string> = authorization ? { authorization } : {};
    res = await fetch(url, {
      method: 'POST',
      body: opts.body,
      headers: { 'content-type': 'application/json', 'user-agent': 'ctwatch', ...auth, ...opts.headers },
      redirect: 'manual',
      signal: opts.signal,
    });
  } catch (err) {
    throw networkError(opts.label, err, opts.signal);
  }
  let text = '';
  try {
    const ok = res.status >= 200 && res.status < 300;
    text = await readLimited(res, (ok ? opts.readSuccessBody : opts.readErrorBody) ?? 0);
  } catch (err) {
    // The status line arrived; an unreadable error body is not a reason to lose the status.
    if (opts.signal.aborted) throw networkError(opts.label, err, opts.signal);
  }
  return { status: res.status, headers: res.headers, text };
}

/**
 * Turns a non-2xx answer into the DeliveryError the dispatcher acts on:
 * 3xx permanent (redirects are not followed; fix the URL), 408/425/429 and 5xx retryable
 * with Retry-After, 410 permanent (and `disable` when `disableOn410`), other 4xx permanent.
 * `detail` (already sanitised, no secret) is appended to the message when given.
 * Returns null for 2xx.
 */
export function classify(
  label: string,
  answer: HttpAnswer,
  opts: { disableOn410?: boolean; detail?: string; now?: () => number } = {},
): DeliveryError | null {
  const { status } = answer;
  if (status >= 200 && status < 300) return null;
  const detail = opts.detail ? ` (${opts.detail})` : '';
  const msg = `${label} answered ${status}${detail}`;
  const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), (opts.now ?? Date.now)());
  if (status >= 300 && status < 400) {
    return new DeliveryError('redirect', `${msg}; redirects are not followed, configure the final URL`, { permanent: true });
  }
  if (status === 410) {
    return new DeliveryError('gone', msg, { permanent: true, disable: opts.disableOn410 === true });
  }
  if (status === 408 || status === 425 || status === 429) {
    return new DeliveryError(status === 429 ? 'rate_limited' : 'http_retryable', msg, { retryAfterMs });
  }
  if (status >= 500) return new DeliveryError('http_5xx', msg, { retryAfterMs });
  if (status >= 400) return new DeliveryError('http_4xx', msg, { permanent: true });
  return new DeliveryError('http_unexpected', msg, { permanent: true });
}

/** A short token from an error body safe to quote (Slack answers e.g. "invalid_payload"). */
export function errorToken(text: string): string | undefined {
  const m = /^\s*([a-z][a-z0-9_]{1,60})\s*$/.exec(text);
  return m?.[1];
}
