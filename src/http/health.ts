/**
 * /livez, /readyz and /metrics: open (no token), answered exactly as before the move to fastify.
 * /livez: process alive. /readyz: feed connected, a message arrived recently, the database
 * answers; 503 naming the failed check otherwise; `?verbose` adds per-log gaps and queue state.
 * /metrics: Prometheus text.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface HealthOptions {
  readiness: () => ReadinessCheck[];
  verbose: () => Record<string, unknown>;
  metrics: () => Promise<string>;
  metricsContentType: string;
  isDraining: () => boolean;
}

/** Paths served without a token. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/livez', '/readyz', '/metrics']);

export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, opts) => {
  app.get('/livez', async (_req, reply) => sendJson(reply, 200, { status: 'ok' }));
  app.get('/readyz', async (req, reply) => {
    const checks = opts.isDraining() ? [{ name: 'shutdown', ok: false, detail: 'shutting down' }] : opts.readiness();
    const ok = checks.every((c) => c.ok);
    const body: Record<string, unknown> = { status: ok ? 'ready' : 'not ready', checks };
    if (new URL(req.url, 'http://localhost').searchParams.has('verbose')) Object.assign(body, opts.verbose());
    return sendJson(reply, ok ? 200 : 503, body);
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await opts.metrics();
    return reply.code(200).header('content-type', opts.metricsContentType).send(text);
  });
  // Other methods on these paths: 405, as the hand-written server answered.
  for (const url of OPEN_PATHS) {
    app.route({ method: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], url, handler: async (_req, reply) => sendJson(reply, 405, { error: 'method not allowed' }) });
  }
};

/** JSON with the headers every JSON answer carries (never cached: it may hold private data). */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(body));
}
