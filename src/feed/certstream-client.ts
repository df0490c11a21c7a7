/**
 * A CertStream WebSocket client that never silently dies.
 *
 * - Sends a WebSocket ping every `pingIntervalMs` (certstream-server-go closes clients that send
 *   none for 65 s; text frames do not count).
 * - A connection with neither a pong nor any frame for `pongTimeoutMs` is terminated and redialled.
 * - A connection that is open but carries no certificate for `staleAfterMs` is redialled too.
 * - Reconnects with jittered exponential backoff; the backoff resets once a connection has been
 *   healthy for `resetAfterMs`.
 * - Frames up to 16 MiB are read (larger ones close the connection, as ws enforces); frames over
 *   `maxMessageBytes` are counted as oversized and skipped, so one huge frame never costs the
 *   connection and the messages behind it.
 */
import { redactUrl } from '../log/secrets.js';
import WebSocket from 'ws';
import { Backoff } from './backoff.js';
import type { FeedObserver, ReconnectReason, TextResult } from './observer.js';
import type { Source } from './types.js';

export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface CertstreamClientOptions {
  url: string;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  staleAfterMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  resetAfterMs: number;
  maxMessageBytes: number;
  /** Hands one text frame to the pipeline; returns its message type (null when it was bad). */
  onText: (text: string, receivedAt: number) => TextResult;
  observer: FeedObserver;
  userAgent?: string;
  /** Source of jitter in [0, 1) (tests pin it to check the backoff bounds). */
  random?: () => number;
}

export class CertstreamClient implements Source {
  readonly id: string;
  private ws: WebSocket | null = null;
  private closed = false;
  private readonly backoff: Backoff;
  private timers: NodeJS.Timeout[] = [];
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastFrameAt = 0;
  private lastCertAt = 0;
  private connectedAt = 0;
  private isUp = false;

  constructor(private readonly opts: CertstreamClientOptions) {
    // The id is stored (sighting rows), logged and shown (/readyz): never the credentials.
    this.id = redactUrl(opts.url);
    this.backoff = new Backoff(opts.reconnectMinMs, opts.reconnectMaxMs, opts.random);
  }

  /** Starts connecting; resolves at once (connection progress is reported to the observer). */
  async start(): Promise<void> {
    this.connect();
  }

  get connected(): boolean {
    return this.isUp;
  }

  private paused = false;

  /**
   * Stops reading the socket (the pipeline is behind): TCP then pushes back on the server.
   * Keepalive deadlines do not run while paused, since frames cannot be read. Idempotent.
   */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.ws?.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const now = Date.now();
    this.lastFrameAt = Math.max(this.lastFrameAt, now - 1);
    this.ws?.resume();
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.opts.url, {
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
      headers: { 'User-Agent': this.opts.userAgent ?? 'ctwatch' },
    });
    this.ws = ws;
    let reason: ReconnectReason = 'connect_failed';

    ws.on('open', () => {
      const now = Date.now();
      this.connectedAt = now;
      this.lastFrameAt = now;
      this.lastCertAt = now;
      this.setUp(true);
      if (this.paused) ws.pause();
      reason = 'closed';
      this.startTimers(ws, (r) => {
        reason = r;
        ws.terminate();
      });
    });
    ws.on('pong', () => {
      this.lastFrameAt = Date.now();
    });
    ws.on('ping', () => {
      this.lastFrameAt = Date.now();
    });
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      this.lastFrameAt = now;
      const size = frameSize(data);
      if (isBinary) {
        this.opts.observer.dropped(this.id, 'binary_frame', { detail: `${size} bytes` });
        return;
      }
      if (size > this.opts.maxMessageBytes) {
        this.opts.observer.dropped(this.id, 'oversized', { detail: `${size} bytes` });
        return;
      }
      const type = this.opts.onText(frameText(data), now);
      if (type === 'certificate_update' || type === 'dns_entries' || type === 'unparsed') {
        this.lastCertAt = now;
        if (this.connectedAt && now - this.connectedAt >= this.opts.resetAfterMs) this.backoff.reset();
      }
    });
    ws.on('error', () => {
      // 'close' follows; the reason is kept for the reconnect metric. Error text may hold the URL
      // (which can carry a token), so it is not logged here.
      if (reason === 'closed') reason = 'error';
    });
    ws.on('close', () => {
      this.clearTimers();
      this.setUp(false);
      if (this.ws === ws) this.ws = null;
      if (this.closed) return;
      const delay = this.backoff.next();
      this.opts.observer.reconnect(this.id, reason, delay);
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.connect();
      }, delay);
    });
  }

  private startTimers(ws: WebSocket, kill: (r: ReconnectReason) => void): void {
    const tick = Math.max(50, Math.min(this.opts.pingIntervalMs, 1_000));
    let lastPing = Date.now();
    const t = setInterval(() => {
      const now = Date.now();
      if (this.paused) {
        // Not reading: no pong can arrive, and no certificate either. Not the server's fault.
        this.lastFrameAt = now;
        this.lastCertAt = now;
        return;
      }
      if (now - this.lastFrameAt > this.opts.pongTimeoutMs) return kill('pong_timeout');
      if (now - this.lastCertAt > this.opts.staleAfterMs) return kill('stale');
      if (now - lastPing >= this.opts.pingIntervalMs && ws.readyState === WebSocket.OPEN) {
        lastPing = now;
        ws.ping();
      }
    }, tick);
    t.unref();
    this.timers.push(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private setUp(up: boolean): void {
    if (this.isUp === up) return;
    this.isUp = up;
    this.opts.observer.connected(this.id, up);
  }

  /** Closes the socket and stops redialling. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1_000);
      ws.once('close', () => {
        clearTimeout(done);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1001, 'ctwatch shutting down');
    });
    this.setUp(false);
  }
}

function frameSize(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return (data as Buffer | ArrayBuffer).byteLength;
}

function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
