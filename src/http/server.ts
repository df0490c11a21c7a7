/**
 * The daemon's HTTP server (fastify): health and metrics, open (health.ts); the dashboard UI and
 * its JSON API behind the token (auth.ts, ui.ts, routes given by src/api/). Security headers on
 * every answer (security.ts): a Content-Security-Policy without 'unsafe-inline' that loads
 * nothing from another host. Requests are not logged (a login URL carries the token).
 */
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { healthPlugin, type ReadinessCheck } from './health.js';
import { registerAuth } from './auth.js';
import { registerSecurityHeaders } from './security.js';
import { defaultUiDir, registerUi } from './ui.js';
import type { Logger } from '../log/logger.js';
import { parseListen } from './listen.js';

export type { ReadinessCheck };
export { parseListen };

export interface DashboardHttpOptions {
  /** The access token (a secret). */
  token: string;
  /** The UI bundle's folder; default dist/web of this package. */
  uiDir?: string;
  /** The API routes (src/api/), registered behind the access check. */
  routes: FastifyPluginAsync;
}

export interface HttpServerOptions {
  listen: string;
  readiness: () => ReadinessCheck[];
  verbose: () => Record<string, unknown>;
  metrics: () => Promise<string>;
  metricsContentType: string;
  /** The dashboard; without it only /livez, /readyz and /metrics are served. */
  dashboard?: DashboardHttpOptions;
  /** Where unexpected handler errors are logged (once, without the request URL). */
  log?: Logger;
}

export interface HttpServer {
  /** The bound address (port resolved when 0 was asked). */
  address: { host: string; port: number };
  /** Makes /readyz answer 503 from now on (shutdown starts). Idempotent. */
  setDraining(): void;
  close(): Promise<void>;
}

/** Starts listening. Throws with code HTTP_LISTEN when the address cannot be bound. */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  let draining = false;
  const { host, port } = parseListen(opts.listen);
  const app = Fastify({ logger: false, forceCloseConnections: true, keepAliveTimeout: 5_000, bodyLimit: 1024 * 1024, return503OnClosing: true });
  app.setErrorHandler(async (err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) opts.log?.error({ module: 'http', err: { code: (err as { code?: string }).code, message: err.message } }, 'request failed');
    return reply
      .code(status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(JSON.stringify({ error: status === 500 ? 'internal error' : err.message }));
  });
  await registerSecurityHeaders(app);
  await app.register(healthPlugin, { ...opts, isDraining: () => draining });
  if (opts.dashboard) {
    await registerAuth(app, opts.dashboard.token);
    await app.register(opts.dashboard.routes, { prefix: '/api/v1' });
    await registerUi(app, opts.dashboard.uiDir ?? defaultUiDir());
  }
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw Object.assign(new Error(`cannot listen on ${opts.listen}: ${(err as NodeJS.ErrnoException).code}`, { cause: err }), { code: 'HTTP_LISTEN' });
  }
  const addr = app.server.address() as import('node:net').AddressInfo;
  return {
    address: { host: addr.address, port: addr.port },
    setDraining() {
      draining = true;
    },
    close: () => app.close(),
  };
}
