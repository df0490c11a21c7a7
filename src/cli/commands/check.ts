/** `ctwatch check [--json] NAME... | -`: runs the matcher on names, without the daemon. */
import type { LoadedConfig } from '../../config/load.js';
import type { Dropped } from '../../match/types.js';
import { checkInput, publicDropped, publicMatch } from '../../match/check-result.js';
import { compileRulesOrExit } from '../context.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE, out, safeForTerminal } from '../util.js';

export async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0);
}


/**
 * Matches each name and prints the matches (text, or --json one object per input in order).
 * With `explain`, every rule that fired but was dropped or discounted is listed too (technique,
 * rule, why): in JSON as `dropped`, in text as extra lines.
 * A NAME argument that is not a hostname is a usage error (exit 2, nothing matched); a stdin line
 * that is not one is reported in its place and the exit code is 1. Returns the exit code.
 */
export async function checkCommand(loaded: LoadedConfig, names: string[], json: boolean, explain = false): Promise<number> {
  const fromStdin = names.length === 1 && names[0] === '-';
  const input = fromStdin ? await readStdinLines() : names;
  if (!fromStdin) {
    if (input.length === 0) throw new CliError('check: give one or more names, or - to read them from stdin', EXIT_USAGE);
    for (const raw of input) {
      const c = checkInput(raw);
      if (!c.ok) throw new CliError(`check: ${JSON.stringify(safeForTerminal(raw))}: ${c.error}`, EXIT_USAGE);
    }
  }
  const { matcher } = await compileRulesOrExit(loaded);
  const lines: string[] = [];
  let rejected = 0;
  for (const raw of input) {
    const c = checkInput(raw);
    if (!c.ok) {
      rejected++;
      if (json) lines.push(JSON.stringify({ name: raw, error: c.error, matches: [] }));
      else lines.push(`${safeForTerminal(raw)}\terror: ${c.error}`);
      continue;
    }
    const name = c.name;
    const { matches, dropped } = explain ? matcher.explainName(name) : { matches: matcher.matchName(name), dropped: [] as Dropped[] };
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
  return rejected > 0 ? EXIT_FAILURE : 0;
}

export { checkInput, publicMatch, publicDropped };
