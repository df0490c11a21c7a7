/**
 * RDAP redirects that leave the bootstrap server's host get the web check's address rules: with
 * allow_private off, a redirect to loopback, private, link-local or v4-mapped addresses (as a
 * literal or through a name) is not followed. Everything here runs on loopback, so, as in
 * web-safety.test.ts, the bootstrap server itself (127.0.0.1, the trusted first hop) is allowed
 * by construction and the refusal is observed at the socket: counting servers on 127.0.0.1 and
 * ::1 accept no connection and no socket connects anywhere but the bootstrap server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isPublicAddress } from '../../src/enrich/address-policy.js';
import { DnsLookup } from '../../src/enrich/dns.js';
import { RdapBootstrap } from '../../src/enrich/rdap-bootstrap.js';
import { RdapClient } from '../../src/enrich/rdap.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { tmpDir } from '../helpers/fixtures.js';
import { CertFactory } from '../helpers/cert-factory.js';
import { certPem, rdapDomain, recordConnects, startDnsServer, startWebServer, writeBootstrap, type Zone } from './servers.js';

type Srv = Awaited<ReturnType<typeof startWebServer>>;

describe('RDAP redirects (allow_private off)', () => {
  const zones = new Map<string, Zone>([
    ['loop.com', { a: ['127.0.0.1'] }],
    ['six.com', { aaaa: ['::1'] }],
  ]);
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let lookup: DnsLookup;
  const rdap = new HttpReceiver();
  let location = '';
  let v4: Srv; // another port on 127.0.0.1: leaving the bootstrap server's host:port
  let v6: Srv; // ::1
  let tls: Srv; // HTTPS on 127.0.0.1 with a certificate for loop.com from an untrusted test CA
  const targets: string[] = [];
  const counted = () => v4.connections() + v6.connections();

  beforeAll(async () => {
    dns = await startDnsServer(zones);
    lookup = new DnsLookup({ servers: [dns.server], timeoutMs: 500, tries: 1 });
    rdap.respond = (req) =>
      req.url.startsWith('/v1/')
        ? { status: 200, headers: { 'content-type': 'application/rdap+json' }, body: JSON.stringify(rdapDomain('x.com', new Date(Date.now() - 3 * 86_400_000), 'Home Registrar')) }
        : { status: 302, headers: { location } };
    await rdap.start();
    const answer = (_req: unknown, res: import('node:http').ServerResponse) =>
      res.writeHead(200, { 'content-type': 'application/rdap+json' }).end(JSON.stringify(rdapDomain('x.com', new Date(Date.now() - 3 * 86_400_000), 'Internal Registrar')));
    v4 = await startWebServer({ host: '127.0.0.1', handler: answer });
    v6 = await startWebServer({ host: '::1', handler: answer });
    const factory = await CertFactory.create();
    tls = await startWebServer({ host: '127.0.0.1', tls: { cert: certPem((await factory.issue(['loop.com'], new Date(Date.now() - 86_400_000))).final), key: await factory.leafKeyPem() }, handler: answer });
    recordConnects((host, port) => targets.push(`${host}:${port}`));
  });
  afterEach(() => {
    targets.length = 0;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    lookup.cancel();
    await Promise.all([dns.close(), rdap.stop(), v4.close(), v6.close(), tls.close()]);
  });

  const client = (policy: (ip: string) => boolean) => {
    const b = new RdapBootstrap();
    b.loadFile(writeBootstrap(tmpDir(), ['com'], `http://127.0.0.1:${rdap.port}/`));
    return new RdapClient({ bootstrap: b, timeoutMs: 2_000, minIntervalMs: 0, userAgent: 'ctwatch-test', policy, resolve: (n) => lookup.addresses(n) });
  };

  it.each([
    ['127.0.0.1 on another port', () => `http://127.0.0.1:${v4.port}/domain/x.com`],
    ['::1', () => `http://[::1]:${v6.port}/domain/x.com`],
    ['a name resolving to 127.0.0.1', () => `http://loop.com:${v4.port}/domain/x.com`],
    ['a name resolving to ::1', () => `http://six.com:${v6.port}/domain/x.com`],
    ['v4-mapped ::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${v4.port}/domain/x.com`],
    ['10.0.0.1', () => 'http://10.0.0.1/domain/x.com'],
    ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('a redirect to %s is not followed', async (_what, to) => {
    location = to();
    const before = rdap.requests.length;
    const r = await client(isPublicAddress).lookup('x.com');
    expect(r).toMatchObject({ status: 'error', registrar: null });
    expect(r.error).toMatch(/^redirect to .* refused/);
    expect(rdap.requests.length).toBe(before + 1);
    expect(counted()).toBe(0);
    expect(targets.every((t) => t === `127.0.0.1:${rdap.port}`)).toBe(true);
  });

  it('a redirect on the bootstrap server itself is followed', async () => {
    location = '/v1/domain/x.com';
    expect(await client(isPublicAddress).lookup('x.com')).toMatchObject({ status: 'ok', registrar: 'Home Registrar' });
  });

  it('control: with the address allowed, the redirect is followed, pinned to the checked address, the name in Host (the test can fail)', async () => {
    location = `http://loop.com:${v4.port}/domain/x.com`;
    const r = await client((ip) => ip === '127.0.0.1').lookup('x.com');
    expect(r).toMatchObject({ status: 'ok', registrar: 'Internal Registrar', age_days: 3 });
    expect(v4.connections()).toBe(1);
    expect(v4.requests.at(-1)!.headers.host).toBe(`loop.com:${v4.port}`);
    expect(targets).toContain(`127.0.0.1:${v4.port}`);
    expect(targets.some((t) => t.startsWith('loop.com'))).toBe(false);
  });

  it('an allowed HTTPS target is still certificate-checked against its name (pinning does not switch verification off)', async () => {
    location = `https://loop.com:${tls.port}/domain/x.com`;
    const r = await client((ip) => ip === '127.0.0.1').lookup('x.com');
    expect(r).toMatchObject({ status: 'error', registrar: null });
    expect(r.error).toMatch(/^network: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)$/);
    expect(tls.connections()).toBe(1); // it connected (to the checked address) ...
    expect(tls.requests.length).toBe(0); // ... and sent nothing over an unverified channel
  });

  it('redirect loops end after a bounded number of hops', async () => {
    location = '/domain/x.com';
    const before = rdap.requests.length;
    expect(await client(isPublicAddress).lookup('x.com')).toMatchObject({ status: 'error', error: 'more than 3 redirects' });
    expect(rdap.requests.length).toBe(before + 4);
  });
});
