/**
 * Routes select notifiers for a hit by minimum severity, brands, watch items and techniques.
 * Compiled once per config; pure.
 */
import type { RouteConfig } from '../config/schema.js';
import { severityRank, type Severity } from '../match/types.js';
import type { RouteFn } from '../store/types.js';

type RoutedHit = Parameters<RouteFn>[0];

/** A predicate for one route: does this hit go to its notifiers? */
export function compileRoute(r: RouteConfig): (hit: RoutedHit) => boolean {
  const minRank = severityRank(r.min_severity as Severity);
  const brands = r.brands ? new Set(r.brands.map((b) => b.toLowerCase())) : null;
  const watch = r.watch ? new Set(r.watch.map((w) => w.toLowerCase())) : null;
  const techniques = r.techniques ?? null;
  return (hit) => {
    if (severityRank(hit.severity) < minRank) return false;
    if (brands && !(hit.brand && brands.has(hit.brand.toLowerCase()))) return false;
    if (watch && !(hit.watch && watch.has(hit.watch.toLowerCase()))) return false;
    // "typosquat" selects every typosquat:<fuzzer>; an exact string selects only itself.
    if (techniques && !techniques.some((t) => hit.technique === t || hit.technique.startsWith(`${t}:`))) return false;
    return true;
  };
}

export function compileRoutes(routes: readonly RouteConfig[]): RouteFn {
  const compiled = routes.map((r) => ({ notifiers: r.notifiers, matches: compileRoute(r) }));
  return (hit) => {
    const out = new Set<string>();
    for (const r of compiled) if (r.matches(hit)) for (const n of r.notifiers) out.add(n);
    return [...out];
  };
}

/** Every notifier named by any route: where operational (health) alerts go. */
export function allRoutedNotifiers(routes: readonly RouteConfig[]): string[] {
  return [...new Set(routes.flatMap((r) => r.notifiers))];
}
