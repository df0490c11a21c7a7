/** DNS look-ups against a real UDP DNS server on 127.0.0.1: A, MX, NXDOMAIN, SERVFAIL, slow. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsLookup, mailExchangers, resolves } from '../../src/enrich/dns.js';
import { startDnsServer, type Zone } from './servers.js';

describe('DnsLookup', () => {
  const zones = new Map<string, Zone>([
    ['paypal-login.com', { a: ['203.0.113.7'], aaaa: ['2001:db8::7'], mx: [{ exchange: 'mx1.paypal-login.com', priority: 10 }], ns: ['ns1.parking.example'] }],
    ['alias.paypal-login.com', { cname: 'paypal-login.com' }],
    ['nomail.example.com', { a: ['203.0.113.8'], mx: [{ exchange: '', priority: 0 }] }],
    ['broken.com', { rcode: 'SERVFAIL' }],
    ['slow.com', { silent: true }],
    ['empty.com', {}],
  ]);
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let lookup: DnsLookup;

  beforeAll(async () => {
    dns = await startDnsServer(zones);
    lookup = new DnsLookup({ servers: [dns.server], timeoutMs: 300, tries: 1 });
  });
  afterAll(async () => {
    lookup.cancel();
    await dns.close();
  });

  it.each([
    ['A, AAAA, MX, NS', 'paypal-login.com', { status: 'ok', a: ['203.0.113.7'], aaaa: ['2001:db8::7'], mx: [{ exchange: 'mx1.paypal-login.com', priority: 10 }], ns: ['ns1.parking.example'] }],
    ['CNAME', 'alias.paypal-login.com', { status: 'ok', cname: ['paypal-login.com'] }],
    ['NXDOMAIN', 'unregistered-paypal.com', { status: 'nxdomain', a: [], mx: [] }],
    ['SERVFAIL', 'broken.com', { status: 'servfail', a: [] }],
    ['slow (no answer)', 'slow.com', { status: 'timeout', a: [] }],
    ['no records', 'empty.com', { status: 'nodata', a: [] }],
  ])('%s', async (_what, name, expected) => {
    const r = await lookup.lookup(name);
    expect(r).toMatchObject({ name, ...expected });
  });

  it('records which query failed how', async () => {
    expect((await lookup.lookup('broken.com')).errors).toMatchObject({ a: 'ESERVFAIL', mx: 'ESERVFAIL' });
    expect((await lookup.lookup('unregistered-paypal.com')).errors.a).toBe('ENOTFOUND');
  });

  it('a null MX means no mail; an address or alias means resolving', async () => {
    const r = await lookup.lookup('nomail.example.com');
    expect(mailExchangers(r)).toEqual([]);
    expect(resolves(r)).toBe(true);
    expect(resolves(await lookup.lookup('unregistered-paypal.com'))).toBe(false);
  });
});
