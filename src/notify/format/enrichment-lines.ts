/**
 * The human lines for an enrichment: one each for registration, DNS and web. Everything that came
 * from the network (registrar names, DNS names, titles, server headers, URLs) is attacker-
 * controlled and goes through displayText (controls escaped, defanged, bounded): never a link.
 * Pure; never throws.
 */
import type { DnsRecord, Enrichment, WebRecord } from '../../enrich/types.js';
import { displayText } from './sanitize.js';

const DNS_STATUS: Record<string, string> = { nxdomain: 'NXDOMAIN', servfail: 'SERVFAIL', timeout: 'no answer (timeout)', error: 'lookup failed', nodata: 'no records' };

function age(days: number): string {
  return days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}

function registrationLine(e: Enrichment): string | null {
  const r = e.registration;
  if (!r) return null;
  if (r.status === 'ok') {
    const parts = [r.created && r.age_days !== null ? `registered ${age(r.age_days)} (${r.created.slice(0, 10)})` : 'registered (no creation date)'];
    if (r.registrar) parts.push(`at ${r.registrar}`);
    if (r.statuses.length) parts.push(`status ${r.statuses.slice(0, 4).join(', ')}`);
    return `registration: ${parts.join(' ')}`;
  }
  const what = { not_found: 'not found in RDAP', unsupported_tld: 'no RDAP server known for this TLD', rate_limited: 'RDAP server rate-limited us; retried at the next check', error: 'RDAP lookup failed' }[r.status];
  return `registration: ${what}`;
}

function dnsPart(d: DnsRecord): string {
  const parts: string[] = [];
  if (d.a.length) parts.push(`A ${d.a.slice(0, 4).join(', ')}`);
  if (d.aaaa.length) parts.push(`AAAA ${d.aaaa.slice(0, 2).join(', ')}`);
  if (d.cname.length) parts.push(`CNAME ${d.cname[0]}`);
  if (d.mx.length) parts.push(`MX ${d.mx.slice(0, 3).map((m) => m.exchange || '.').join(', ')}`);
  if (d.ns.length) parts.push(`NS ${d.ns.slice(0, 2).join(', ')}`);
  return `${d.name}: ${parts.length ? parts.join('; ') : (DNS_STATUS[d.status] ?? d.status)}`;
}

function webPart(w: WebRecord): string {
  if (w.status !== 'ok') {
    const why = { refused: 'not fetched (resolves to a private or reserved address)', unresolved: 'does not resolve', timeout: 'no answer (timeout)', error: `no answer (${w.error ?? 'error'})` }[w.status];
    return `${w.url}: ${why}`;
  }
  const parts = [`status ${w.http_status}`];
  if (w.title) parts.push(`title '${w.title}'`);
  if (w.server) parts.push(`server ${w.server}`);
  if (w.redirects > 0 && w.final_url) parts.push(`after ${w.redirects} redirect${w.redirects === 1 ? '' : 's'} at ${w.final_url}`);
  if (w.cert_matches_hit === true) parts.push("serves the hit's certificate");
  else if (w.cert_matches_hit === false) parts.push('serves another certificate');
  return `${w.url}: ${parts.join(', ')}`;
}

/** Up to three safe lines: registration, DNS, web (a switched-off check has no line). */
export function enrichmentLines(e: Enrichment): string[] {
  const out: string[] = [];
  const reg = registrationLine(e);
  if (reg) out.push(displayText(reg, 300));
  if (e.dns) out.push(displayText(`DNS: ${e.dns.map(dnsPart).join(' | ')}`, 400));
  if (e.web) out.push(displayText(`web: ${e.web.map(webPart).join(' | ')}`, 500));
  return out;
}
