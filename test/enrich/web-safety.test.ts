/**
 * Issue 17, point 2: a name that resolves to 127.0.0.1, 10.0.0.1, 169.254.169.254 or ::1, or
 * redirects there, is never fetched when allow_private is off. Checked at the socket level:
 * counting servers on 127.0.0.1 and ::1 accept no connection, and no socket ever tries to
 * connect to a refused address (net.Socket.prototype.connect is watched).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isPublicAddress } from '../../src/enrich/address-policy.js';
import { DnsLookup } from '../../src/enrich/dns.js';
import { WebFetcher } from '../../src/enrich/web.js';
import { recordConnects, startDnsServer, startWebServer, type Zone } from './servers.js';

type Srv = Awaited<ReturnType<typeof startWebServer>>;

describe('web check safety (allow_private off)', () => {
  const zones = new Map<string, Zone>([
    ['loop.com', { a: ['127.0.0.1'] }],
    ['ten.com', { a: ['10.0.0.1'] }],
    ['metadata.com', { a: ['169.254.169.254'] }],
    ['six.com', { aaaa: ['::1'] }],
    ['mapped.com', { aaaa: ['::ffff:127.0.0.1'] }],
    ['cgnat.com', { a: ['100.64.0.1'] }],
  ]);
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let lookup: DnsLookup;
  let v4: Srv; // counts connections on 127.0.0.1
  let v6: Srv; // counts connections on ::1
  let redirectV6: Srv; // first hop on ::1 (allowed only by the redirect tests' policy)
  let redirectV4: Srv; // first hop on 127.0.0.1 (allowed only by the ::1 redirect test's policy)
  let location = '';
  const targets: string[] = [];
  const counted = () => v4.connections() + v6.connections();

  beforeAll(async () => {
    dns = await startDnsServer(zones);
    lookup = new DnsLookup({ servers: [dns.server], timeoutMs: 500, tries: 1 });
    const page = (_req: unknown, res: import('node:http').ServerResponse) => res.end('<title>internal</title>');
    const redirect = (_req: unknown, res: import('node:http').ServerResponse) => res.writeHead(302, { location }).end();
    v4 = await startWebServer({ host: '127.0.0.1', handler: page });
    v6 = await startWebServer({ host: '::1', handler: page });
    redirectV6 = await startWebServer({ host: '::1', handler: redirect });
    redirectV4 = await startWebServer({ host: '127.0.0.1', handler: redirect });
    recordConnects((host) => targets.push(String(host)));
  });
  afterEach(() => {
    targets.length = 0;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    lookup.cancel();
    await Promise.all([dns.close(), v4.close(), v6.close(), redirectV6.close(), redirectV4.close()]);
  });

  const fetcher = (policy: (ip: string) => boolean, port: number) =>
    new WebFetcher({ resolve: (n) => lookup.addresses(n), policy, userAgent: 'ctwatch-test', timeoutMs: 2_000, maxBytes: 65_536, maxRedirects: 5, ports: { https: port, http: port } });

  it.each([
    ['loop.com', '127.0.0.1', 'v4'],
    ['ten.com', '10.0.0.1', 'v4'],
    ['metadata.com', '169.254.169.254', 'v4'],
    ['cgnat.com', '100.64.0.1', 'v4'],
    ['six.com', '::1', 'v6'],
    ['mapped.com', '::ffff:127.0.0.1', 'v4'],
  ])('%s (resolves to %s) is not fetched', async (name, address, family) => {
    const r = await fetcher(isPublicAddress, family === 'v4' ? v4.port : v6.port).fetchName(name, null);
    expect(r).toMatchObject({ status: 'refused', address, http_status: null });
    expect(counted()).toBe(0);
    expect(targets).toEqual([]);
  });

  it.each([
    ['127.0.0.1 literal', () => `http://127.0.0.1:${v4.port}/`],
    ['a name resolving to 127.0.0.1', () => `http://loop.com:${v4.port}/admin`],
    ['10.0.0.1', () => 'http://10.0.0.1/'],
    ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['v4-mapped ::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${v4.port}/`],
  ])('a redirect to %s is not followed', async (_what, to) => {
    location = to();
    // The first hop (on ::1) is allowed by this test's policy only, so the redirect is reached.
    const before = redirectV6.connections();
    const r = await fetcher((ip) => ip === '::1' || isPublicAddress(ip), redirectV6.port).fetchUrl(`http://redirector.test:${redirectV6.port}/`.replace('redirector.test', '[::1]'), null);
    expect(redirectV6.connections()).toBe(before + 1);
    expect(r).toMatchObject({ status: 'refused', redirects: 1, http_status: 302 });
    expect(counted()).toBe(0);
    expect(targets).toEqual(['::1']);
  });

  it.each([
    ['::1 literal', () => `https://[::1]:${v6.port}/`],
    ['a name resolving to ::1', () => `http://six.com:${v6.port}/`],
  ])('a redirect to %s is not followed', async (_what, to) => {
    location = to();
    const before = redirectV4.connections();
    const r = await fetcher((ip) => ip === '127.0.0.1' || isPublicAddress(ip), redirectV4.port).fetchUrl(`http://127.0.0.1:${redirectV4.port}/`, null);
    expect(redirectV4.connections()).toBe(before + 1);
    expect(r).toMatchObject({ status: 'refused', redirects: 1 });
    expect(counted()).toBe(0);
    expect(targets).toEqual(['127.0.0.1']);
  });

  it('control: with the address allowed, the same page is fetched (the test can fail)', async () => {
    const r = await fetcher((ip) => ip === '127.0.0.1', v4.port).fetchName('loop.com', null);
    // HTTPS first (this server speaks plain HTTP, so the handshake fails), then HTTP, then the
    // live page's /favicon.ico (pinned to the same checked address).
    expect(r).toMatchObject({ url: 'http://loop.com/', status: 'ok', http_status: 200, title: 'internal', address: '127.0.0.1', favicon_url: 'http://loop.com/favicon.ico' });
    expect(r.favicon_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v4.connections()).toBe(3);
    expect(targets).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });
});
