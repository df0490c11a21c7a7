/**
 * The UI bundle behind the token: dist/web files, index.html for client routes, a placeholder
 * until the bundle exists; health and metrics stay open and unchanged. Real HTTP on 127.0.0.1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer } from '../../src/http/server.js';
import { tmpDir } from '../helpers/fixtures.js';

const TOKEN = 'ui-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

async function start(uiDir: string): Promise<{ server: HttpServer; base: string }> {
  const server = await startHttpServer({
    listen: '127.0.0.1:0',
    readiness: () => [{ name: 'feed_connected', ok: true }],
    verbose: () => ({ queue_depth: 0 }),
    metrics: async () => 'ctwatch_up 1\n',
    metricsContentType: 'text/plain; version=0.0.4; charset=utf-8',
    dashboard: { token: TOKEN, uiDir, routes: async () => undefined },
  });
  return { server, base: `http://127.0.0.1:${server.address.port}` };
}

describe('UI bundle', () => {
  let s: { server: HttpServer; base: string };
  beforeAll(async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>ctwatch ui</title><script type="module" src="/app.js"></script>');
    fs.writeFileSync(path.join(dir, 'app.js'), 'console.log("ctwatch");');
    fs.writeFileSync(path.join(dir, 'app.css'), 'body { margin: 0 }');
    s = await start(dir);
  });
  afterAll(() => s.server.close());

  it.each([
    ['/', 'text/html', 'ctwatch ui'],
    ['/hits', 'text/html', 'ctwatch ui'],
    ['/hits/12', 'text/html', 'ctwatch ui'],
    ['/app.js', 'javascript', 'console.log'],
    ['/app.css', 'text/css', 'margin'],
  ])('%s with the token: %s', async (p, type, body) => {
    const r = await fetch(`${s.base}${p}`, { headers: { ...auth, accept: 'text/html,*/*' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain(type);
    expect(r.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(await r.text()).toContain(body);
  });

  it.each(['/', '/app.js', '/app.css', '/hits'])('%s without the token: 401', async (p) => {
    const r = await fetch(`${s.base}${p}`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(401);
    expect(await r.text()).not.toContain('ctwatch ui');
  });

  it('a missing file or API path is a JSON 404, not index.html', async () => {
    for (const p of ['/missing.js', '/api/v1/nothing']) {
      const r = await fetch(`${s.base}${p}`, { headers: auth });
      expect(r.status).toBe(404);
      expect(await r.json()).toEqual({ error: 'not found' });
    }
  });

  it('health and metrics answer as before, without a token', async () => {
    expect(await (await fetch(`${s.base}/livez`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${s.base}/readyz?verbose`);
    expect(ready.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'ready', checks: [{ name: 'feed_connected', ok: true }], queue_depth: 0 });
    const m = await fetch(`${s.base}/metrics`);
    expect(m.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await m.text()).toBe('ctwatch_up 1\n');
    expect((await fetch(`${s.base}/livez`, { method: 'POST' })).status).toBe(405);
  });
});

describe('before the bundle is built', () => {
  it('serves a placeholder page at /', async () => {
    const s = await start(path.join(tmpDir(), 'no-such-dir'));
    try {
      const r = await fetch(`${s.base}/`, { headers: auth });
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('not built yet');
    } finally {
      await s.server.close();
    }
  });
});
