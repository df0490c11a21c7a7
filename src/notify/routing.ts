/**
 * Routes select notifiers for a hit by minimum severity, brands, watch items and techniques.
 * Compiled once per config; pure.
 */
import type { RouteConfig } from '../config/schema.js';
import { severityRank, type Severity } from '../match/types.js';
import type { RouteFn } from '../store/types.js';

export function compileRoutes(routes: readonly RouteConfig[]): RouteFn {
  const compiled = routes.map((r) => ({
    notifiers: r.notifiers,
    minRank: severityRank(r.min_severity as Severity),
    brands: r.brands ? new Set(r.brands.map((b) => b.toLowerCase())) : null,
    watch: r.watch ? new Set(r.watch.map((w) => w.toLowerCase())) : null,
    techniques: r.techniques ?? null,
  }));
  return (hit) => {
    const out = new Set<string>();
    for (const r of compiled) {
      if (severityRank(hit.severity) < r.minRank) continue;
      if (r.brands && !(hit.brand && r.brands.has(hit.brand.toLowerCase()))) continue;
      if (r.watch && !(hit.watch && r.watch.has(hit.watch.toLowerCase()))) continue;
      // "typosquat" selects every typosquat:<fuzzer>; an exact string selects only itself.
      if (r.techniques && !r.techniques.some((t) => hit.technique === t || hit.technique.startsWith(`${t}:`))) continue;
      for (const n of r.notifiers) out.add(n);
    }
    return [...out];
  };
}

/** Every notifier named by any route: where operational (health) alerts go. */
export function allRoutedNotifiers(routes: readonly RouteConfig[]): string[] {
  return [...new Set(routes.flatMap((r) => r.notifiers))];
}
