/**
 * The dashboard's read and triage queries: the narrow interface the API (src/api/) talks to.
 * Every method returns a Promise so a PostgreSQL store (issue 16) can implement the same
 * interface; the SQLite implementation answers synchronously underneath.
 *
 * Pagination is keyset (cursor) pagination on (sort key, id), so page N costs what page 1
 * costs, whatever the number of hits. The indexes it needs come with migration 5.
 */
import type { Db } from './db.js';
import { HIT_SELECT, toHitRow, type HitStore, type RawHit } from './hit-store.js';
import type { HitRow, HitStatus, InventoryRow, Takedown, TakedownStatus, TriageEntry, TriageAction, TriageInput } from './types.js';
import { SEVERITIES, type Severity } from '../match/types.js';

export interface HitFilter {
  brand?: string;
  watch?: string;
  /** Minimum severity: this one and the more severe ones. */
  minSeverity?: Severity;
  status?: HitStatus;
  technique?: string;
  /** first_seen >= since (ms). */
  since?: number;
  /** first_seen < until (ms). */
  until?: number;
  /** Case-insensitive (ASCII) substring of any name of the hit's certificate; at least MIN_SEARCH_LENGTH characters. */
  q?: string;
}

export type HitSort = 'first_seen' | 'score' | 'severity';
export type SortOrder = 'desc' | 'asc';

/** Where the next page starts: the last row's sort key and id. */
export interface HitCursor {
  key: number;
  id: number;
}

export interface PageRequest {
  limit: number;
  sort: HitSort;
  order: SortOrder;
  after: HitCursor | null;
}

/** A hit as the dashboard shows it: the stored hit plus its takedown status. */
export interface DashboardHit extends HitRow {
  takedown: Takedown | null;
}

export interface Sighting {
  seenAt: number;
  logUrl: string | null;
  logIndex: number | null;
  source: string | null;
}

export interface HitDetail {
  hit: DashboardHit;
  sightings: Sighting[];
  triage: TriageEntry[];
}

export interface DailyStats {
  days: { date: string; byBrand: Record<string, number>; total: number }[];
  bySeverity: Record<string, number>;
  byTechnique: Record<string, number>;
  open: number;
  triaged: number;
  /** first_seen of the newest hit in the whole store, or null when there is none. */
  latest: number | null;
}

export interface FiredCounts {
  /** key: brand name or watch item; counts of hits first seen in the last 24 h and 7 d. */
  brands: Map<string, { day: number; week: number }>;
  watch: Map<string, { day: number; week: number }>;
}

/** The dashboard's inventory item: the store's inventory row. */
export type InventoryItem = InventoryRow;

/** The dashboard's view of the store. Implementations must not reorder or drop the filters' meaning. */
export interface DashboardQueries {
  /** One page of hits matching `filter`, in the asked order; `next` is null on the last page. */
  listHits(filter: HitFilter, page: PageRequest): Promise<{ hits: DashboardHit[]; next: HitCursor | null }>;
  /** Hits by id, in the order given; unknown ids are left out. */
  getHits(ids: readonly number[]): Promise<DashboardHit[]>;
  getHitDetail(id: number): Promise<HitDetail | null>;
  /** The shared triage code path (HitStore.triage). Resolves to the ids that existed. Rejects with code TRIAGE_INVALID. */
  triage(ids: readonly number[], input: TriageInput): Promise<number[]>;
  /** Hits per UTC day for `days` days ending with the day of `end` (inclusive). */
  dailyStats(days: number, end: number): Promise<DailyStats>;
  /** Hits per brand and watch item first seen in the 24 h and 7 days before `until` (exclusive; default: since now - 24 h / 7 d, open-ended). */
  firedCounts(now: number, until?: number): Promise<FiredCounts>;
  /** Pending and dead deliveries per notifier. */
  outboxByNotifier(): Promise<{ notifier: string; pending: number; dead: number }[]>;
  inventory(): Promise<InventoryItem[]>;
  /** Newest own-domain hits (new name, unexpected issuer). */
  ownDomainHits(limit: number): Promise<DashboardHit[]>;
}

/** Severity as a number for sorting; the same expression as the hits_severity_rank index (both dialects). */
export const SEV_RANK = `(CASE h.severity WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 WHEN 'critical' THEN 3 ELSE -1 END)`;
export const SORT_KEY: Record<HitSort, string> = { first_seen: 'h.first_seen', score: 'h.score', severity: SEV_RANK };
/** HIT_SELECT plus the takedown columns (both dialects). */
export const DASH_SELECT = HIT_SELECT.replace(' FROM hits h', ', h.takedown_status, h.takedown_at, h.takedown_note FROM hits h');
/** A term matching at least this many hits is "common" (see search). */
export const SEARCH_PROBE = 5_000;
/** Most rows read in page order per request when searching for a common term. */
export const SEARCH_WINDOW = 20_000;
/** Shortest q: the trigram index needs three characters. */
export const MIN_SEARCH_LENGTH = 3;
/** A search term with one of these is only looked up in the index, never scanned for (see search). */
export const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;

