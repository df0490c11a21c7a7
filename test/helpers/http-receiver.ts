/** A real HTTP receiver on 127.0.0.1 that records requests and answers as the test says. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Responder = (req: ReceivedRequest, n: number) => { status: number; headers?: Record<string, string>; body?: string };

export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: http.Server | null = null;
  port = 0;
  respond: Responder = () => ({ status: 200, body: 'ok' });

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const r: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.requests.push(r);
        const a = this.respond(r, this.requests.length);
        res.writeHead(a.status, a.headers);
        res.end(a.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port || this.port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async waitFor(pred: (reqs: ReceivedRequest[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred(this.requests)) {
      if (Date.now() > end) throw new Error(`receiver condition not met within ${timeoutMs} ms (${this.requests.length} requests)`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}
