/**
 * The periodic digest: per route, counts by brand, technique and severity over the period, the
 * new high-severity names, and feed health. Queued through the outbox like any alert.
 */
import type { RouteConfig } from '../config/schema.js';
import { compileRoute } from '../notify/routing.js';
import type { DigestSummary } from '../notify/types.js';
import type { Store } from '../store/index.js';
import { severityRank } from '../match/types.js';

export interface FeedHealthSnapshot {
  uptimeSeconds: number;
  reconnects: number;
  gaps: number;
  dropped: number;
}

/** Builds one route's digest for hits first seen in [from, to). Pure apart from reading the store. */
export function buildDigest(store: Store, route: RouteConfig, from: number, to: number, health: FeedHealthSnapshot, maxNames: number): DigestSummary {
  const matches = compileRoute(route);
  const hits = store.hits.listHits({ since: from }).filter((h) => h.firstSeen >= from && h.firstSeen < to && !h.suppressed && matches(h));
  const count = (key: (h: (typeof hits)[number]) => string) => {
    const out: Record<string, number> = {};
    for (const h of hits) out[key(h)] = (out[key(h)] ?? 0) + 1;
    return out;
  };
  const high = hits
    .filter((h) => severityRank(h.severity) >= severityRank('high'))
    .sort((a, b) => b.score - a.score || a.firstSeen - b.firstSeen)
    .slice(0, maxNames);
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    total: hits.length,
    byBrand: count((h) => h.brand ?? h.watch ?? 'unknown'),
    byTechnique: count((h) => h.technique),
    bySeverity: count((h) => h.severity),
    highNames: high.map((h) => ({ name: h.name, brand: h.brand, watch: h.watch, severity: h.severity })),
    health,
  };
}

/** Queues every route's digest. Returns how many deliveries were queued. */
export function queueDigests(store: Store, routes: readonly RouteConfig[], from: number, to: number, health: FeedHealthSnapshot, maxNames: number): number {
  let n = 0;
  for (const route of routes) {
    const digest = buildDigest(store, route, from, to, health, maxNames);
    n += store.outbox.enqueue('digest', route.notifiers, digest, to).length;
  }
  return n;
}