export interface RawDashHit extends RawHit {
  takedown_status: TakedownStatus | null;
  takedown_at: number | null;
  takedown_note: string | null;
}

export function toDashboardHit(r: RawDashHit): DashboardHit {
  return {
    ...toHitRow(r),
    takedown: r.takedown_status === null ? null : { status: r.takedown_status, at: r.takedown_at, note: r.takedown_note },
  };
}

/** Lower-cases ASCII only, exactly as SQLite's lower() does, so both search paths agree. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (c) => c.toLowerCase());
}

/** A GLOB pattern for "contains s" with GLOB's metacharacters taken literally. */
function globContains(s: string): string {
  return `*${s.replace(/[*?[]/g, (c) => `[${c}]`)}*`;
}

export interface SearchTuning {
  /** A term matching at least this many hits is "common" (default SEARCH_PROBE). */
  probe?: number;
  /** Most rows read in page order for a common term (default SEARCH_WINDOW). */
  window?: number;
}

export class SqliteDashboardQueries implements DashboardQueries {
  private readonly probe: number;
  private readonly window: number;

  /** `tuning` exists for tests, which need both search paths on a small store. */
  constructor(
    private readonly db: Db,
    private readonly hits: HitStore,
    tuning: SearchTuning = {},
  ) {
    this.probe = tuning.probe ?? SEARCH_PROBE;
    this.window = tuning.window ?? SEARCH_WINDOW;
  }

  async listHits(filter: HitFilter, page: PageRequest): Promise<{ hits: DashboardHit[]; next: HitCursor | null }> {
    const want = page.limit + 1;
    const found = filter.q ? this.search(filter, page, asciiLower(filter.q), want) : { rows: this.query(filter, page, null, want), resume: null };
    return pageOf(found.rows, page, found.resume);
  }

  /**
   * Text search, two ways, chosen by how many hits the term matches in the trigram index:
   * - fewer than `probe` (default 5,000): the index gives the matching ids, which are filtered
   *   and sorted here: complete, and cheap because there are few;
   * - more (a common term): the filtered rows are read in page order and their names tested, at
   *   most `window` rows (default 20,000) per request. A common term fills the page long before
   *   that; when it does not (it is common, but rare among the filtered rows), the page holds what
   *   the window held and `resume` points after the last row read: the next request goes on from
   *   there. So every request does bounded work, and the pages together hold exactly the filtered
   *   hits whose names contain q, in page order; a page may be short (even empty) before the end.
   */
  private search(filter: HitFilter, page: PageRequest, q: string, want: number): { rows: RawDashHit[]; resume: HitCursor | null } {
    const probe = (this.db.prepare(`SELECT count(*) AS n FROM (SELECT rowid FROM hits_names WHERE names GLOB ? LIMIT ${this.probe})`).get(globContains(q)) as { n: number }).n;
    // Names are stored one per line: a term with a control character is only looked up in the index.
    if (probe < this.probe || CONTROL_CHAR.test(q)) return { rows: this.query(filter, page, q, want), resume: null };
    const { where, args } = whereClause(filter, page);
    // The names are read from the search table by rowid: with the sort order's index covering the
    // filter, the hit rows themselves are not read until the page is known.
    const sql = `SELECT h.id AS id, ${SORT_KEY[page.sort]} AS k, (SELECT instr(names, ?) FROM hits_names WHERE rowid = h.id) > 0 AS m
      FROM hits h ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${orderBy(page)} LIMIT ${this.window}`;
    const ids: number[] = [];
    let read = 0;
    let last: { id: number; k: number } | null = null;
    for (const r of this.db.prepare(sql).iterate(q, ...args) as IterableIterator<{ id: number; k: number; m: number }>) {
      read++;
      last = r;
      if (r.m === 1 && ids.push(r.id) >= want) break;
    }
    const rows = ids.length ? this.rowsById(ids) : [];
    const windowFull = ids.length < want && read >= this.window && last !== null;
    return { rows, resume: windowFull ? { key: last!.k, id: last!.id } : null };
  }

