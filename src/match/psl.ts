/**
 * Public Suffix List look-ups through tldts, with the PSL's PRIVATE section enabled so that
 * hosting platforms (github.io, web.app, workers.dev, ...) are registrable boundaries:
 * `paypal-login.web.app` is judged on `paypal-login`, not on `web`.
 */
import { parse, getDomain } from 'tldts';

const TLDTS_OPTIONS = {
  allowPrivateDomains: true,
  // Inputs are host names already, not URLs: skip URL parsing and hostname validation.
  extractHostname: false,
  validateHostname: false,
  detectIp: true,
  mixedInputs: false,
} as const;

/** The parts of a host name the matcher needs. */
export interface DomainParts {
  /** Public suffix, e.g. "com", "co.uk", "web.app"; "" when the name has none. */
  publicSuffix: string;
  /** Registrable domain (label + suffix), or null for a bare suffix, an IP or an invalid name. */
  registrable: string | null;
  /** The registrable label alone ("paypal-login" for paypal-login.web.app), or "". */
  label: string;
  /** Labels left of the registrable domain ("a.b" for a.b.example.com), or "". */
  subdomain: string;
  /** True when the suffix comes from the PRIVATE section (hosting platforms). */
  isPrivateSuffix: boolean;
  isIp: boolean;
}

/** Splits a lower-case host name (no wildcard, no trailing dot); pure, never throws. */
export function splitDomain(host: string): DomainParts {
  try {
    const r = parse(host, TLDTS_OPTIONS);
    return {
      publicSuffix: r.publicSuffix ?? '',
      registrable: r.isIp ? null : r.domain,
      label: r.isIp ? '' : (r.domainWithoutSuffix ?? ''),
      subdomain: r.isIp ? '' : (r.subdomain ?? ''),
      isPrivateSuffix: r.isPrivate === true,
      isIp: r.isIp === true,
    };
  } catch {
    return { publicSuffix: '', registrable: null, label: '', subdomain: '', isPrivateSuffix: false, isIp: false };
  }
}

/**
 * Registrable domain ("eTLD+1") of `name` under the PSL including private suffixes.
 * Returns null for null/empty input, a bare public suffix, a name with a leading dot or an
 * empty label, and IP addresses. The result is lower case and keeps the input's form
 * (Unicode in, Unicode out; punycode in, punycode out). Pure; never throws.
 */
export function registrableDomain(name: string | null | undefined): string | null {
  if (typeof name !== 'string' || name.length === 0) return null;
  const host = name.toLowerCase();
  // A leading dot or an empty label is not a host name (the PSL test vectors expect null).
  if (host.startsWith('.') || host.includes('..')) return null;
  try {
    return getDomain(host, TLDTS_OPTIONS) ?? null;
  } catch {
    return null;
  }
}
