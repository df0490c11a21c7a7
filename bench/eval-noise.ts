/**
 * Noise of a brand config on a list of ordinary hostnames: how many names raise a brand match,
 * by severity, and which (for development only: the hostnames are measuring data, never model input).
 *
 *   npm run build && node dist/bench/eval-noise.js [BRANDS_YAML] [NAMES_FILE] [--list] [--min SEVERITY]
 *
 * Defaults: ../shared/data/benign/brands-noise.yaml and ../shared/data/benign/umbrella_top100k_2026-07.txt.
 * --min counts only matches at or above that severity as "alerting" (the default route is medium).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileMatcher } from '../src/match/index.js';
import { severityRank, SEVERITIES, type Severity } from '../src/match/types.js';
import { projectRoot, readLines, rulesFromBrandsYaml } from './lookalike-data.js';

export interface NoiseResult {
  names: number;
  flagged: number;
  bySeverity: Record<Severity, number>;
  lines: string[];
}

/** Runs the brands of BRANDS_YAML over NAMES_FILE. A name counts once, at its highest severity. */
export function evaluateNoise(brandsYaml: string, namesFile: string): NoiseResult {
  const matcher = compileMatcher(rulesFromBrandsYaml(brandsYaml));
  const names = readLines(namesFile);
  const bySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  const lines: string[] = [];
  let flagged = 0;
  for (const name of names) {
    const hits = matcher.matchName(name).filter((h) => h.brand !== null);
    if (hits.length === 0) continue;
    flagged++;
    const top = hits.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
    bySeverity[top.severity]++;
    lines.push(`${top.severity}\t${top.score}\t${name}\t${hits.map((h) => `${h.brand} ${h.technique}: ${h.reason}`).join(' | ')}`);
  }
  return { names: names.length, flagged, bySeverity, lines };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const pos = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--min');
  const minArg = args.includes('--min') ? (args[args.indexOf('--min') + 1] as Severity) : 'low';
  const shared = join(projectRoot, '..', 'shared', 'data', 'benign');
  const brands = pos[0] ?? join(shared, 'brands-noise.yaml');
  const namesFile = pos[1] ?? join(shared, 'umbrella_top100k_2026-07.txt');
  const r = evaluateNoise(brands, namesFile);
  const atLeast = (s: Severity) => SEVERITIES.filter((x) => severityRank(x) >= severityRank(s)).reduce((a, x) => a + r.bySeverity[x], 0);
  console.log(`names: ${r.names}  brands: ${brands}`);
  console.log(`flagged (any severity): ${r.flagged} = ${((100 * r.flagged) / r.names).toFixed(2)} %`);
  console.log(`by highest severity: ${JSON.stringify(r.bySeverity)}`);
  console.log(`at ${minArg} or above: ${atLeast(minArg)}; at medium or above: ${atLeast('medium')}; high or above: ${atLeast('high')}; critical: ${r.bySeverity.critical}`);
  if (args.includes('--list')) for (const l of r.lines) if (severityRank(l.split('\t')[0] as Severity) >= severityRank(minArg)) console.log(l);
}