  /** Full rows for ids, in the order given. */
  private rowsById(ids: readonly number[]): RawDashHit[] {
    const stmt = this.db.prepare(`${DASH_SELECT} WHERE h.id = ?`);
    return ids.map((id) => stmt.get(id) as RawDashHit | undefined).filter((r): r is RawDashHit => r !== undefined);
  }

  /** Filtered, ordered, keyset-limited SELECT; `fts`: only hits whose names contain it (trigram index). */
  private query(filter: HitFilter, page: PageRequest, fts: string | null, limit: number): RawDashHit[] {
    const { where, args } = whereClause(filter, page);
    if (fts !== null) {
      where.push('h.id IN (SELECT rowid FROM hits_names WHERE names GLOB ?)');
      args.push(globContains(fts));
    }
    const sql = `${DASH_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${orderBy(page)} LIMIT ?`;
    return this.db.prepare(sql).all(...args, limit) as RawDashHit[];
  }

  async getHits(ids: readonly number[]): Promise<DashboardHit[]> {
    return this.rowsById(ids).map(toDashboardHit);
  }

  async getHitDetail(id: number): Promise<HitDetail | null> {
    const [hit] = await this.getHits([id]);
    if (!hit) return null;
    const triage = (
      this.db.prepare('SELECT action, note, takedown, at FROM triage_history WHERE hit_id = ? ORDER BY id').all(id) as {
        action: TriageAction;
        note: string | null;
        takedown: TakedownStatus | null;
        at: number;
      }[]
    ).map((r) => ({ action: r.action, note: r.note, takedown: r.takedown, at: r.at }));
    return { hit, sightings: this.hits.sightings(id), triage };
  }

  async triage(ids: readonly number[], input: TriageInput): Promise<number[]> {
    return this.hits.triage(ids, input);
  }

  async dailyStats(days: number, end: number): Promise<DailyStats> {
    const { from, to } = statsWindow(days, end);
    // One pass over the window's rows, grouped by everything the answer counts by; ordered, so the
    // answer's keys come in one defined order (the PostgreSQL dialect orders the same way).
    const groups = this.db
      .prepare(
        `SELECT CAST((first_seen - ?) / ${DAY_MS} AS INTEGER) AS d, coalesce(brand, watch, '') AS b, severity AS s, technique AS t, status = 'new' AS open, count(*) AS n
         FROM hits WHERE first_seen >= ? AND first_seen < ? GROUP BY d, b, s, t, open ORDER BY d, b, s, t, open`,
      )
      .all(from, from, to) as StatsGroup[];
    const latest = (this.db.prepare('SELECT max(first_seen) AS t FROM hits').get() as { t: number | null }).t;
    return foldDailyStats(groups, latest, from, to);
  }

  async firedCounts(now: number, until?: number): Promise<FiredCounts> {
    const { day, week } = firedWindow(now, until);
    // Without `until` the window is open-ended (a hit stamped a little ahead of this clock counts).
    // Ordered (NULLs first) so the maps' keys come in one defined order, as on PostgreSQL.
    const rows = this.db
      .prepare(
        `SELECT brand, watch, sum(first_seen >= ?) AS day, count(*) AS week FROM hits WHERE first_seen >= ? AND first_seen < ? GROUP BY brand, watch ORDER BY brand, watch`,
      )
      .all(day, week, until ?? Number.MAX_SAFE_INTEGER) as FiredGroup[];
    return foldFiredCounts(rows);
  }

  async outboxByNotifier(): Promise<{ notifier: string; pending: number; dead: number }[]> {
    const rows = this.db
      .prepare(`SELECT notifier_id AS notifier, sum(status = 'pending') AS pending, sum(status = 'dead') AS dead FROM deliveries WHERE status IN ('pending', 'dead') GROUP BY notifier_id ORDER BY notifier_id`)
      .all() as { notifier: string; pending: number; dead: number }[];
    return rows;
  }

  async inventory(): Promise<InventoryItem[]> {
    return this.hits.listInventory();
  }

  async ownDomainHits(limit: number): Promise<DashboardHit[]> {
    return (
      this.db
        .prepare(`${DASH_SELECT} WHERE h.technique IN ('own-domain:new-name', 'own-domain:unexpected-issuer') ORDER BY h.first_seen DESC, h.id DESC LIMIT ?`)
        .all(limit) as RawDashHit[]
    ).map(toDashboardHit);
  }
}

// ---- shared by both dialects: what the SQL rows become --------------------------------------

const DAY_MS = 86_400_000;

/**
 * One page from up to limit + 1 rows in page order: `next` points after the page's last row when
 * there are more rows, else it is `resume` (the search's "go on from here", or null at the end).
 */
