/**
 * The web check: an HTTPS GET of a name (then HTTP when HTTPS cannot connect), following at most
 * `maxRedirects` redirects, reading at most `maxBytes` of body, within `timeoutMs` per attempt.
 *
 * Safety (the names and everything they serve are attacker-controlled):
 * - every hop is resolved first and its address checked against the AddressPolicy (public
 *   unicast only unless allow_private); a hop with no allowed address is not connected to;
 * - the connection goes to that checked address (connect by IP, the name only in SNI and Host),
 *   so a second DNS answer (rebinding) cannot redirect it;
 * - no cookies, no credentials (userinfo in a URL is dropped), no compression, one request per
 *   connection; the certificate is recorded, never trusted (the look-alike's own certificate is
 *   exactly what we want to see).
 * After a live page (2xx/3xx), its favicon is fetched the same way (same checks, pinning, redirect
 * bound, timeout) and hashed: the `<link rel="icon">` of the page when it is on the page's host
 * (or inline as a data: URL), else /favicon.ico; at most `faviconMaxBytes`, a bigger one is not hashed.
 * Never throws: failures are in the record's status and error.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { AddressRefused, checkedAddress, type AddressPolicy } from './address-policy.js';
import type { WebRecord } from './types.js';

export interface WebOptions {
  /** A and AAAA addresses of a name ([] when it does not resolve). */
  resolve(name: string): Promise<{ address: string; family: 4 | 6 }[]>;
  policy: AddressPolicy;
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Tests only: the ports "https://name/" and "http://name/" mean (default 443 and 80). */
  ports?: { https: number; http: number };
  /** Largest favicon hashed (default 64 KB). */
  faviconMaxBytes?: number;
}

const FAVICON_MAX_BYTES = 65_536;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TITLE_CHARS = 300;

interface Answer {
  status: number;
  server: string | null;
  location: string | null;
  body: Buffer;
  certSha256: string | null;
}

export class WebFetcher {
  constructor(private readonly opts: WebOptions) {}

  /** HTTPS first; HTTP when HTTPS failed to connect (not when it was refused or did not resolve). */
  async fetchName(name: string, hitSha256: string | null): Promise<WebRecord> {
    const first = await this.fetchUrl(`https://${name}/`, hitSha256);
    if (first.status === 'ok' || first.status === 'refused' || first.status === 'unresolved') return first;
    const second = await this.fetchUrl(`http://${name}/`, hitSha256);
    return second.status === 'ok' ? second : first;
  }

