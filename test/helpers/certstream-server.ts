/**
 * A CertStream-like WebSocket server on 127.0.0.1 for tests. It can push messages, stop, restart
 * on the same port, drop clients, close a client every N messages, stall (keep the socket open
 * and send nothing), stop answering pings, and (like certstream-server-go) ping its clients and
 * close those that send no ping.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

export interface FakeCertstreamOptions {
  port?: number;
  /** Close a client that sent no ping for this long (certstream-server-go: 65 s). */
  requireClientPingMs?: number;
  /** Send server pings this often (certstream-server-go: 30 s). */
  serverPingMs?: number;
  /** Close each connection after this many messages were sent on it (a flaky server). */
  closeEveryN?: number;
  /** Answer client pings (default true); false simulates a dead peer behind an open socket. */
  autoPong?: boolean;
  /** Largest frame the server accepts from clients (irrelevant to what it sends). */
  maxPayload?: number;
}

export class FakeCertstream {
  private wss: WebSocketServer | null = null;
  port = 0;
  readonly clients = new Set<WebSocket>();
  connections = 0;
  pingsReceived = 0;
  /** Text and binary frames handed to the socket, over all connections. */
  sent = 0;
  /** Connections the server closed because the client sent no ping. */
  closedForNoPing = 0;
  /** Paths clients asked for ("/full-stream", "/", "/domains-only"). */
  readonly paths: string[] = [];
  private timers: NodeJS.Timeout[] = [];
  private readonly perClientSent = new WeakMap<WebSocket, number>();
  private readonly clientPath = new WeakMap<WebSocket, string>();

  constructor(private readonly opts: FakeCertstreamOptions = {}) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/full-stream`;
  }

  urlFor(path: '/full-stream' | '/' | '/domains-only'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: this.port || this.opts.port || 0,
      autoPong: this.opts.autoPong ?? true,
      maxPayload: this.opts.maxPayload,
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    this.wss = wss;
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws, req) => {
      this.connections++;
      this.paths.push(req.url ?? '');
      this.clientPath.set(ws, req.url ?? '');
      this.clients.add(ws);
      this.perClientSent.set(ws, 0);
      let lastPing = Date.now();
      ws.on('ping', () => {
        this.pingsReceived++;
        lastPing = Date.now();
      });
      ws.on('error', () => {});
      ws.on('close', () => this.clients.delete(ws));
      if (this.opts.requireClientPingMs) {
        const t = setInterval(() => {
          if (Date.now() - lastPing > this.opts.requireClientPingMs!) {
            this.closedForNoPing++;
            ws.terminate();
          }
        }, Math.max(20, this.opts.requireClientPingMs / 5));
        ws.on('close', () => clearInterval(t));
        this.timers.push(t);
      }
      if (this.opts.serverPingMs) {
        const t = setInterval(() => ws.ping(), this.opts.serverPingMs);
        ws.on('close', () => clearInterval(t));
        this.timers.push(t);
      }
    });
  }

  /** Sends a text frame to every connected client (honouring closeEveryN). */
  broadcast(text: string): void {
    for (const c of this.clients) this.sendTo(c, text, false);
  }

  /** Sends a text frame to the clients connected on one endpoint path only. */
  broadcastOn(path: string, text: string): void {
    for (const c of this.clients) if (this.clientPath.get(c) === path) this.sendTo(c, text, false);
  }

  broadcastBinary(data: Buffer): void {
    for (const c of this.clients) this.sendTo(c, data, true);
  }

  private sendTo(c: WebSocket, data: string | Buffer, binary: boolean): void {
    if (c.readyState !== c.OPEN) return;
    c.send(data, { binary });
    this.sent++;
    const n = (this.perClientSent.get(c) ?? 0) + 1;
    this.perClientSent.set(c, n);
    if (this.opts.closeEveryN && n % this.opts.closeEveryN === 0) c.close(1000, 'bye');
  }

  /** Resolves once every frame queued on every client socket has been handed to the kernel. */
  async flushed(): Promise<void> {
    while ([...this.clients].some((c) => c.bufferedAmount > 0)) await new Promise((r) => setTimeout(r, 10));
  }

  async waitForClients(n = 1, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.clients.size < n) {
      if (Date.now() > end) throw new Error(`no client connected within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops listening and drops every client (the server "goes away"). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const c of this.clients) c.terminate();
    this.clients.clear();
    const wss = this.wss;
    this.wss = null;
    if (wss) await new Promise<void>((r) => wss.close(() => r()));
  }
}