export function pageOf(rows: readonly RawDashHit[], page: PageRequest, resume: HitCursor | null): { hits: DashboardHit[]; next: HitCursor | null } {
  const more = rows.length > page.limit;
  const hits = rows.slice(0, page.limit).map(toDashboardHit);
  const last = hits[hits.length - 1];
  const next = more && last ? { key: sortValue(last, page.sort), id: last.id } : resume;
  return { hits, next };
}

/** dailyStats' window: [from, to), `days` whole UTC days ending with the day of `end`. */
export function statsWindow(days: number, end: number): { from: number; to: number } {
  const to = Math.floor(end / DAY_MS) * DAY_MS + DAY_MS;
  return { from: to - days * DAY_MS, to };
}

/** A group of dailyStats' query: day index, brand (or watch item, or ''), severity, technique, open?, count. */
export interface StatsGroup {
  d: number;
  b: string;
  s: string;
  t: string;
  open: number | boolean;
  n: number;
}

/** DailyStats from its query's groups (in the query's order, which fixes the keys' order). */
export function foldDailyStats(groups: readonly StatsGroup[], latest: number | null, from: number, to: number): DailyStats {
  const out: DailyStats = { days: [], bySeverity: Object.fromEntries(SEVERITIES.map((x) => [x, 0])), byTechnique: {}, open: 0, triaged: 0, latest };
  for (let t = from; t < to; t += DAY_MS) out.days.push({ date: new Date(t).toISOString().slice(0, 10), byBrand: {}, total: 0 });
  for (const g of groups) {
    const day = out.days[g.d];
    if (day) {
      day.byBrand[g.b] = (day.byBrand[g.b] ?? 0) + g.n;
      day.total += g.n;
    }
    out.bySeverity[g.s] = (out.bySeverity[g.s] ?? 0) + g.n;
    out.byTechnique[g.t] = (out.byTechnique[g.t] ?? 0) + g.n;
    if (g.open) out.open += g.n;
    else out.triaged += g.n;
  }
  return out;
}

/** firedCounts' bounds: first_seen >= day counts for the day, >= week for the week. */
export function firedWindow(now: number, until?: number): { day: number; week: number } {
  const end = until ?? now;
  return { day: end - DAY_MS, week: end - 7 * DAY_MS };
}

export interface FiredGroup {
  brand: string | null;
  watch: string | null;
  day: number;
  week: number;
}

export function foldFiredCounts(rows: readonly FiredGroup[]): FiredCounts {
  const out: FiredCounts = { brands: new Map(), watch: new Map() };
  for (const r of rows) {
    const [map, key] = r.brand !== null ? [out.brands, r.brand] : [out.watch, r.watch ?? ''];
    const cur = map.get(key) ?? { day: 0, week: 0 };
    map.set(key, { day: cur.day + r.day, week: cur.week + r.week });
  }
  return out;
}

/** The cursor key of a hit for a sort (what SORT_KEY computes in SQL). */
export function sortValue(h: HitRow, sort: HitSort): number {
  return sort === 'first_seen' ? h.firstSeen : sort === 'score' ? h.score : SEVERITIES.indexOf(h.severity);
}

function orderBy(page: PageRequest): string {
  const dir = page.order === 'asc' ? 'ASC' : 'DESC';
  return `ORDER BY ${SORT_KEY[page.sort]} ${dir}, h.id ${dir}`;
}

function whereClause(filter: HitFilter, page: PageRequest): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.brand !== undefined) {
    where.push('h.brand = ? COLLATE NOCASE');
    args.push(filter.brand);
  }
  if (filter.watch !== undefined) {
    where.push('h.watch = ?');
    args.push(filter.watch);
  }
  if (filter.status !== undefined) {
    where.push('h.status = ?');
    args.push(filter.status);
  }
  if (filter.technique !== undefined) {
    where.push('h.technique = ?');
    args.push(filter.technique);
  }
  if (filter.minSeverity !== undefined) {
    const allowed = SEVERITIES.filter((s) => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(filter.minSeverity!));
    // Unary + keeps the planner on the sort order's index: a severity range is rarely selective.
    where.push(`+h.severity IN (${allowed.map(() => '?').join(',')})`);
    args.push(...allowed);
  }
  if (filter.since !== undefined) {
    where.push('h.first_seen >= ?');
    args.push(filter.since);
  }
  if (filter.until !== undefined) {
    where.push('h.first_seen < ?');
    args.push(filter.until);
  }
  if (page.after) {
    where.push(`(${SORT_KEY[page.sort]}, h.id) ${page.order === 'asc' ? '>' : '<'} (?, ?)`);
    args.push(page.after.key, page.after.id);
  }
  return { where, args };
}
