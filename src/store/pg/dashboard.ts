/**
 * The dashboard's queries on PostgreSQL: SqliteDashboardQueries (store/dashboard.ts) in
 * PostgreSQL's dialect. Same answers in the same order, page for page and cursor for cursor
 * (the shared suite test/store/dashboard-suite.ts and a side-by-side test check it); the JSON
 * the SQL rows become is built by the same functions (pageOf, foldDailyStats, foldFiredCounts).
 *
 * Dialect points that keep the answers equal:
 * - brand compares case-insensitively for ASCII only, as SQLite's NOCASE (lower() alone would
 *   fold other letters too); lower() is kept beside it for the index on lower(brand);
 * - text sorts (outbox per notifier, inventory, grouped stats) use COLLATE "C": byte order, as
 *   SQLite's BINARY, whatever the database's collation;
 * - the name search reads hits_names (migration v7; the same contents as SQLite's) with LIKE,
 *   its wildcards escaped, answered by the pg_trgm trigram index; the same two search paths
 *   (index for rare terms, bounded scan in page order for common ones) with the same thresholds,
 *   so even a short page and its resume cursor are the same;
 * - certificate-derived and user text goes through pgText (PostgreSQL text has no U+0000).
 */
import type pg from 'pg';
import { SEVERITIES } from '../../match/types.js';
import {
  asciiLower,
  CONTROL_CHAR,
  DASH_SELECT,
  firedWindow,
  foldDailyStats,
  foldFiredCounts,
  pageOf,
  SEARCH_PROBE,
  SEARCH_WINDOW,
  SORT_KEY,
  statsWindow,
  toDashboardHit,
  type DailyStats,
  type DashboardHit,
  type DashboardQueries,
  type FiredCounts,
  type FiredGroup,
  type HitCursor,
  type HitDetail,
  type HitFilter,
  type InventoryItem,
  type PageRequest,
  type RawDashHit,
  type SearchTuning,
  type Sighting,
  type StatsGroup,
} from '../dashboard.js';
import type { TakedownStatus, TriageAction, TriageEntry, TriageInput } from '../types.js';
import { pgText, query } from './connection.js';
import { triagePg } from './triage.js';
import { toInventoryRow, type RawInventoryRow } from '../types.js';

