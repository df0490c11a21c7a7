/**
 * The `enrich:` config section (documented in docs/configuration.md and docs/enrichment.md).
 * Off by default: an upgrade must not start sending traffic to look-alike domains' servers
 * without the operator choosing it. The example configs turn it on with every check.
 */
import { z } from 'zod';
import { durationMs } from '../config/duration.js';

const DEFAULT_USER_AGENT = 'ctwatch/0.1 (certificate transparency monitor; enrichment check)';

export const enrichSchema = z
  .strictObject({
    /** Master switch. */
    enabled: z.boolean().default(false),
    /** Per check: DNS look-ups, RDAP registration data, the web fetch. */
    dns: z.boolean().default(true),
    rdap: z.boolean().default(true),
    web: z.boolean().default(true),
    /** TESTS ONLY: let the web check and RDAP redirects connect to loopback/private/link-local/reserved addresses. Logged loudly. */
    allow_private: z.boolean().default(false),
    /** Sent on every RDAP and web request. */
    user_agent: z.string().min(1).max(200).regex(/^[\x20-\x7e]+$/, 'printable ASCII only').default(DEFAULT_USER_AGENT),
    /** New hits' alerts wait up to this long for the first enrichment (0 = send at once, enrichment only in updates). */
    hold_alerts: durationMs.default(8_000),
    /** Re-checks of open hits, measured from the first enrichment. */
    recheck: z.array(durationMs).max(20).default([3_600_000, 86_400_000, 604_800_000]),
    /** Hits enriched at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** Jobs waiting; when full the oldest lowest-severity job is dropped (ctwatch_enrich_dropped_total). */
    max_queue: z.number().int().min(1).max(1_000_000).default(1_000),
    /** Look-up results per registrable domain (RDAP) and per name (DNS, web) are reused for this long. */
    cache_ttl: durationMs.default(600_000),
    /** Names per hit looked up: the matched name, then its registrable domain. */
    max_names: z.number().int().min(1).max(10).default(2),
    /** DNS servers ("ip" or "ip:port"); unset = the system's. */
    dns_servers: z.array(z.string().min(1)).optional(),
    dns_timeout: durationMs.default(2_000),
    dns_tries: z.number().int().min(1).max(5).default(2),
    /** An RDAP bootstrap file (IANA dns.json format) instead of the shipped snapshot. */
    rdap_bootstrap_file: z.string().min(1).optional(),
    /** Where the bootstrap file is refreshed from, and how often (0 = never). */
    rdap_bootstrap_url: z.string().url().default('https://data.iana.org/rdap/dns.json'),
    rdap_refresh: durationMs.default(86_400_000),
    rdap_timeout: durationMs.default(5_000),
    /** Least time between two requests to one RDAP server. */
    rdap_min_interval: durationMs.default(1_000),
    web_timeout: durationMs.default(5_000),
    web_max_bytes: z.number().int().min(1_024).max(1_048_576).default(65_536),
    web_max_redirects: z.number().int().min(0).max(10).default(5),
  })
  .prefault({});

export type EnrichConfig = z.output<typeof enrichSchema>;
