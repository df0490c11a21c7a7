/** Small CLI commands: inventory, allow, outbox, permutations, config check. */
import type { LoadedConfig } from '../../config/load.js';
import { compileRulesOrExit, withBackend } from '../context.js';
import { CliError, EXIT_USAGE, err, out, safeForTerminal, toCsv } from '../util.js';
import { noisyKeywordWarnings } from '../../match/noise.js';
import { generatePermutations, normalizeName } from '../../match/index.js';
import type { DeliveryStatus } from '../../store/outbox.js';
import { redactUrl } from '../../log/secrets.js';

export async function inventoryCommand(loaded: LoadedConfig, f: { watch?: string; json?: boolean; csv?: boolean }): Promise<number> {
  const rows = await withBackend(loaded, (b) => b.hits.listInventory({ watch: f.watch }));
  const iso = (t: number) => new Date(t).toISOString();
  if (f.json) out(rows.map((r) => JSON.stringify({ watch: r.watch, name: r.name, first_seen: iso(r.firstSeen), last_seen: iso(r.lastSeen), issuers: r.issuers, certificates: r.certCount })).join('\n') + (rows.length ? '\n' : ''));
  else if (f.csv) out(toCsv(['watch', 'name', 'first_seen', 'last_seen', 'issuers', 'certificates'], rows.map((r) => [r.watch, r.name, iso(r.firstSeen), iso(r.lastSeen), r.issuers.join('; '), r.certCount])));
  else {
    if (rows.length === 0) out('inventory is empty\n');
    for (const r of rows) out(`${r.watch}\t${safeForTerminal(r.name)}\t${iso(r.firstSeen)}\t${iso(r.lastSeen)}\t${r.certCount}\t${safeForTerminal(r.issuers.join('; '))}\n`);
  }
  return 0;
}

export async function allowAddCommand(loaded: LoadedConfig, domain: string | undefined): Promise<number> {
  const n = domain ? normalizeName(domain) : null;
  const ascii = n?.ascii;
  if (!domain || !ascii) throw new CliError('allow add: give a domain name', EXIT_USAGE);
  await withBackend(loaded, (b) => b.hits.addAllow(ascii));
  out(`allowed ${ascii} (and its subdomains); a running daemon applies it on its next reload (SIGHUP)\n`);
  return 0;
}

export async function outboxListCommand(loaded: LoadedConfig, f: { status?: string; json?: boolean }): Promise<number> {
  const statuses: DeliveryStatus[] = ['pending', 'delivered', 'dead'];
  if (f.status !== undefined && !statuses.includes(f.status as DeliveryStatus)) throw new CliError(`--status: one of ${statuses.join(', ')}`, EXIT_USAGE);
  const rows = await withBackend(loaded, (b) => b.outbox.list({ status: f.status as DeliveryStatus | undefined }));
  if (f.json) out(rows.map((r) => JSON.stringify({ id: r.id, kind: r.kind, hit_id: r.hitId, notifier: r.notifierId, status: r.status, attempts: r.attempts, created_at: new Date(r.createdAt).toISOString(), next_attempt_at: new Date(r.nextAttemptAt).toISOString(), last_error: r.lastError })).join('\n') + (rows.length ? '\n' : ''));
  else {
    if (rows.length === 0) out('outbox is empty\n');
    for (const r of rows) out(`#${r.id}\t${r.kind}\t${r.hitId ?? '-'}\t${r.notifierId}\t${r.status}\tattempts=${r.attempts}\t${r.lastError ?? ''}\n`);
  }
  return 0;
}

export async function outboxRetryCommand(loaded: LoadedConfig, target: string | undefined, dead: boolean): Promise<number> {
  let id: number | null = null;
  if (!dead) {
    id = Number(target);
    if (!target || !Number.isSafeInteger(id) || id <= 0) throw new CliError('outbox retry: give a delivery id or --dead', EXIT_USAGE);
  }
  const n = await withBackend(loaded, (b) => b.outbox.retryDead(id));
  out(`${n} dead deliveries queued again; a running daemon sends them on its next pass\n`);
  return 0;
}

export function permutationsCommand(domain: string | undefined, json: boolean): number {
  if (!domain) throw new CliError('permutations: give a domain, e.g. paypal.com', EXIT_USAGE);
  const perms = generatePermutations(domain.trim());
  // None at all: not a domain name, or no registrable part ("com", "localhost", "pay pal.com").
  if (perms.length === 0) throw new CliError(`permutations: ${JSON.stringify(safeForTerminal(domain))} is not a registrable domain name (e.g. paypal.com)`, EXIT_USAGE);
  if (json) {
    out(perms.map((p) => JSON.stringify(p)).join('\n') + '\n');
    return 0;
  }
  const counts = new Map<string, number>();
  for (const p of perms) counts.set(p.fuzzer, (counts.get(p.fuzzer) ?? 0) + 1);
  for (const p of perms) out(`${p.fuzzer}\t${p.domain}\n`);
  out(`\n${perms.length} permutations: ${[...counts].map(([f, n]) => `${f}=${n}`).join(' ')}\n`);
  return 0;
}

/**
 * Validates the config as `run` does (schema, notifiers, and the rules compiled by the matcher),
 * then prints a summary with every secret replaced, and a warning (stderr) for each keyword that
 * would fire on more than 1 in 10,000 ordinary names (the synthetic sample of `rules noise`).
 * Warnings do not change the exit code. A config `run` would refuse exits 2 here.
 */
export async function configCheckCommand(loaded: LoadedConfig): Promise<number> {
  await compileRulesOrExit(loaded);
  const c = loaded.config;
  const summary = {
    file: loaded.file,
    feed: c.feed.replay ? `replay ${c.feed.replay}` : [c.feed.url, ...(c.feed.urls ?? [])].filter((u): u is string => !!u).map((u) => redactUrl(u)),
    // PostgreSQL: the server and database, without user, password or query.
    store: c.store.url !== undefined ? redactUrl(c.store.url, { keepPath: true }) : c.store.path,
    http: c.http.listen,
    watch: c.watch.length,
    brands: c.brands.length,
    allow: c.allow.length,
    notifiers: loaded.notifiers.map((n) => ({ id: n.id, type: n.type })),
    secrets: loaded.secretPaths,
    routes: c.routes.length,
  };
  for (const w of loaded.warnings) err(`warning: ${w}\n`);
  out(`configuration is valid\n${JSON.stringify(summary, null, 2)}\n`);
  const warnings = noisyKeywordWarnings({ watch: [...c.watch], brands: [...c.brands], allow: [...c.allow], detection: c.detection });
  for (const w of warnings) err(`warning: ${safeForTerminal(w)}\n`);
  return 0;
}
