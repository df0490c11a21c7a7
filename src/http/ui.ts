/**
 * The dashboard's static files: the bundle in dist/web/ (index.html, app.js, app.css, ...),
 * served behind the token (the access check runs first). index.html answers `/` and every
 * other browser navigation that is not an API path or a file (client-side routes). When the
 * bundle was not built when the daemon started, a small placeholder page does (restart after building).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from './health.js';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ctwatch</title></head>
<body><h1>ctwatch</h1><p>The dashboard is not built yet (run <code>npm run build</code>). The JSON API is at <code>/api/v1/</code>.</p></body></html>
`;

/** dist/web of the package this file belongs to (from src/http or dist/src/http alike). */
export function defaultUiDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'web');
    dir = path.dirname(dir);
  }
  return path.resolve('dist', 'web');
}

export async function registerUi(app: FastifyInstance, uiDir: string): Promise<void> {
  // Without a bundle at start, the placeholder answers until the next start (and the static-file
  // plugin is not even loaded: it is a good part of the start-up time).
  const hasBundle = fs.existsSync(path.join(uiDir, 'index.html'));
  const sendIndex = (reply: FastifyReply) =>
    hasBundle
      ? reply.header('cache-control', 'no-store').sendFile('index.html', uiDir)
      : reply.code(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(PLACEHOLDER);
  if (hasBundle) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: uiDir, prefix: '/', index: false, wildcard: true, cacheControl: false, decorateReply: true });
  }
  app.get('/', async (_req, reply) => sendIndex(reply));
  app.setNotFoundHandler(async (req: FastifyRequest, reply: FastifyReply) => {
    const navigation = (req.method === 'GET' || req.method === 'HEAD') && !req.url.startsWith('/api/') && String(req.headers.accept ?? '').includes('text/html');
    if (navigation) return sendIndex(reply);
    return sendJson(reply, 404, { error: 'not found' });
  });
}