  /** One GET of `start` and its redirects. Never throws. */
  async fetchUrl(start: string, hitSha256: string | null): Promise<WebRecord> {
    const rec: WebRecord = { url: start, status: 'error', http_status: null, final_url: null, title: null, server: null, address: null, redirects: 0, cert_sha256: null, cert_matches_hit: null, error: null, favicon_url: null, favicon_sha256: null };
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    let url: URL;
    try {
      url = new URL(start);
    } catch {
      return { ...rec, error: 'not a URL' };
    }
    for (let hop = 0; ; hop++) {
      let pin: { address: string; family: 4 | 6 };
      try {
        pin = await this.checkedAddress(url.hostname);
      } catch (err) {
        if (err instanceof AddressRefused) return { ...rec, status: err.address === null ? 'unresolved' : 'refused', address: err.address, error: err.message };
        return { ...rec, error: 'resolve failed' };
      }
      rec.address = pin.address;
      let answer: Answer;
      try {
        answer = await this.requestOnce(url, pin, signal, this.opts.maxBytes);
      } catch (err) {
        const timedOut = signal.aborted || (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError';
        return { ...rec, status: timedOut ? 'timeout' : 'error', error: timedOut ? 'timeout' : String((err as { code?: string })?.code ?? 'connection failed') };
      }
      if (hop === 0 && url.protocol === 'https:') {
        rec.cert_sha256 = answer.certSha256;
        rec.cert_matches_hit = hitSha256 && answer.certSha256 ? hitSha256.toLowerCase() === answer.certSha256 : null;
      }
      rec.status = 'ok';
      rec.http_status = answer.status;
      rec.final_url = url.href;
      rec.server = answer.server;
      rec.title = pageTitle(answer.body);
      if (!REDIRECTS.has(answer.status) || answer.location === null) {
        if (answer.status >= 200 && answer.status < 400) {
          const icon = faviconUrl(answer.body, url);
          // An inline icon is recorded by its media type only (the bytes can be long).
          rec.favicon_url = icon.startsWith('data:') ? icon.slice(0, icon.indexOf(',') + 1) : icon;
          rec.favicon_sha256 = await this.faviconHash(icon);
        }
        return rec;
      }
      if (hop >= this.opts.maxRedirects) return { ...rec, error: `more than ${this.opts.maxRedirects} redirects` };
      let next: URL;
      try {
        next = new URL(answer.location, url);
      } catch {
        return { ...rec, error: 'redirect to an invalid URL' };
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') return { ...rec, error: 'redirect to a non-HTTP URL' };
      next.username = '';
      next.password = '';
      rec.redirects = hop + 1;
      rec.final_url = next.href;
      url = next;
    }
  }

  /** SHA-256 (hex) of the favicon at `icon` (a URL or a data: URL), or null. Never throws. */
  private async faviconHash(icon: string): Promise<string | null> {
    const max = this.opts.faviconMaxBytes ?? FAVICON_MAX_BYTES;
    if (icon.startsWith('data:')) {
      const bytes = dataUrlBytes(icon);
      return bytes && bytes.length > 0 && bytes.length <= max ? sha256(bytes) : null;
    }
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    try {
      let url = new URL(icon);
      for (let hop = 0; ; hop++) {
        const pin = await this.checkedAddress(url.hostname);
        // One byte more than the cap tells a file of exactly `max` bytes from a bigger one.
        const answer = await this.requestOnce(url, pin, signal, max + 1);
        if (REDIRECTS.has(answer.status) && answer.location !== null && hop < this.opts.maxRedirects) {
          const next = new URL(answer.location, url);
          if (next.protocol !== 'https:' && next.protocol !== 'http:') return null;
          next.username = '';
          next.password = '';
          url = next;
          continue;
        }
        return answer.status === 200 && answer.body.length > 0 && answer.body.length <= max ? sha256(answer.body) : null;
      }
    } catch {
      return null; // refused, unresolved, timed out, an invalid redirect: no hash
    }
  }

  /** The first allowed address of `host` (an IP literal or a name). Throws AddressRefused. */
  private checkedAddress(host: string): Promise<{ address: string; family: 4 | 6 }> {
    return checkedAddress(host, this.opts.resolve, this.opts.policy);
  }

  private requestOnce(url: URL, pin: { address: string; family: 4 | 6 }, signal: AbortSignal, maxBytes: number): Promise<Answer> {
    const secure = url.protocol === 'https:';
    const port = url.port ? Number(url.port) : secure ? (this.opts.ports?.https ?? 443) : (this.opts.ports?.http ?? 80);
    const hostName = url.hostname.replace(/^\[|\]$/g, '');
    const options: https.RequestOptions = {
      // Connect to the checked address only: no second look-up can change where this goes.
      host: pin.address,
      family: pin.family,
      port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      agent: false,
      signal,
      headers: {
        host: url.host,
        'user-agent': this.opts.userAgent,
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
        'accept-encoding': 'identity',
        connection: 'close',
      },
    };
    if (secure) {
      if (!net.isIP(hostName)) options.servername = hostName;
      // Recorded, not trusted: a look-alike's certificate is the evidence we came for.
      options.rejectUnauthorized = false;
    }
    return new Promise<Answer>((resolve, reject) => {
      const req = (secure ? https : http).request(options, (res) => {
        let certSha256: string | null = null;
        if (secure) {
          const raw = (res.socket as TLSSocket).getPeerCertificate?.()?.raw;
          if (raw && raw.length) certSha256 = createHash('sha256').update(raw).digest('hex');
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          req.destroy();
          const server = res.headers.server;
          resolve({
            status: res.statusCode ?? 0,
            server: typeof server === 'string' ? server.slice(0, 200) : null,
            location: typeof res.headers.location === 'string' ? res.headers.location : null,
            body: Buffer.concat(chunks).subarray(0, maxBytes),
            certSha256,
          });
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= maxBytes) done();
        });
        res.on('end', done);
        res.on('error', () => done());
        res.on('aborted', () => done());
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/** The text of the first <title> in `body`, whitespace collapsed, entities decoded, bounded. Pure. */
export function pageTitle(body: Buffer): string | null {
  const m = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(body.toString('utf8'));
  if (!m) return null;
  const text = decodeEntities(m[1]!).replace(/\s+/g, ' ').trim();
  return text ? Array.from(text).slice(0, TITLE_CHARS).join('') : null;
}

/**
 * Where a page's favicon is: the href of its first `<link rel="… icon …">` when that is on the
 * page's own host (or a data: URL), else /favicon.ico of the page's origin. Pure.
 */
export function faviconUrl(body: Buffer, page: URL): string {
  const html = body.toString('utf8');
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attr(m[0], 'rel');
    if (!rel || !rel.toLowerCase().split(/\s+/).includes('icon')) continue;
    const href = attr(m[0], 'href');
    if (!href) continue;
    const raw = decodeEntities(href).trim();
    if (/^data:/i.test(raw)) return raw;
    try {
      const u = new URL(raw, page);
      if ((u.protocol === 'https:' || u.protocol === 'http:') && u.hostname === page.hostname) return u.href;
    } catch {
      // An unusable href: fall back to /favicon.ico.
    }
    break;
  }
  return new URL('/favicon.ico', page).href;
}

/** The value of attribute `name` in one HTML tag (quoted or not), or null. */
function attr(tag: string, name: 'rel' | 'href'): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}

/** The bytes of a base64 data: URL, or null. */
function dataUrlBytes(url: string): Buffer | null {
  const m = /^data:[^,]*;base64,([A-Za-z0-9+/=\s]*)$/i.exec(url);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : null;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (all, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}
