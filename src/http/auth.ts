/**
 * Access to everything but /livez, /readyz and /metrics: the dashboard token, either as the
 * session cookie set by `GET /?token=T` or as `Authorization: Bearer T`. Wrong or missing: 401
 * and no data. State-changing requests must also come from the server's own origin (a page on
 * another site cannot triage through the user's browser), or carry the Bearer token and no
 * Origin (scripts). Tokens are compared in constant time and never logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { sameSecret, sessionValue } from './token.js';
import { OPEN_PATHS, sendJson } from './health.js';

export const SESSION_COOKIE = 'ctwatch_session';

const UNAUTHORIZED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ctwatch: sign in</title></head>
<body><h1>ctwatch</h1><p>This dashboard needs its access token. Open the URL printed by <code>ctwatch dashboard</code>.</p></body></html>
`;

type AuthKind = 'cookie' | 'bearer' | null;

/** Registers the cookie parser, the login route and the access check on every request. */
export async function registerAuth(app: FastifyInstance, token: string): Promise<void> {
  await app.register(fastifyCookie);
  const session = sessionValue(token);

  const authOf = (req: FastifyRequest): AuthKind => {
    const h = req.headers.authorization;
    if (typeof h === 'string' && /^Bearer /i.test(h) && sameSecret(h.slice(7).trim(), token)) return 'bearer';
    const c = req.cookies[SESSION_COOKIE];
    if (typeof c === 'string' && sameSecret(c, session)) return 'cookie';
    return null;
  };

  app.addHook('onRequest', async (req, reply) => {
    const url = new URL(req.url, 'http://localhost');
    if (OPEN_PATHS.has(url.pathname)) return;
    // Log in: the token in the URL becomes a session cookie, and the URL loses the token.
    if (url.pathname === '/' && url.searchParams.has('token') && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!sameSecret(url.searchParams.get('token') ?? '', token)) return unauthorized(req, reply);
      return reply
        .setCookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'strict', path: '/' })
        .header('cache-control', 'no-store')
        .redirect('/', 303);
    }
    const kind = authOf(req);
    if (kind === null) return unauthorized(req, reply);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      const own = `${req.protocol}://${req.headers.host ?? ''}`;
      const ok = origin === undefined ? kind === 'bearer' : origin === own;
      if (!ok) return sendJson(reply, 403, { error: 'forbidden: cross-origin request' });
    }
  });
}

function unauthorized(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (req.url.startsWith('/api/')) return sendJson(reply, 401, { error: 'unauthorized' });
  return reply.code(401).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(UNAUTHORIZED_PAGE);
}
