import { type Clock, realClock } from './clock.js';
import { CtLogError } from './errors.js';
import { redactUrl } from '../../log/secrets.js';

/**
 * Polite HTTP GET for one log: bounded concurrency, a minimum interval between requests,
 * retries with backoff on 429/5xx/network errors honouring Retry-After (which pauses every
 * request to that log, not just the one that got it), per-request timeouts, a ctwatch
 * User-Agent, and a cap on body size.
 */

export const DEFAULT_USER_AGENT = 'ctwatch/0.1 (+https://github.com/ctwatch/ctwatch)';

export interface HttpLimits {
  /** Requests in flight at once to this log. */
  maxConcurrent: number;
  /** Minimum milliseconds between request starts (1000 / requests per second). */
  minIntervalMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Retries after the first attempt for retryable failures. */
  maxRetries: number;
  /** First backoff when no Retry-After is given; doubles per attempt up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Longest Retry-After honoured (longer values are clamped). */
  maxRetryAfterMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxConcurrent: 2,
  minIntervalMs: 100,
  timeoutMs: 30_000,
  maxRetries: 5,
  baseBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxRetryAfterMs: 600_000,
  maxBodyBytes: 64 << 20,
};

export interface HttpStats {
  requests: number;
  retries: number;
  /** Status codes 429 seen. */
  throttled: number;
  /** The last Retry-After honoured, ms (null if none yet). */
  lastRetryAfterMs: number | null;
}

export interface HttpClientOptions {
  fetch?: typeof fetch;
  clock?: Clock;
  limits?: Partial<HttpLimits>;
  userAgent?: string;
  /** Aborts everything (the source is closing). */
  signal?: AbortSignal;
  /** Called with each failed attempt that will be retried (so a cause is known before the retries run out). */
  onRetry?: (error: CtLogError) => void;
}

/** Parses Retry-After (delta-seconds or HTTP-date) into milliseconds from `now`; null if absent/invalid. */
export function parseRetryAfter(v: string | null, now: number): number | null {
  if (v === null) return null;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - now);
}

export class LogHttpClient {
  readonly limits: HttpLimits;
  readonly stats: HttpStats = { requests: 0, retries: 0, throttled: 0, lastRetryAfterMs: null };
  private readonly fetchFn: typeof fetch;
  private readonly clock: Clock;
  private readonly userAgent: string;
  private readonly signal: AbortSignal | undefined;
  private readonly onRetry: ((error: CtLogError) => void) | undefined;
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private nextStart = 0;
  private pausedUntil = 0;

  constructor(opts: HttpClientOptions = {}) {
    this.limits = { ...DEFAULT_HTTP_LIMITS, ...opts.limits };
    this.fetchFn = opts.fetch ?? fetch;
    this.clock = opts.clock ?? realClock;
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.signal = opts.signal;
    this.onRetry = opts.onRetry;
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.limits.maxConcurrent) await new Promise<void>((r) => this.waiters.push(r));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiters.shift()?.();
  }

  /** Waits for the rate limit and any Retry-After pause; reserves the next start slot. */
  private async pace(): Promise<void> {
    for (;;) {
      this.checkAborted();
      const now = this.clock.now();
      const at = Math.max(this.nextStart, this.pausedUntil);
      if (at <= now) {
        this.nextStart = now + this.limits.minIntervalMs;
        return;
      }
      await this.clock.sleep(at - now, this.signal);
    }
  }

  private checkAborted(): void {
    if (this.signal?.aborted) throw new CtLogError('aborted', 'request aborted: source closing');
  }

  /**
   * GETs `url`. Returns the body of a 2xx answer. Throws CtLogError: 'http' (non-retryable
   * status such as 404, or retries exhausted; `status` set), 'network', 'timeout', 'aborted'.
   */
  async get(url: string, accept = '*/*'): Promise<Uint8Array> {
    let attempt = 0;
    for (;;) {
      await this.acquire();
      let retryIn: number;
      let failure: CtLogError;
      try {
        await this.pace();
        this.stats.requests++;
        const res = await this.fetchOnce(url, accept);
        if (res.ok) return await this.readBody(res, url);
        await res.body?.cancel().catch(() => undefined);
        failure = new CtLogError('http', `GET ${redactUrl(url, { keepPath: true })} answered ${res.status}`, { status: res.status });
        const retryable = res.status === 429 || res.status >= 500;
        if (!retryable) throw failure;
        if (res.status === 429) this.stats.throttled++;
        const ra = parseRetryAfter(res.headers.get('retry-after'), this.clock.now());
        retryIn = ra !== null ? Math.min(ra, this.limits.maxRetryAfterMs) : this.backoff(attempt);
        if (ra !== null) {
          this.stats.lastRetryAfterMs = retryIn;
          // The server asked the whole client to slow down: pause every request to this log.
          this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + retryIn);
        }
      } catch (e) {
        // A body over the cap is not retried: the same answer (a gzip bomb) would come again.
        if (!(e instanceof CtLogError) || e.code === 'aborted' || e.code === 'http' || e.code === 'too-large') throw e;
        failure = e; // network or timeout
        retryIn = this.backoff(attempt);
      } finally {
        this.release();
      }
      if (attempt >= this.limits.maxRetries) throw failure;
      attempt++;
      this.stats.retries++;
      try {
        this.onRetry?.(failure);
      } catch {
        // reporting must not stop the request
      }
      await this.clock.sleep(retryIn, this.signal);
      this.checkAborted();
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.limits.maxBackoffMs, this.limits.baseBackoffMs * 2 ** attempt);
  }

  private async fetchOnce(url: string, accept: string): Promise<Response> {
    const timeout = AbortSignal.timeout(this.limits.timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    try {
      return await this.fetchFn(url, {
        headers: { 'user-agent': this.userAgent, accept, 'accept-encoding': 'gzip, identity' },
        signal,
        redirect: 'follow',
      });
    } catch (e) {
      if (this.signal?.aborted) throw new CtLogError('aborted', 'request aborted: source closing', { cause: e });
      if (timeout.aborted) throw new CtLogError('timeout', `GET ${redactUrl(url, { keepPath: true })} timed out after ${this.limits.timeoutMs} ms`, { cause: e });
      throw new CtLogError('network', `GET ${redactUrl(url, { keepPath: true })} failed`, { cause: e });
    }
  }

  private readBody(res: Response, url: string): Promise<Uint8Array> {
    return readBodyCapped(res, this.limits.maxBodyBytes, `GET ${redactUrl(url, { keepPath: true })}`);
  }
}

/**
 * Reads a fetch Response body, counting the bytes as they arrive *after* decompression (fetch
 * undoes Content-Encoding), and stops at `maxBytes`: a gzip bomb costs at most `maxBytes` of
 * memory, never the size it inflates to. Returns the body. Throws CtLogError 'too-large'
 * (the body or its declared Content-Length is over the cap; the stream is cancelled) or
 * 'network' (the read failed; `cause` set). `what` prefixes messages (no query string).
 */
export async function readBodyCapped(res: Response, maxBytes: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (!encoded && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new CtLogError('too-large', `${what}: body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new CtLogError('too-large', `${what}: body exceeds the limit of ${maxBytes} bytes after decompression`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof CtLogError) throw e;
    throw new CtLogError('network', `${what}: body read failed`, { cause: e });
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

