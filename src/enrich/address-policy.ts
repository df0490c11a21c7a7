/**
 * Which addresses the web check may connect to: public unicast only. Refuses loopback,
 * private (RFC 1918, IPv6 ULA), link-local (incl. 169.254.169.254 cloud metadata), CGNAT
 * (100.64/10), multicast, broadcast, unspecified, documentation, benchmarking and other
 * reserved ranges, and IPv6 forms that embed an IPv4 address (v4-mapped, NAT64, 6to4, Teredo),
 * which are judged by the IPv4 address they carry or refused. Classification by ipaddr.js
 * (well kept, used by Express/Fastify's proxy-addr) rather than hand-written ranges.
 */
import ipaddr from 'ipaddr.js';

/** True when `ip` (a literal IPv4/IPv6 address) is public unicast. Pure; false for non-addresses. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip.replace(/%.*$/, ''));
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.range() !== 'unicast') return false;
  if (addr.kind() === 'ipv6') {
    // Only global unicast (2000::/3): the deprecated IPv4-compatible ::a.b.c.d and the other
    // unassigned space are refused too.
    return (addr as ipaddr.IPv6).match(ipaddr.IPv6.parse('2000::'), 3);
  }
  return true;
}

/** A decision about one address: may the fetcher connect to it? */
export type AddressPolicy = (ip: string) => boolean;

/** The policy for `allow_private`: every address (tests only). */
export const allowAll: AddressPolicy = () => true;
