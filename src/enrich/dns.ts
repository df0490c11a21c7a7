/**
 * DNS look-ups through node:dns `Resolver` (c-ares, not the OS resolver), so servers and timeouts
 * are ctwatch's configuration: A, AAAA, CNAME, NS and MX of one name, each query independent.
 * NXDOMAIN (ENOTFOUND) and SERVFAIL (ESERVFAIL) are recorded as such, never thrown.
 */
import { Resolver } from 'node:dns/promises';
import type { DnsRecord, DnsStatus } from './types.js';

export interface DnsOptions {
  /** "ip" or "ip:port" entries; empty = the system's resolvers. */
  servers?: readonly string[];
  /** Per-try timeout, and tries per query (c-ares). */
  timeoutMs: number;
  tries: number;
}

type RecordType = 'a' | 'aaaa' | 'cname' | 'ns' | 'mx';

export class DnsLookup {
  private readonly resolver: Resolver;

  constructor(opts: DnsOptions) {
    this.resolver = new Resolver({ timeout: opts.timeoutMs, tries: opts.tries });
    if (opts.servers && opts.servers.length) this.resolver.setServers([...opts.servers]);
  }

  /** A and AAAA addresses of `name` (for the web check). Resolves [] when there are none; never throws. */
  async addresses(name: string): Promise<{ address: string; family: 4 | 6 }[]> {
    const [a, aaaa] = await Promise.all([
      this.resolver.resolve4(name).catch(() => [] as string[]),
      this.resolver.resolve6(name).catch(() => [] as string[]),
    ]);
    return [...a.map((address) => ({ address, family: 4 as const })), ...aaaa.map((address) => ({ address, family: 6 as const }))];
  }

  /** Every record type of `name`. Never throws: failures are in `status` and `errors`. */
  async lookup(name: string): Promise<DnsRecord> {
    const r = this.resolver;
    const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: { code?: string }) => ({ ok: false as const, code: String(e?.code ?? 'EUNKNOWN') }));
    const [a, aaaa, cname, ns, mx] = await Promise.all([
      settle(r.resolve4(name)),
      settle(r.resolve6(name)),
      settle(r.resolveCname(name)),
      settle(r.resolveNs(name)),
      settle(r.resolveMx(name)),
    ]);
    const rec: DnsRecord = { name, status: 'nodata', a: [], aaaa: [], cname: [], ns: [], mx: [], errors: {} };
    const codes: string[] = [];
    const take = <T>(type: RecordType, res: { ok: true; v: T[] } | { ok: false; code: string }, put: (v: T[]) => void) => {
      if (res.ok) put(res.v);
      else if (res.code !== 'ENODATA') {
        rec.errors[type] = res.code;
        codes.push(res.code);
      }
    };
    take('a', a, (v) => (rec.a = v));
    take('aaaa', aaaa, (v) => (rec.aaaa = v));
    take('cname', cname, (v) => (rec.cname = v));
    take('ns', ns, (v) => (rec.ns = v));
    take('mx', mx, (v) => (rec.mx = v.map((m) => ({ exchange: m.exchange, priority: m.priority }))));
    rec.status = overallStatus(rec, codes);
    return rec;
  }

  /** Cancels queries in flight (they reject with ECANCELLED). */
  cancel(): void {
    this.resolver.cancel();
  }
}

/** NXDOMAIN wins (the name does not exist); then any answer; then the first failure kind. */
function overallStatus(rec: DnsRecord, codes: string[]): DnsStatus {
  if (codes.includes('ENOTFOUND')) return 'nxdomain';
  if (rec.a.length || rec.aaaa.length || rec.cname.length || rec.ns.length || rec.mx.length) return 'ok';
  if (codes.includes('ESERVFAIL')) return 'servfail';
  if (codes.includes('ETIMEOUT')) return 'timeout';
  if (codes.length) return 'error';
  return 'nodata';
}

/** Whether a record shows the name resolving (an address or an alias). */
export function resolves(r: DnsRecord): boolean {
  return r.a.length > 0 || r.aaaa.length > 0 || r.cname.length > 0;
}

/** Mail exchangers that accept mail: a null MX ("." / "", RFC 7505) means the domain takes none. */
export function mailExchangers(r: DnsRecord): string[] {
  return r.mx.map((m) => m.exchange).filter((x) => x !== '' && x !== '.');
}
