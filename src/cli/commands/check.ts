/** `ctwatch check [--json] NAME... | -`: runs the matcher on names, without the daemon. */
import type { LoadedConfig } from '../../config/load.js';
import { compileRules } from '../../app.js';
import type { Dropped, Match } from '../../match/types.js';
import { out, safeForTerminal } from '../util.js';

export async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
}

/**
 * Matches names and prints them. With `explain`, every rule that fired but was dropped or
 * discounted is listed too (technique, rule, why): in JSON as `dropped`, in text as extra lines.
 */
export async function checkCommand(loaded: LoadedConfig, names: string[], json: boolean, explain = false): Promise<number> {
  const input = names.length === 1 && names[0] === '-' ? await readStdinLines() : names;
  const { matcher } = compileRules(loaded);
  const lines: string[] = [];
  let matched = 0;
  for (const name of input) {
    const { matches, dropped } = explain ? matcher.explainName(name) : { matches: matcher.matchName(name), dropped: [] as Dropped[] };
    if (matches.length) matched++;
    if (json) lines.push(JSON.stringify(explain ? { name, matches: matches.map(publicMatch), dropped: dropped.map(publicDropped) } : { name, matches: matches.map(publicMatch) }));
    else {
      if (matches.length === 0) lines.push(`${safeForTerminal(name)}\tno match`);
      else for (const m of matches) lines.push(`${safeForTerminal(name)}\t${m.severity}\t${m.score}\t${m.technique}\t${m.brand ?? m.watch}\t${safeForTerminal(m.reason)}`);
      for (const d of dropped) lines.push(`${safeForTerminal(name)}\t${d.action}\t-\t${d.technique}\t${safeForTerminal(`${d.brand ?? ''} ${d.rule}`)}\t${safeForTerminal(d.why)}`);
    }
    // Flush in chunks: 100,000 names should not build one giant string.
    if (lines.length >= 4096) out(lines.splice(0).join('\n') + '\n');
  }
  if (lines.length) out(lines.join('\n') + '\n');
  void matched;
  return 0;
}

/** The documented JSON shape of one match (skeleton issue interface), plus the rules that fired. */
export function publicMatch(m: Match) {
  return { brand: m.brand, watch: m.watch, technique: m.technique, techniques: m.techniques, rules: m.rules ?? [], severity: m.severity, score: m.score, reason: m.reason };
}

/** JSON shape of one dropped or discounted rule (`check --json --explain`). */
export function publicDropped(d: Dropped) {
  return { brand: d.brand, technique: d.technique, rule: d.rule, action: d.action, why: d.why };
}
