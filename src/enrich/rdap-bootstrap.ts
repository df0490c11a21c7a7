/**
 * The IANA RDAP bootstrap file for DNS (RFC 9224, https://data.iana.org/rdap/dns.json): which
 * RDAP servers answer for which TLDs. A snapshot ships in data/rdap-dns.json; `refresh` replaces
 * it from the network when online, and a failed refresh keeps the one in use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Path of the snapshot shipped in the package (data/rdap-dns.json), found by walking up from this
 * module (src/ under vitest, dist/ after a build). Throws (code RDAP_BOOTSTRAP_MISSING) when absent.
 */
export function shippedBootstrapPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'data', 'rdap-dns.json');
    if (fs.existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  throw Object.assign(new Error('shipped data/rdap-dns.json not found'), { code: 'RDAP_BOOTSTRAP_MISSING' });
}

export class RdapBootstrap {
  private byTld = new Map<string, string[]>();
  publication: string | null = null;

  /** Throws (code RDAP_BOOTSTRAP_INVALID) when `json` is not a bootstrap file. */
  load(json: unknown): void {
    const j = json as { services?: unknown; publication?: unknown };
    if (!j || !Array.isArray(j.services)) throw Object.assign(new Error('RDAP bootstrap file has no "services" array'), { code: 'RDAP_BOOTSTRAP_INVALID' });
    const next = new Map<string, string[]>();
    for (const svc of j.services as unknown[]) {
      if (!Array.isArray(svc) || svc.length < 2 || !Array.isArray(svc[0]) || !Array.isArray(svc[1])) continue;
      const urls = (svc[1] as unknown[]).filter((u): u is string => typeof u === 'string' && /^https?:\/\//i.test(u));
      // RFC 9224 §3: prefer HTTPS when a service lists both.
      urls.sort((a, b) => Number(b.startsWith('https:')) - Number(a.startsWith('https:')));
      if (!urls.length) continue;
      for (const tld of svc[0] as unknown[]) if (typeof tld === 'string') next.set(tld.toLowerCase(), urls.map((u) => (u.endsWith('/') ? u : `${u}/`)));
    }
    if (next.size === 0) throw Object.assign(new Error('RDAP bootstrap file lists no service'), { code: 'RDAP_BOOTSTRAP_INVALID' });
    this.byTld = next;
    this.publication = typeof j.publication === 'string' ? j.publication : null;
  }

  loadFile(file: string): void {
    this.load(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  /** Base URLs (ending in "/") for `domain`: the longest matching label suffix. Empty when none. */
  serversFor(domain: string): string[] {
    const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
    for (let i = 1; i < labels.length; i++) {
      const hit = this.byTld.get(labels.slice(i).join('.'));
      if (hit) return hit;
    }
    return [];
  }

  get size(): number {
    return this.byTld.size;
  }
}
