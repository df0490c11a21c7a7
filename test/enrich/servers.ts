/**
 * Real servers on loopback for the enrichment tests: a UDP DNS server (dns-packet), an RDAP
 * server answering RFC 9083 shapes, and an HTTPS server with a freshly generated certificate.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import dnsPacket from 'dns-packet';
import { vi } from 'vitest';

export interface Zone {
  a?: string[];
  aaaa?: string[];
  mx?: { exchange: string; priority: number }[];
  ns?: string[];
  cname?: string;
  /** Answer every query for the name with this response code. */
  rcode?: 'NXDOMAIN' | 'SERVFAIL';
  /** Never answer (the resolver times out). */
  silent?: boolean;
}

const RCODE = { NXDOMAIN: 3, SERVFAIL: 2 };

/** A DNS server on 127.0.0.1 (UDP) answering from `zones` (mutable: tests change answers). NXDOMAIN for unknown names. */
export async function startDnsServer(zones: Map<string, Zone>): Promise<{ port: number; server: string; queries: string[]; close(): Promise<void> }> {
  const sock = dgram.createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    let q: dnsPacket.Packet;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    queries.push(`${question.type} ${name}`);
    const z = zones.get(name);
    if (z?.silent) return;
    const answers: dnsPacket.Answer[] = [];
    let flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE;
    if (!z) flags |= RCODE.NXDOMAIN;
    else if (z.rcode) flags |= RCODE[z.rcode];
    else {
      const base = { name: question.name, ttl: 60, class: 'IN' as const };
      if (question.type === 'A') for (const ip of z.a ?? []) answers.push({ ...base, type: 'A', data: ip });
      if (question.type === 'AAAA') for (const ip of z.aaaa ?? []) answers.push({ ...base, type: 'AAAA', data: ip });
      if (question.type === 'MX') for (const m of z.mx ?? []) answers.push({ ...base, type: 'MX', data: { exchange: m.exchange, preference: m.priority } });
      if (question.type === 'NS') for (const n of z.ns ?? []) answers.push({ ...base, type: 'NS', data: n });
      if (question.type === 'CNAME' && z.cname) answers.push({ ...base, type: 'CNAME', data: z.cname });
    }
    const out = dnsPacket.encode({ type: 'response', id: q.id, flags, questions: q.questions, answers });
    sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = (sock.address() as AddressInfo).port;
  return { port, server: `127.0.0.1:${port}`, queries, close: () => new Promise((r) => sock.close(() => r())) };
}

/** An RFC 9083 domain object as a registry (Verisign-like) answers it. */
export function rdapDomain(name: string, created: Date, registrar: string): Record<string, unknown> {
  return {
    objectClassName: 'domain',
    rdapConformance: ['rdap_level_0', 'icann_rdap_response_profile_0', 'icann_rdap_technical_implementation_guide_0'],
    handle: '2938475610_DOMAIN_COM-VRSN',
    ldhName: name.toUpperCase(),
    links: [{ value: `https://rdap.example/domain/${name}`, rel: 'self', href: `https://rdap.example/domain/${name}`, type: 'application/rdap+json' }],
    status: ['client delete prohibited', 'client transfer prohibited'],
    entities: [
      {
        objectClassName: 'entity',
        handle: '1068',
        roles: ['registrar'],
        publicIds: [{ type: 'IANA Registrar ID', identifier: '1068' }],
        vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', registrar]]],
        entities: [
          {
            objectClassName: 'entity',
            roles: ['abuse'],
            vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', ''], ['tel', { type: 'voice' }, 'uri', 'tel:+1.5555555555'], ['email', {}, 'text', 'abuse@registrar.example']]],
          },
        ],
      },
    ],
    events: [
      { eventAction: 'registration', eventDate: created.toISOString().replace(/\.\d+Z$/, 'Z') },
      { eventAction: 'expiration', eventDate: new Date(created.getTime() + 365 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z') },
      { eventAction: 'last changed', eventDate: created.toISOString().replace(/\.\d+Z$/, 'Z') },
      { eventAction: 'last update of RDAP database', eventDate: '2026-12-06T01:00:00Z' },
    ],
    secureDNS: { delegationSigned: false },
    nameservers: [{ objectClassName: 'nameserver', ldhName: 'NS1.PARKING.EXAMPLE' }],
    notices: [{ title: 'Terms of Use', description: ['Service subject to Terms of Use.'], links: [{ href: 'https://www.example/terms', type: 'text/html' }] }],
  };
}

/** RFC 9083 error response. */
export function rdapError(code: number, title: string): Record<string, unknown> {
  return { errorCode: code, title, description: [title] };
}

/** A bootstrap file (IANA dns.json format) sending `tlds` to `base`. Returns its path. */
export function writeBootstrap(dir: string, tlds: string[], base: string): string {
  const file = path.join(dir, 'rdap-dns.json');
  fs.writeFileSync(file, JSON.stringify({ version: '1.0', publication: '2026-12-06T00:00:00Z', services: [[tlds, [base]]] }));
  return file;
}

/** An HTTPS (or HTTP) server on `host`, counting accepted connections. */
export async function startWebServer(opts: {
  host?: string;
  port?: number;
  tls?: { cert: string; key: string };
  handler: http.RequestListener;
}): Promise<{ port: number; connections: () => number; requests: http.IncomingMessage[]; close(): Promise<void> }> {
  const requests: http.IncomingMessage[] = [];
  const handler: http.RequestListener = (req, res) => {
    requests.push(req);
    opts.handler(req, res);
  };
  const server: net.Server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
  let count = 0;
  server.on('connection', () => count++);
  await new Promise<void>((r) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    requests,
    close: () =>
      new Promise((r) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** PEM of a DER certificate. */
export function certPem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Spies on every outgoing TCP connect (net.Socket#connect, which http, https and tls use) and
 * tells `seen` where it went, then connects as usual. Undone by vi.restoreAllMocks().
 */
export function recordConnects(seen: (host: string | undefined, port: number | undefined) => void): void {
  const original = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    const o = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number } | undefined;
    seen(o?.host, o?.port);
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  });
}
