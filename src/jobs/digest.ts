/**
 * The periodic digest: per route, counts by brand, technique and severity over the period, the
 * new high-severity names, and feed health. Queued through the outbox like any alert.
 */
import type { RouteConfig } from '../config/schema.js';
import { compileRoute } from '../notify/routing.js';
import type { DigestSummary, RuleFiringSummary } from '../notify/types.js';
import type { StoreBackend } from '../store/backend.js';
import type { HitRow } from '../store/types.js';
import { severityRank } from '../match/types.js';
import type { Metrics } from '../http/metrics.js';

export interface FeedHealthSnapshot {
  uptimeSeconds: number;
  reconnects: number;
  gaps: number;
  dropped: number;
}

/** Names on which one configured rule fired over the period (from the daemon's rule counters). */
export interface RuleFiringCount {
  brand: string;
  rule: string;
  fired: number;
}

/** Rules listed in a digest: the most-fired ones. */
const MAX_RULE_LINES = 10;

/**
 * The period's most-fired brand rules for `route` (its `brands` filter applies), each with how many
 * of the period's hits of that brand that the rule explains were acknowledged or marked false
 * positive. A hit is the rule's when its reason quotes the rule's word (`keyword 'trust' in ...`).
 */
export function summariseRuleFirings(hits: readonly { brand: string | null; status: string; reason: string }[], route: RouteConfig, firings: readonly RuleFiringCount[]): RuleFiringSummary[] {
  const brands = route.brands ? new Set(route.brands.map((b) => b.toLowerCase())) : null;
  return firings
    .filter((f) => f.fired > 0 && f.rule !== 'other' && (brands === null || brands.has(f.brand.toLowerCase())))
    .sort((a, b) => b.fired - a.fired || a.rule.localeCompare(b.rule))
    .slice(0, MAX_RULE_LINES)
    .map((f) => {
      const word = `'${f.rule.slice(f.rule.indexOf(':') + 1)}'`;
      const acknowledged = hits.filter((h) => h.brand === f.brand && h.status !== 'new' && h.reason.includes(word)).length;
      return { brand: f.brand, rule: f.rule, fired: f.fired, acknowledged };
    });
}

/** Builds one route's digest for hits first seen in [from, to). Pure apart from reading the store. */
export function buildDigest(
  recent: readonly HitRow[],
  route: RouteConfig,
  from: number,
  to: number,
  health: FeedHealthSnapshot,
  maxNames: number,
  firings: readonly RuleFiringCount[] = [],
): DigestSummary {
  const matches = compileRoute(route);
  const period = recent.filter((h) => h.firstSeen >= from && h.firstSeen < to);
  const hits = period.filter((h) => !h.suppressed && matches(h));
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
    ...(firings.length > 0 ? { ruleFirings: summariseRuleFirings(period, route, firings) } : {}),
  };
}

/**
 * Queues every route's digest. Resolves to how many deliveries were queued; rejects when the
 * store does (nothing is queued for the routes not reached).
 */
export async function queueDigests(
  store: Pick<StoreBackend, 'hits' | 'outbox'>,
  routes: readonly RouteConfig[],
  from: number,
  to: number,
  health: FeedHealthSnapshot,
  maxNames: number,
  firings: readonly RuleFiringCount[] = [],
): Promise<number> {
  const recent = await store.hits.listHits({ since: from });
  let n = 0;
  for (const route of routes) {
    const digest = buildDigest(recent, route, from, to, health, maxNames, firings);
    n += (await store.outbox.enqueue('digest', route.notifiers, digest, to)).length;
  }
  return n;
}

/**
 * The rule counters' increase since `before` (the snapshot returned by the previous call): per
 * (brand, rule), how many names fired. Returns the counts and the snapshot to pass next time.
 */
export function ruleFiringsSince(metrics: Metrics, before: ReadonlyMap<string, number>): { counts: RuleFiringCount[]; now: Map<string, number> } {
  const now = new Map<string, number>();
  const counts: RuleFiringCount[] = [];
  for (const [key, t] of metrics.ruleTotals) {
    now.set(key, t.fired);
    const fired = t.fired - (before.get(key) ?? 0);
    if (fired > 0) counts.push({ brand: t.brand, rule: t.rule, fired });
  }
  return { counts, now };
}
