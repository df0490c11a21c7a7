/**
 * Registration data over RDAP (RFC 9083): creation date (the "registration" event), registrar
 * (the entity with role "registrar", its vCard "fn"), status. Per-server pacing: at most one
 * request per `minIntervalMs` to one server, and after a 429 nothing to that server before its
 * Retry-After has passed. Never throws: failures are in the record's status and error.
 *
 * Redirects (at most MAX_REDIRECTS) are followed by hand: a hop on the bootstrap server's own host
 * (host and port) goes as the first request did; a hop that leaves it is treated like the web
 * check's hops (the target is attacker-influenced: a registry may point to a registrar's server):
 * resolved, checked against the AddressPolicy (public unicast only unless allow_private), and
 * connected to the checked address only (pinned; TLS still verified against the name).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { lookup as osLookup } from 'node:dns/promises';
import { Readable } from 'node:stream';
import { parseRetryAfter } from '../notify/providers/http-delivery.js';
import { AddressRefused, checkedAddress, isPublicAddress, type AddressPolicy, type Resolve } from './address-policy.js';
import type { RdapBootstrap } from './rdap-bootstrap.js';
import type { RegistrationRecord } from './types.js';

export interface RdapOptions {
  bootstrap: RdapBootstrap;
  timeoutMs: number;
  minIntervalMs: number;
  userAgent: string;
  /** Longest Retry-After ctwatch waits for inside one look-up; longer = 'rate_limited' now. */
  maxWaitMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** Which addresses a redirect off the bootstrap server's host may connect to (default: public unicast only). */
  policy?: AddressPolicy;
  /** A and AAAA addresses of a redirect target's name (default: the operating system's resolver). */
  resolve?: Resolve;
}

/** Redirects followed per request. */
export const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

class RedirectRefused extends Error {}

/** Without a Retry-After, a 429 keeps a server off for this long. */
const DEFAULT_BACKOFF_MS = 60_000;
const MAX_BODY = 256 * 1024;

