import net from 'node:net';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyNetError, describeNetError } from '../../src/log/net-error.js';

/** What fetch throws for `url` (real sockets on loopback). */
async function fetchError(url: string, timeoutMs = 5_000): Promise<unknown> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    return e;
  }
  throw new Error('fetch did not fail');
}

describe('describeNetError', () => {
  let closedPort = 0;
  let silent: net.Server;
  let garbage: net.Server;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    const tmp = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => tmp.once('listening', r));
    closedPort = (tmp.address() as net.AddressInfo).port;
    await new Promise((r) => tmp.close(r));
    silent = net.createServer((s) => sockets.push(s)).listen(0, '127.0.0.1');
    garbage = net.createServer((s) => s.end('not tls at all\r\n\r\n')).listen(0, '127.0.0.1');
    await Promise.all([silent, garbage].map((s) => new Promise((r) => (s.listening ? r(null) : s.once('listening', r)))));
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    silent.close();
    garbage.close();
  });

  it('names a refused connection', async () => {
    const e = await fetchError(`http://127.0.0.1:${closedPort}/`);
    expect(classifyNetError(e).kind).toBe('refused');
    expect(describeNetError(e)).toBe('connection refused (ECONNREFUSED)');
  });

  it('names a DNS failure (a real failed lookup, answered on this machine)', async () => {
    // node:http with a lookup that fails like getaddrinfo: no query leaves the machine.
    const e = await new Promise<unknown>((resolve) => {
      const req = http.get({ host: 'no-such-host.invalid', port: 80, lookup: (_h: string, _o: unknown, cb: (err: Error) => void) => cb(Object.assign(new Error('getaddrinfo ENOTFOUND no-such-host.invalid'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' })) });
      req.on('error', resolve);
    });
    expect(classifyNetError(e).kind).toBe('dns');
    expect(describeNetError(e)).toBe('DNS lookup failed (ENOTFOUND)');
    const wrapped = new TypeError('fetch failed', { cause: e });
    expect(describeNetError(wrapped)).toBe('DNS lookup failed (ENOTFOUND)');
  });

  it('names a timeout', async () => {
    const e = await fetchError(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`, 200);
    expect(classifyNetError(e).kind).toBe('timeout');
    expect(describeNetError(e)).toBe('timed out');
  });

  it('names a TLS failure', async () => {
    const e = await fetchError(`https://127.0.0.1:${(garbage.address() as net.AddressInfo).port}/`);
    expect(classifyNetError(e).kind).toBe('tls');
    expect(describeNetError(e)).toMatch(/^TLS handshake failed \(/);
  });

  it.each([
    [Object.assign(new Error('GET x answered 503'), { status: 503 }), 'HTTP status 503'],
    [Object.assign(new Error('wrapped'), { code: 'network', cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }), 'connection reset (ECONNRESET)'],
    [Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }), 'network unreachable (EHOSTUNREACH)'],
    [Object.assign(new Error('x'), { code: 'ESOMETHING' }), 'request failed (ESOMETHING)'],
    [new Error('secret https://user:token@host/'), 'request failed'],
    ['a string', 'request failed'],
    [null, 'request failed'],
  ])('classifies %s', (err, text) => {
    expect(describeNetError(err)).toBe(text);
  });

  it('never repeats the message (it may quote a URL with a token)', () => {
    const e = new TypeError('fetch failed https://u:SECRET@h/', { cause: Object.assign(new Error('connect ECONNREFUSED SECRET'), { code: 'ECONNREFUSED' }) });
    expect(describeNetError(e)).not.toContain('SECRET');
  });
});
