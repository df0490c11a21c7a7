/** `ctwatch hits ...`: list hits, and triage them (ack, fp, reopen). */
import type { LoadedConfig } from '../../config/load.js';
import type { HitRow, HitStatus } from '../../store/types.js';
import type { Enrichment } from '../../enrich/types.js';
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

export function hitsListCommand(loaded: LoadedConfig, f: HitsQueryFlags): number {
  if (f.severity !== undefined && !SEVERITIES.includes(f.severity as Severity)) throw new CliError(`--severity: one of ${SEVERITIES.join(', ')}`, EXIT_USAGE);
  if (f.status !== undefined && !STATUSES.includes(f.status as HitStatus)) throw new CliError(`--status: one of ${STATUSES.join(', ')}`, EXIT_USAGE);
  const since = sinceToTime(f.since);
  const { rows, enrichment } = withStore(loaded, (s) => {
    const rows = s.hits.listHits({ since, brand: f.brand, minSeverity: f.severity as Severity | undefined, status: f.status as HitStatus | undefined });
    return { rows, enrichment: f.json ? rows.map((r) => s.enrichment.enrichmentFor(r.id)) : [] };
  });
  if (f.json) {
    out(rows.map((r, i) => JSON.stringify(publicHit(r, enrichment[i]))).join('\n') + (rows.length ? '\n' : ''));
  } else if (f.csv) {
    const header = ['id', 'first_seen', 'last_seen', 'times_seen', 'status', 'severity', 'score', 'technique', 'brand', 'watch', 'name', 'registrable', 'reason', 'issuer', 'serial', 'not_before', 'not_after', 'precert', 'log', 'index', 'sha256', 'names'];
    out(
      toCsv(
        header,
        rows.map((r) => {
          const p = publicHit(r);
          return [p.id, p.first_seen, p.last_seen, p.times_seen, p.status, p.severity, p.score, p.technique, p.brand, p.watch, p.name, p.registrable, p.reason, p.cert.issuer, p.cert.serial, p.cert.not_before, p.cert.not_after, p.cert.precert, p.cert.log, p.cert.index, p.cert.sha256, p.names];
        }),
      ),
    );
  } else {
    if (rows.length === 0) out('no hits\n');
    for (const r of rows) {
      out(`#${r.id}\t${new Date(r.firstSeen).toISOString()}\t${r.status}${r.suppressed ? ' (suppressed)' : ''}\t${r.severity}\t${r.score}\t${r.technique}\t${r.brand ?? r.watch}\t${safeForTerminal(r.name)}\t${safeForTerminal(r.reason)}\n`);
    }
  }
  return 0;
}

/** The public JSON form of a hit; `enrichment` is its latest enrichment (docs/enrichment.md), null when none. */
export function publicHit(r: HitRow, enrichment: Enrichment | null = null) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: r.id,
    name: r.name,
    registrable: r.registrable,
    brand: r.brand,
    watch: r.watch,
    technique: r.technique,
    techniques: r.techniques,
    severity: r.severity,
    score: r.score,
    reason: r.reason,
    status: r.status,
    suppressed: r.suppressed,
    first_seen: iso(r.firstSeen),
    last_seen: iso(r.lastSeen),
    times_seen: r.timesSeen,
    names: r.names,
    cert: { sha256: r.sha256, issuer: r.issuer, subject: r.subject, serial: r.serial, not_before: iso(r.notBefore), not_after: iso(r.notAfter), precert: r.precert, log: r.logUrl, index: r.logIndex },
    enrichment,
  };
}

export function hitsTriageCommand(loaded: LoadedConfig, action: 'ack' | 'fp' | 'reopen', idText: string | undefined): number {
  const id = Number(idText);
  if (!idText || !Number.isSafeInteger(id) || id <= 0) throw new CliError(`hits ${action}: give a hit id (a positive number)`, EXIT_USAGE);
  const status: HitStatus = action === 'ack' ? 'acknowledged' : action === 'fp' ? 'false_positive' : 'new';
  const ok = withStore(loaded, (s) => s.hits.setStatus(id, status));
  if (!ok) throw new CliError(`no hit with id ${id}`);
  out(`hit ${id}: ${status}${action === 'fp' ? ' (future hits for its registrable domain and brand are suppressed)' : ''}\n`);
  return 0;
}
