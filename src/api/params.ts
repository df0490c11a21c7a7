/**
 * Query-string parsing for the hits endpoints: filters, sort, page size and the opaque cursor.
 * Bad values are a 400 naming the parameter (ApiError), never a silent default.
 */
import { parseDurationMs } from '../config/duration.js';
import { SEVERITIES, type Severity } from '../match/types.js';
import { MIN_SEARCH_LENGTH, type HitFilter, type HitCursor, type HitSort, type PageRequest, type SortOrder } from '../store/dashboard.js';
import type { HitStatus } from '../store/types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATUSES: readonly HitStatus[] = ['new', 'acknowledged', 'false_positive'];
const SORTS: readonly HitSort[] = ['first_seen', 'score', 'severity'];
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const MAX_TEXT = 200;

type Query = Record<string, unknown>;

function text(q: Query, key: string): string | undefined {
  const v = q[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new ApiError(400, `${key}: give it once`);
  if (v.length > MAX_TEXT) throw new ApiError(400, `${key}: at most ${MAX_TEXT} characters`);
  return v;
}

/** "7d" (ago), or an ISO-8601 time. */
function time(q: Query, key: string, now: number): number | undefined {
  const v = text(q, key);
  if (v === undefined) return undefined;
  const ms = parseDurationMs(v);
  if (ms !== null) return now - ms;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ApiError(400, `${key}: a duration (7d) or an ISO-8601 time`);
  return t;
}

function oneOf<T extends string>(q: Query, key: string, allowed: readonly T[]): T | undefined {
  const v = text(q, key);
  if (v !== undefined && !allowed.includes(v as T)) throw new ApiError(400, `${key}: one of ${allowed.join(', ')}`);
  return v as T | undefined;
}

export function parseFilter(q: Query, now: number): HitFilter {
  return {
    brand: text(q, 'brand'),
    watch: text(q, 'watch'),
    minSeverity: oneOf(q, 'severity', SEVERITIES as readonly Severity[]),
    status: oneOf(q, 'status', STATUSES),
    technique: text(q, 'technique'),
    since: time(q, 'since', now),
    until: time(q, 'until', now),
    q: searchText(q),
  };
}

/** q: at least MIN_SEARCH_LENGTH characters (the trigram index's unit). */
function searchText(q: Query): string | undefined {
  const v = text(q, 'q');
  if (v !== undefined && [...v].length < MIN_SEARCH_LENGTH) throw new ApiError(400, `q: at least ${MIN_SEARCH_LENGTH} characters`);
  return v;
}

export function parsePage(q: Query): PageRequest {
  const l = text(q, 'limit');
  const limit = l === undefined ? DEFAULT_LIMIT : Number(l);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ApiError(400, `limit: 1 to ${MAX_LIMIT}`);
  const sort = oneOf(q, 'sort', SORTS) ?? 'first_seen';
  const order = oneOf(q, 'order', ['desc', 'asc'] as SortOrder[]) ?? 'desc';
  const c = text(q, 'cursor');
  return { limit, sort, order, after: c === undefined ? null : decodeCursor(c, sort, order) };
}

/**
 * Cursors are opaque to clients: base64url of [sort, order, key, id]. A cursor made for another
 * sort or order is refused (400) rather than giving a wrong page.
 */
export function encodeCursor(c: HitCursor, sort: HitSort, order: SortOrder): string {
  return Buffer.from(JSON.stringify([sort, order, c.key, c.id])).toString('base64url');
}

export function decodeCursor(s: string, sort: HitSort, order: SortOrder): HitCursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(400, 'cursor: not a cursor from this API');
  }
  if (!Array.isArray(v) || v.length !== 4 || !Number.isSafeInteger(v[2]) || !Number.isSafeInteger(v[3])) throw new ApiError(400, 'cursor: not a cursor from this API');
  if (v[0] !== sort || v[1] !== order) throw new ApiError(400, 'cursor: made for another sort or order');
  return { key: v[2] as number, id: v[3] as number };
}

/** A positive integer id from a path parameter. */
export function parseId(v: unknown): number {
  const id = Number(v);
  if (typeof v !== 'string' || !/^\d{1,15}$/.test(v) || !Number.isSafeInteger(id) || id <= 0) throw new ApiError(400, 'id: a positive integer');
  return id;
}
