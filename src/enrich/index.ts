/**
 * Enrichment: the narrow interface the app wires. `createEnrichment` builds the look-ups from the
 * `enrich:` config and returns the worker; the app calls `submit(hitIds)` after each commit,
 * `start()` once, and `close()` at shutdown. The store side is store/enrichment-store.ts.
 */
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';
import type { EnrichmentStore } from '../store/enrichment-store.js';
import { allowAll, isPublicAddress } from './address-policy.js';
import type { BrandFavicons } from './assess.js';
import type { EnrichConfig } from './config-schema.js';
import { DnsLookup } from './dns.js';
import { Enricher } from './enricher.js';
import { EnrichMetrics } from './metrics.js';
import { RdapClient } from './rdap.js';
import { RdapBootstrap, shippedBootstrapPath } from './rdap-bootstrap.js';
import { WebFetcher } from './web.js';

export interface EnrichmentDeps {
  store: EnrichmentStore;
  log: Logger;
  registry: Registry;
  brandTerms(brand: string | null): string[];
  /** The favicon hashes of a hit's brand (brands[].favicons), or null. */
  brandFavicons?(brand: string | null): BrandFavicons | null;
  onOutbox(): void;
  now?: () => number;
  /** Tests only: the ports https://name/ and http://name/ mean. */
  webPorts?: { https: number; http: number };
  /** Re-check timer interval (tests). */
  tickMs?: number;
  /** See EnricherOptions.onTimerError. */
  onTimerError?: (err: unknown) => void;
}

export interface EnrichmentService {
  readonly worker: Enricher;
  start(): void;
  submit(hitIds: readonly number[]): void;
  close(deadlineMs?: number): Promise<void>;
}

/** Builds the enrichment worker. Throws (with a code) when the RDAP bootstrap file is unusable. */
export function createEnrichment(config: EnrichConfig, deps: EnrichmentDeps): EnrichmentService {
  const log = deps.log;
  if (config.allow_private) {
    log.warn(
      { module: 'enrich', allow_private: true },
      '!!! enrich.allow_private is ON: the web check and RDAP redirects may connect to loopback, private, link-local and cloud-metadata addresses. FOR TESTS ONLY: never in production !!!',
    );
  }
  const dns = new DnsLookup({ servers: config.dns_servers, timeoutMs: config.dns_timeout, tries: config.dns_tries });
  const bootstrap = new RdapBootstrap();
  bootstrap.loadFile(config.rdap_bootstrap_file ?? shippedBootstrapPath());
  const policy = config.allow_private ? allowAll : isPublicAddress;
  const rdap = new RdapClient({ bootstrap, timeoutMs: config.rdap_timeout, minIntervalMs: config.rdap_min_interval, userAgent: config.user_agent, now: deps.now, policy, resolve: (name) => dns.addresses(name) });
  const web = new WebFetcher({
    resolve: (name) => dns.addresses(name),
    policy,
    userAgent: config.user_agent,
    timeoutMs: config.web_timeout,
    maxBytes: config.web_max_bytes,
    maxRedirects: config.web_max_redirects,
    ports: deps.webPorts,
  });
  const worker = new Enricher({ config, store: deps.store, log, metrics: new EnrichMetrics(deps.registry), dns, rdap, web, brandTerms: deps.brandTerms, brandFavicons: deps.brandFavicons, onOutbox: deps.onOutbox, now: deps.now, tickMs: deps.tickMs, onTimerError: deps.onTimerError });

  let refresh: NodeJS.Timeout | null = null;
  const refreshBootstrap = async () => {
    try {
      const res = await fetch(config.rdap_bootstrap_url, { headers: { 'user-agent': config.user_agent }, signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bootstrap.load(await res.json());
      log.info({ module: 'enrich', tlds: bootstrap.size, publication: bootstrap.publication }, 'RDAP bootstrap file refreshed');
    } catch (err) {
      log.info({ module: 'enrich', err: { message: (err as Error)?.message } }, 'RDAP bootstrap refresh failed; the copy in use is kept');
    }
  };

  return {
    worker,
    start() {
      log.info({ module: 'enrich', dns: config.dns, rdap: config.rdap, web: config.web, rdap_tlds: bootstrap.size }, 'enrichment on');
      worker.start();
      if (config.rdap && config.rdap_refresh > 0 && !config.rdap_bootstrap_file) {
        void refreshBootstrap();
        refresh = setInterval(() => void refreshBootstrap(), config.rdap_refresh);
        refresh.unref();
      }
    },
    submit: (ids) => worker.submit(ids),
    async close(deadlineMs) {
      if (refresh) clearInterval(refresh);
      await worker.close(deadlineMs);
    },
  };
}

export { Enricher } from './enricher.js';
export type { EnrichConfig } from './config-schema.js';
export type { Enrichment as EnrichmentRecord } from './types.js';