/** ASCII-only lower case, as SQLite's lower() and NOCASE (and migration v7's search text). */
const asciiFold = (sql: string) => `translate(${sql}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

/** A LIKE pattern for "contains s", with LIKE's wildcards (% _) and its escape (\) in s literal. */
export function likeContains(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Numbered parameters of one statement. */
class Params {
  readonly values: unknown[] = [];
  /** Adds a value; returns its placeholder. */
  add(v: unknown): string {
    return `$${this.values.push(v)}`;
  }
}

export class PgDashboardQueries implements DashboardQueries {
  private readonly probe: number;
  private readonly window: number;

  /** `tuning` exists for tests, which need both search paths on a small store (as SQLite's). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
    tuning: SearchTuning = {},
  ) {
    this.probe = tuning.probe ?? SEARCH_PROBE;
    this.window = tuning.window ?? SEARCH_WINDOW;
  }

  async listHits(filter: HitFilter, page: PageRequest): Promise<{ hits: DashboardHit[]; next: HitCursor | null }> {
    const want = page.limit + 1;
    const found = filter.q ? await this.search(filter, page, asciiLower(filter.q), want) : { rows: await this.query(filter, page, null, want), resume: null };
    return pageOf(found.rows, page, found.resume);
  }

  /**
   * SqliteDashboardQueries.search, the same two paths chosen by the same probe: fewer than
   * `probe` matching hits (or a term with a control character): the index query, complete; more:
   * at most `window` filtered rows read in page order, their names tested, the page filled with
   * the matches; when the window ends first, `resume` is its last row. One statement does the
   * window: row_number() marks its last row, so the matches and where to resume come from one
   * snapshot, and the scan stops as soon as the page is full.
   */
  private async search(filter: HitFilter, page: PageRequest, q: string, want: number): Promise<{ rows: RawDashHit[]; resume: HitCursor | null }> {
    const term = pgText(q);
    const probe = (
      await query<{ n: number }>(this.pool, 'SELECT count(*) AS n FROM (SELECT 1 FROM hits_names WHERE names LIKE $1 LIMIT $2) x', [likeContains(term), this.probe])
    ).rows[0]!.n;
    if (probe < this.probe || CONTROL_CHAR.test(q)) return { rows: await this.query(filter, page, term, want), resume: null };
    const p = new Params();
    const qArg = p.add(term);
    const where = whereClause(filter, page, p);
    const win = p.add(this.window);
    const order = orderBy(page);
    const sql = `SELECT w.id, w.k, w.m, w.rn FROM (
        SELECT h.id, ${SORT_KEY[page.sort]} AS k, (SELECT strpos(n.names, ${qArg}) FROM hits_names n WHERE n.hit_id = h.id) > 0 AS m,
          row_number() OVER (${order}) AS rn
        FROM hits h ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT ${win}) w
      WHERE w.m OR w.rn = ${win} ORDER BY w.rn LIMIT ${p.add(want + 1)}`;
    const rows = (await query<{ id: number; k: number; m: boolean | null; rn: number }>(this.pool, sql, p.values)).rows;
    const ids: number[] = [];
    for (const r of rows) if (r.m === true && ids.push(r.id) >= want) break;
    const last = rows.find((r) => r.rn === this.window);
    const found = ids.length ? await this.rowsById(ids) : [];
    return { rows: found, resume: ids.length < want && last ? { key: last.k, id: last.id } : null };
  }

  /** Full rows for ids, in the order given (repeats repeated, unknown ids left out). */
  private async rowsById(ids: readonly number[]): Promise<RawDashHit[]> {
    const wanted = [...new Set(ids.filter((id) => Number.isSafeInteger(id)))];
    if (!wanted.length) return [];
    const r = await query<RawDashHit>(this.pool, `${DASH_SELECT} WHERE h.id = ANY($1::bigint[])`, [wanted]);
    const byId = new Map(r.rows.map((x) => [x.id, x]));
    return ids.map((id) => byId.get(id)).filter((x): x is RawDashHit => x !== undefined);
  }

  /** Filtered, ordered, keyset-limited SELECT; `term`: only hits whose names contain it (trigram index). */
  private async query(filter: HitFilter, page: PageRequest, term: string | null, limit: number): Promise<RawDashHit[]> {
    const p = new Params();
    const where = whereClause(filter, page, p);
    if (term !== null) where.push(`h.id IN (SELECT hit_id FROM hits_names WHERE names LIKE ${p.add(likeContains(term))})`);
    const sql = `${DASH_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${orderBy(page)} LIMIT ${p.add(limit)}`;
    return (await query<RawDashHit>(this.pool, sql, p.values)).rows;
  }

  async getHits(ids: readonly number[]): Promise<DashboardHit[]> {
    return (await this.rowsById(ids)).map(toDashboardHit);
  }

  async getHitDetail(id: number): Promise<HitDetail | null> {
    const [hit] = await this.getHits([id]);
    if (!hit) return null;
    const [sightings, triage] = await Promise.all([
      query<{ seen_at: number; log_url: string | null; log_index: number | null; source: string | null }>(
        this.pool,
        'SELECT seen_at, log_url, log_index, source FROM sightings WHERE hit_id = $1 ORDER BY id',
        [id],
      ),
      query<{ action: TriageAction; note: string | null; takedown: TakedownStatus | null; at: number }>(
        this.pool,
        'SELECT action, note, takedown, at FROM triage_history WHERE hit_id = $1 ORDER BY id',
        [id],
      ),
    ]);
    return {
      hit,
      sightings: sightings.rows.map((r): Sighting => ({ seenAt: r.seen_at, logUrl: r.log_url, logIndex: r.log_index, source: r.source })),
      triage: triage.rows.map((r): TriageEntry => ({ action: r.action, note: r.note, takedown: r.takedown, at: r.at })),
    };
  }

  triage(ids: readonly number[], input: TriageInput): Promise<number[]> {
    return triagePg(this.pool, this.now, ids, input);
  }

  async dailyStats(days: number, end: number): Promise<DailyStats> {
    const { from, to } = statsWindow(days, end);
    const [groups, latest] = await Promise.all([
      query<StatsGroup>(
        this.pool,
        `SELECT ((first_seen - $1) / 86400000)::int AS d, coalesce(brand, watch, '') AS b, severity AS s, technique AS t, status = 'new' AS open, count(*)::int AS n
         FROM hits WHERE first_seen >= $1 AND first_seen < $2
         GROUP BY 1, 2, 3, 4, 5
         ORDER BY 1, coalesce(brand, watch, '') COLLATE "C", severity COLLATE "C", technique COLLATE "C", 5`,
        [from, to],
      ),
      query<{ t: number | null }>(this.pool, 'SELECT max(first_seen) AS t FROM hits'),
    ]);
    return foldDailyStats(groups.rows, latest.rows[0]!.t, from, to);
  }

  async firedCounts(now: number, until?: number): Promise<FiredCounts> {
    const { day, week } = firedWindow(now, until);
    const r = await query<FiredGroup>(
      this.pool,
      `SELECT brand, watch, (count(*) FILTER (WHERE first_seen >= $1))::int AS day, count(*)::int AS week
       FROM hits WHERE first_seen >= $2 AND first_seen < $3
       GROUP BY brand, watch ORDER BY brand COLLATE "C" NULLS FIRST, watch COLLATE "C" NULLS FIRST`,
      [day, week, until ?? Number.MAX_SAFE_INTEGER],
    );
    return foldFiredCounts(r.rows);
  }

  async outboxByNotifier(): Promise<{ notifier: string; pending: number; dead: number }[]> {
    const r = await query<{ notifier: string; pending: number; dead: number }>(
      this.pool,
      `SELECT notifier_id AS notifier, (count(*) FILTER (WHERE status = 'pending'))::int AS pending, (count(*) FILTER (WHERE status = 'dead'))::int AS dead
       FROM deliveries WHERE status IN ('pending', 'dead') GROUP BY notifier_id ORDER BY notifier_id COLLATE "C"`,
    );
    return r.rows;
  }

  async inventory(): Promise<InventoryItem[]> {
    const r = await query<RawInventoryRow>(this.pool, 'SELECT watch, name, first_seen, last_seen, issuers_json, cert_count FROM inventory ORDER BY watch COLLATE "C", name COLLATE "C"');
    return r.rows.map(toInventoryRow);
  }

  async ownDomainHits(limit: number): Promise<DashboardHit[]> {
    const r = await query<RawDashHit>(
      this.pool,
      `${DASH_SELECT} WHERE h.technique IN ('own-domain:new-name', 'own-domain:unexpected-issuer') ORDER BY h.first_seen DESC, h.id DESC LIMIT $1`,
      [limit],
    );
    return r.rows.map(toDashboardHit);
  }
}

function orderBy(page: PageRequest): string {
  const dir = page.order === 'asc' ? 'ASC' : 'DESC';
  return `ORDER BY ${SORT_KEY[page.sort]} ${dir}, h.id ${dir}`;
}

/** SqliteDashboardQueries' filter, in PostgreSQL's dialect; values added to `p`. */
function whereClause(filter: HitFilter, page: PageRequest, p: Params): string[] {
  const where: string[] = [];
  if (filter.brand !== undefined) {
    const b = p.add(pgText(filter.brand));
    where.push(`lower(h.brand) = lower(${b}) AND ${asciiFold('h.brand')} = ${asciiFold(b)}`);
  }
  if (filter.watch !== undefined) where.push(`h.watch = ${p.add(pgText(filter.watch))}`);
  if (filter.status !== undefined) where.push(`h.status = ${p.add(pgText(filter.status))}`);
  if (filter.technique !== undefined) where.push(`h.technique = ${p.add(pgText(filter.technique))}`);
  if (filter.minSeverity !== undefined) {
    const allowed = SEVERITIES.filter((s) => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(filter.minSeverity!));
    where.push(`h.severity = ANY(${p.add(allowed)}::text[])`);
  }
  if (filter.since !== undefined) where.push(`h.first_seen >= ${p.add(filter.since)}::bigint`);
  if (filter.until !== undefined) where.push(`h.first_seen < ${p.add(filter.until)}::bigint`);
  if (page.after) {
    // bigint: a cursor key beyond the column's type (score is INTEGER) compares, as in SQLite, instead of failing.
    where.push(`(${SORT_KEY[page.sort]}, h.id) ${page.order === 'asc' ? '>' : '<'} (${p.add(page.after.key)}::bigint, ${p.add(page.after.id)}::bigint)`);
  }
  return where;
}
