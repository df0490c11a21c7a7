/**
 * Which addresses the web check may connect to: public unicast only. Refuses loopback,
 * private (RFC 1918, IPv6 ULA), link-local (incl. 169.254.169.254 cloud metadata), CGNAT
 * (100.64/10), multicast, broadcast, unspecified, documentation, benchmarking and other
 * reserved ranges, and IPv6 forms that embed an IPv4 address (v4-mapped, NAT64, 6to4, Teredo),
 * which are judged by the IPv4 address they carry or refused. Classification by ipaddr.js
 * (well kept, used by Express/Fastify's proxy-addr) rather than hand-written ranges.
 */
import net from 'node:net';
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

/** A and AAAA addresses of a name ([] when it does not resolve). */
export type Resolve = (name: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** A host ctwatch will not connect to: `address` is null when the name did not resolve. */
export class AddressRefused extends Error {
  constructor(readonly address: string | null, message: string) {
    super(message);
    this.name = 'AddressRefused';
  }
}

/**
 * The first address of `host` (an IP literal, bracketed or not, or a name) that `policy` allows;
 * the caller connects to exactly that address (pinning), so a second DNS answer cannot steer the
 * connection elsewhere. Throws AddressRefused when the name does not resolve or no address is
 * allowed; a resolver failure propagates.
 */
export async function checkedAddress(host: string, resolve: Resolve, policy: AddressPolicy): Promise<{ address: string; family: 4 | 6 }> {
  const bare = host.replace(/^\[|\]$/g, '');
  const family = net.isIP(bare);
  const candidates = family ? [{ address: bare, family: family as 4 | 6 }] : await resolve(bare);
  if (!candidates.length) throw new AddressRefused(null, 'name does not resolve');
  const ok = candidates.find((c) => policy(c.address));
  if (!ok) throw new AddressRefused(candidates[0]!.address, 'resolves only to addresses ctwatch does not connect to (private, loopback, link-local, reserved)');
  return ok;
}
