/**
 * A CertStream-like WebSocket server on 127.0.0.1 for tests. It can push messages, stop, restart
 * on the same port, drop clients, and (like certstream-server-go) close clients that send no ping.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

export interface FakeCertstreamOptions {
  port?: number;
  /** Close a client that sent no ping for this long (certstream-server-go: 65 s). */
  requireClientPingMs?: number;
  /** Send server pings this often. */
  serverPingMs?: number;
}

export class FakeCertstream {
  private wss: WebSocketServer | null = null;
  port = 0;
  readonly clients = new Set<WebSocket>();
  connections = 0;
  pingsReceived = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly opts: FakeCertstreamOptions = {}) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/full-stream`;
  }

  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port || this.opts.port || 0 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    this.wss = wss;
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => {
      this.connections++;
      this.clients.add(ws);
      let lastPing = Date.now();
      ws.on('ping', () => {
        this.pingsReceived++;
        lastPing = Date.now();
      });
      ws.on('close', () => this.clients.delete(ws));
      if (this.opts.requireClientPingMs) {
        const t = setInterval(() => {
          if (Date.now() - lastPing > this.opts.requireClientPingMs!) ws.terminate();
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

  /** Sends a text frame to every connected client. */
  broadcast(text: string): void {
    for (const c of this.clients) if (c.readyState === c.OPEN) c.send(text);
  }

  broadcastBinary(data: Buffer): void {
    for (const c of this.clients) if (c.readyState === c.OPEN) c.send(data, { binary: true });
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
