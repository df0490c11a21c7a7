/** `ctwatch hits ...`: list hits, and triage them (ack, fp, reopen). */
import type { LoadedConfig } from '../../config/load.js';
import { STATUS_FOR_ACTION, type HitStatus } from '../../store/types.js';
import { HIT_CSV_HEADER, hitCsvRow, publicHit } from '../../api/hit-json.js';
import type { Severity } from '../../match/types.js';
import { SEVERITIES } from '../../match/types.js';
import { withStore } from '../context.js';
import { CliError, EXIT_USAGE, out, safeForTerminal, sinceToTime, toCsv } from '../util.js';

export interface HitsQueryFlags {
  since?: string;
  brand?: string;
  severity?: string;
  status?: string;
  json?: boolean;
  csv?: boolean;
}

const STATUSES: HitStatus[] = ['new', 'acknowledged', 'false_positive'];

export async function hitsListCommand(loaded: LoadedConfig, f: HitsQueryFlags): Promise<number> {
  if (f.severity !== undefined && !SEVERITIES.includes(f.severity as Severity)) throw new CliError(`--severity: one of ${SEVERITIES.join(', ')}`, EXIT_USAGE);
  if (f.status !== undefined && !STATUSES.includes(f.status as HitStatus)) throw new CliError(`--status: one of ${STATUSES.join(', ')}`, EXIT_USAGE);
  const since = sinceToTime(f.since);
  const { rows, enrichment } = withStore(loaded, (s) => {
    const rows = s.hits.listHits({ since, brand: f.brand, minSeverity: f.severity as Severity | undefined, status: f.status as HitStatus | undefined });
    // SQLite reads at the call (settled promises): done before withStore closes the store.
    return { rows, enrichment: f.json ? Promise.all(rows.map((r) => s.enrichment.enrichmentFor(r.id))) : Promise.resolve([]) };
  });
  if (f.json) {
    const latest = await enrichment;
    out(rows.map((r, i) => JSON.stringify(publicHit(r, latest[i]))).join('\n') + (rows.length ? '\n' : ''));
  } else if (f.csv) {
    out(toCsv(HIT_CSV_HEADER, rows.map(hitCsvRow)));
  } else {
    if (rows.length === 0) out('no hits\n');
    for (const r of rows) {
      out(`#${r.id}\t${new Date(r.firstSeen).toISOString()}\t${r.status}${r.suppressed ? ' (suppressed)' : ''}\t${r.severity}\t${r.score}\t${r.technique}\t${r.brand ?? r.watch}\t${safeForTerminal(r.name)}\t${safeForTerminal(r.reason)}\n`);
    }
  }
  return 0;
}

export { publicHit };

export function hitsTriageCommand(loaded: LoadedConfig, action: 'ack' | 'fp' | 'reopen', idText: string | undefined): number {
  const id = Number(idText);
  if (!idText || !Number.isSafeInteger(id) || id <= 0) throw new CliError(`hits ${action}: give a hit id (a positive number)`, EXIT_USAGE);
  const status = STATUS_FOR_ACTION[action];
  const ok = withStore(loaded, (s) => s.hits.triage([id], { action }).length === 1);
  if (!ok) throw new CliError(`no hit with id ${id}`);
  out(`hit ${id}: ${status}${action === 'fp' ? ' (future hits for its registrable domain and brand are suppressed)' : ''}\n`);
  return 0;
}
