/**
 * The enrichment record: what ctwatch learned about a hit's names from DNS, RDAP and the web.
 * One shape everywhere (stored as JSON, in `ctwatch hits --json`, in the webhook payload under
 * `enrichment`, for the dashboard): snake_case like the rest of the webhook payload. Every string
 * that came from the network (titles, server headers, registrar names, URLs, DNS names) is raw and
 * attacker-controlled: human channels must sanitise it (notify/format/render.ts does).
 */
import type { Severity } from '../match/types.js';

/** ok: answered with records; nodata: the name exists without records of the asked types. */
export type DnsStatus = 'ok' | 'nodata' | 'nxdomain' | 'servfail' | 'timeout' | 'error';

export interface DnsRecord {
  name: string;
  status: DnsStatus;
  a: string[];
  aaaa: string[];
  cname: string[];
  ns: string[];
  mx: { exchange: string; priority: number }[];
  /** Per record type, the resolver's error code when that query failed (e.g. { mx: "ESERVFAIL" }). */
  errors: Record<string, string>;
}

export type RegistrationStatus = 'ok' | 'not_found' | 'unsupported_tld' | 'rate_limited' | 'error';

export interface RegistrationRecord {
  domain: string;
  status: RegistrationStatus;
  /** RDAP base URL the answer came from (from the IANA bootstrap file). */
  server: string | null;
  /** ISO time of the "registration" event. */
  created: string | null;
  /** Whole days between `created` and the check. */
  age_days: number | null;
  registrar: string | null;
  /** RDAP status values, e.g. "client transfer prohibited". */
  statuses: string[];
  error: string | null;
}

/** ok: an HTTP answer; refused: an address ctwatch will not connect to (private, loopback, ...). */
export type WebStatus = 'ok' | 'refused' | 'unresolved' | 'timeout' | 'error';

export interface WebRecord {
  /** The URL first requested: https://name/ or http://name/. */
  url: string;
  status: WebStatus;
  http_status: number | null;
  final_url: string | null;
  title: string | null;
  server: string | null;
  /** The address the last request was pinned to. */
  address: string | null;
  redirects: number;
  /** SHA-256 (hex) of the certificate the name served over HTTPS. */
  cert_sha256: string | null;
  /** Whether that certificate is the hit's certificate (null: not HTTPS or the hit has no hash). */
  cert_matches_hit: boolean | null;
  error: string | null;
  /**
   * The favicon asked for after a live page (its <link rel="icon"> on the same host, else
   * /favicon.ico), and the SHA-256 (hex) of what it served (null: none, refused, failed, too big).
   * Absent in records stored before favicons were fetched.
   */
  favicon_url?: string | null;
  favicon_sha256?: string | null;
}

export interface Enrichment {
  checked_at: string;
  /** 0 = the first look after the hit; 1.. = the re-checks. */
  round: number;
  registrable: string | null;
  /** null: the check is switched off. */
  registration: RegistrationRecord | null;
  dns: DnsRecord[] | null;
  web: WebRecord[] | null;
  /** The hit's severity after the enrichment signals, with why. */
  severity: Severity;
  base_severity: Severity;
  reasons: string[];
}