export class RdapClient {
  private readonly nextAt = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: RdapOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Looks `domain` up (a registrable domain). Never throws. */
  async lookup(domain: string): Promise<RegistrationRecord> {
    const rec: RegistrationRecord = { domain, status: 'error', server: null, created: null, age_days: null, registrar: null, statuses: [], error: null };
    const servers = this.opts.bootstrap.serversFor(domain);
    if (!servers.length) return { ...rec, status: 'unsupported_tld' };
    const base = servers[0]!;
    rec.server = base;
    const key = new URL(base).host;
    for (let attempt = 0; attempt < 2; attempt++) {
      const wait = (this.nextAt.get(key) ?? 0) - this.now();
      if (wait > (this.opts.maxWaitMs ?? 2_000)) return { ...rec, status: 'rate_limited', error: `server busy for ${Math.ceil(wait / 1000)} s` };
      if (wait > 0) await sleep(wait);
      this.nextAt.set(key, Math.max(this.nextAt.get(key) ?? 0, this.now() + this.opts.minIntervalMs));
      let res: Response;
      try {
        res = await this.get(`${base}domain/${encodeURIComponent(domain)}`, AbortSignal.timeout(this.opts.timeoutMs));
      } catch (err) {
        if (err instanceof RedirectRefused) return { ...rec, error: err.message };
        const name = (err as Error)?.name;
        return { ...rec, error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : `network: ${(err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code ?? name ?? 'error'}` };
      }
      if (res.status === 429) {
        await res.body?.cancel();
        const after = parseRetryAfter(res.headers.get('retry-after'), this.now()) ?? DEFAULT_BACKOFF_MS;
        this.nextAt.set(key, Math.max(this.nextAt.get(key) ?? 0, this.now() + after));
        continue;
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return { ...rec, status: 'not_found' };
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { ...rec, error: `HTTP ${res.status}` };
      }
      const text = await readCapped(res, MAX_BODY);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { ...rec, error: 'answer is not JSON' };
      }
      return { ...rec, ...parseDomain(body, this.now()), status: 'ok' };
    }
    const wait = (this.nextAt.get(key) ?? 0) - this.now();
    return { ...rec, status: 'rate_limited', error: `HTTP 429, retry after ${Math.ceil(Math.max(0, wait) / 1000)} s` };
  }

  /** GET `start`, following redirects as the header comment says. Throws RedirectRefused or a network error. */
  private async get(start: string, signal: AbortSignal): Promise<Response> {
    const headers = { accept: 'application/rdap+json, application/json', 'user-agent': this.opts.userAgent };
    let url = new URL(start);
    const home = url.host;
    for (let hop = 0; ; hop++) {
      const res = url.host === home ? await (this.opts.fetch ?? fetch)(url.href, { headers, signal, redirect: 'manual' }) : await this.pinnedGet(url, headers, signal);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null) return res;
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new RedirectRefused(`more than ${MAX_REDIRECTS} redirects`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new RedirectRefused('redirect to an invalid URL');
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new RedirectRefused('redirect to a non-HTTP URL');
      next.username = '';
      next.password = '';
      url = next;
    }
  }

  /** One GET of `url` (off the bootstrap server's host) connected to a checked address only. */
  private async pinnedGet(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    let pin: { address: string; family: 4 | 6 };
    try {
      pin = await checkedAddress(url.hostname, this.opts.resolve ?? resolveOs, this.opts.policy ?? isPublicAddress);
    } catch (err) {
      if (err instanceof AddressRefused) throw new RedirectRefused(`redirect to ${url.host} refused: ${err.message}`);
      throw err;
    }
    return new Promise<Response>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(
        {
          // Connect to the checked address only; the name stays in Host, SNI and the certificate check.
          host: pin.address,
          family: pin.family,
          port: url.port ? Number(url.port) : secure ? 443 : 80,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: { ...headers, host: url.host },
          signal,
          agent: false,
          ...(secure && !net.isIP(url.hostname.replace(/^\[|\]$/g, '')) ? { servername: url.hostname } : {}),
        },
        (res) => {
          const h = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 502;
          const empty = status === 204 || status === 304 || status < 200 || status > 599;
          if (empty) res.resume();
          resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status: empty ? 502 : status, headers: h }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}

async function resolveOs(name: string): Promise<{ address: string; family: 4 | 6 }[]> {
  try {
    return (await osLookup(name, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } catch {
    return [];
  }
}

/** The fields ctwatch keeps from an RFC 9083 domain object. Pure; tolerant of missing parts. */
export function parseDomain(body: unknown, nowMs: number): Pick<RegistrationRecord, 'created' | 'age_days' | 'registrar' | 'statuses'> {
  const o = (body ?? {}) as { events?: unknown; entities?: unknown; status?: unknown };
  let created: string | null = null;
  if (Array.isArray(o.events)) {
    for (const e of o.events as { eventAction?: unknown; eventDate?: unknown }[]) {
      if (e?.eventAction === 'registration' && typeof e.eventDate === 'string' && !Number.isNaN(Date.parse(e.eventDate))) {
        created = new Date(Date.parse(e.eventDate)).toISOString();
        break;
      }
    }
  }
  const registrar = Array.isArray(o.entities) ? findRegistrar(o.entities) : null;
  const statuses = Array.isArray(o.status) ? (o.status as unknown[]).filter((s): s is string => typeof s === 'string').slice(0, 20) : [];
  const age_days = created === null ? null : Math.max(0, Math.floor((nowMs - Date.parse(created)) / 86_400_000));
  return { created, age_days, registrar, statuses };
}

function findRegistrar(entities: unknown[]): string | null {
  for (const e of entities as { roles?: unknown; vcardArray?: unknown; entities?: unknown }[]) {
    if (Array.isArray(e?.roles) && e.roles.includes('registrar')) {
      const fn = vcardFn(e.vcardArray);
      if (fn) return fn.slice(0, 200);
    }
  }
  return null;
}

/** jCard (RFC 7095): ["vcard", [["fn", {}, "text", "Example Registrar"], ...]]. */
function vcardFn(v: unknown): string | null {
  if (!Array.isArray(v) || !Array.isArray(v[1])) return null;
  for (const prop of v[1] as unknown[]) {
    if (Array.isArray(prop) && prop[0] === 'fn' && typeof prop[3] === 'string' && prop[3].trim()) return prop[3].trim();
  }
  return null;
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(c);
    n += c.length;
    if (n >= max) break;
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
