/** `ctwatch rules noise [--names FILE]`: how noisy each brand rule is on ordinary host names. */
import { readFileSync } from 'node:fs';
import type { LoadedConfig } from '../../config/load.js';
import { ordinaryNames, ruleNoise, NOISY_SHARE, type RuleNoise } from '../../match/noise.js';
import { CliError, EXIT_USAGE, out, safeForTerminal } from '../util.js';

/** Reads one name per line (blank lines and # comments skipped). Throws CliError when unreadable. */
function readNames(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
  } catch (e) {
    throw new CliError(`--names: cannot read ${file}: ${(e as Error).message}`, EXIT_USAGE, { cause: e });
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const names_ = (n: number): string => `${fmt(n)} ${n === 1 ? 'name' : 'names'}`;

/** Text lines for one rule; every certificate-side string goes through safeForTerminal. */
function ruleLines(r: RuleNoise, names: number): string[] {
  const t = safeForTerminal;
  const share = names > 0 ? ` (${((100 * r.alerts) / names).toFixed(3)} %)` : '';
  const lines = [`${t(r.brand)}  ${t(r.rule)}: fires on ${names_(r.alerts)}${share}, absorbed on ${fmt(r.absorbed)}`];
  if (r.specificity !== null) lines.push(`    keyword: ${t(r.specificity)}; mode ${t(r.mode ?? '')}; as a substring it occurs in ${names_(r.substringOccurrences ?? 0)}`);
  const tech = Object.entries(r.techniques).sort((a, b) => b[1] - a[1]);
  if (tech.length > 0) lines.push(`    techniques: ${tech.map(([k, v]) => `${t(k)} ${fmt(v)}`).join(', ')}`);
  if (r.examples.length > 0) lines.push(`    examples: ${r.examples.map(t).join(', ')}`);
  for (const a of r.absorbedExamples.slice(0, 2)) lines.push(`    absorbed: ${t(a.name)}: ${t(a.why)}`);
  if (r.suggestion !== null) lines.push(`    suggestion: ${t(r.suggestion)}`);
  return lines;
}

export function rulesNoiseCommand(loaded: LoadedConfig, namesFile: string | undefined, json: boolean): number {
  const c = loaded.config;
  const names = namesFile !== undefined ? readNames(namesFile) : ordinaryNames();
  const report = ruleNoise({ watch: [], brands: [...c.brands], allow: [...c.allow], detection: c.detection }, names);
  if (json) {
    out(JSON.stringify({ names: report.names, flagged: report.flagged, rules: report.rules }) + '\n');
    return 0;
  }
  const source = namesFile !== undefined ? safeForTerminal(namesFile) : `synthetic ordinary names (${fmt(names.length)}, generated from the word model)`;
  const lines = [`names: ${source}`, `flagged: ${fmt(report.flagged)} of ${fmt(report.names)} names (${((100 * report.flagged) / Math.max(1, report.names)).toFixed(3)} %)`, ''];
  const limit = Math.max(1, report.names * NOISY_SHARE);
  const loud = report.rules.filter((r) => r.alerts > 0 || r.absorbed > 0 || r.suggestion !== null);
  for (const r of loud) lines.push(...ruleLines(r, report.names));
  const quiet = report.rules.length - loud.length;
  if (quiet > 0) lines.push('', `${quiet} other rules fired on no name.`);
  const noisy = report.rules.filter((r) => r.alerts > limit).length;
  lines.push('', noisy > 0 ? `${noisy} rules fire on more than 1 in 10,000 names.` : 'No rule fires on more than 1 in 10,000 names.');
  out(lines.join('\n') + '\n');
  return 0;
}
