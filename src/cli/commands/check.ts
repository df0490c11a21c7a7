/** `ctwatch check [--json] NAME... | -`: runs the matcher on names, without the daemon. */
import type { LoadedConfig } from '../../config/load.js';
import { compileRules } from '../../app.js';
import { checkName, publicMatch } from '../../match/check-result.js';
import { out, safeForTerminal } from '../util.js';

export async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
}

export async function checkCommand(loaded: LoadedConfig, names: string[], json: boolean): Promise<number> {
  const input = names.length === 1 && names[0] === '-' ? await readStdinLines() : names;
  const { matcher } = compileRules(loaded);
  const lines: string[] = [];
  let matched = 0;
  for (const name of input) {
    if (json) {
      const r = checkName(matcher, name);
      if (r.matches.length) matched++;
      lines.push(JSON.stringify(r));
      if (lines.length >= 4096) out(lines.splice(0).join('\n') + '\n');
      continue;
    }
    const matches = matcher.matchName(name);
    if (matches.length) matched++;
    if (matches.length === 0) lines.push(`${safeForTerminal(name)}\tno match`);
    else for (const m of matches) lines.push(`${safeForTerminal(name)}\t${m.severity}\t${m.score}\t${m.technique}\t${m.brand ?? m.watch}\t${safeForTerminal(m.reason)}`);
    // Flush in chunks: 100,000 names should not build one giant string.
    if (lines.length >= 4096) out(lines.splice(0).join('\n') + '\n');
  }
  if (lines.length) out(lines.join('\n') + '\n');
  void matched;
  return 0;
}

export { publicMatch };
