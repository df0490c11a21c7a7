/**
 * Health and metrics over HTTP: /livez (process alive), /readyz (feed connected, a message
 * arrived recently, the database answers; 503 naming the failed check otherwise; `?verbose` adds
 * per-log gaps and queue state), /metrics (Prometheus text).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface HttpServerOptions {
  listen: string;
  readiness: () => ReadinessCheck[];
  verbose: () => Record<string, unknown>;
  metrics: () => Promise<string>;
  metricsContentType: string;
}

export interface HttpServer {
  /** The bound address (port resolved when 0 was asked). */
  address: { host: string; port: number };
  /** Makes /readyz answer 503 from now on (shutdown starts). Idempotent. */
  setDraining(): void;
  close(): Promise<void>;
}

/** Parses "127.0.0.1:9797", "[::1]:9797" or ":9797". Throws with code HTTP_LISTEN on nonsense. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw Object.assign(new Error(`http.listen: "${listen}" is not host:port`), { code: 'HTTP_LISTEN' });
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  let draining = false;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    switch (url.pathname) {
      case '/livez':
        return send(res, 200, { status: 'ok' });
      case '/readyz': {
        const checks = draining ? [{ name: 'shutdown', ok: false, detail: 'shutting down' }] : opts.readiness();
        const ok = checks.every((c) => c.ok);
        const body: Record<string, unknown> = { status: ok ? 'ready' : 'not ready', checks };
        if (url.searchParams.has('verbose')) Object.assign(body, opts.verbose());
        return send(res, ok ? 200 : 503, body);
      }
      case '/metrics': {
        const text = await opts.metrics();
        res.writeHead(200, { 'content-type': opts.metricsContentType });
        res.end(text);
        return;
      }
      default:
        return send(res, 404, { error: 'not found' });
    }
  }
  const { host, port } = parseListen(opts.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(Object.assign(new Error(`cannot listen on ${opts.listen}: ${(err as NodeJS.ErrnoException).code}`, { cause: err }), { code: 'HTTP_LISTEN' })));
    server.listen(port, host, () => resolve());
  });
  server.keepAliveTimeout = 5_000;
  const addr = server.address() as AddressInfo;
  return {
    address: { host: addr.address, port: addr.port },
    setDraining() {
      draining = true;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
