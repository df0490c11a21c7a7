/**
 * The one place the dashboard talks to the server. Same-origin fetches only: the session cookie
 * goes along by itself and the browser adds the Origin header the server checks on POSTs.
 */
import type { CheckJson, DailyStats, FeedsJson, HitDetail, HitJson, HitsPage, InventoryJson, RulesJson, TakedownStatus } from './types.js';

export const API = '/api/v1';

/** An API call that did not answer 2xx; `status` 401 means the session is missing or expired. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(API + path, { credentials: 'same-origin', headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) }, ...init });
  } catch (e) {
    throw new ApiError(0, `the server did not answer (is ctwatch running?): ${(e as Error).message}`);
  }
  if (!res.ok) {
    let detail = '';
    try {
      const body = (await res.json()) as { error?: unknown; message?: unknown };
      detail = String(body.message ?? body.error ?? '');
    } catch {
      /* not JSON: the status says enough */
    }
    throw new ApiError(res.status, res.status === 401 ? 'not logged in' : `${res.status} ${detail || res.statusText}`.trim());
  }
  return (await res.json()) as T;
}

const post = <T>(path: string, body: unknown) => call<T>(path, { method: 'POST', body: JSON.stringify(body) });

/** Filters of the hits list, as the API takes them (empty strings are left out). */
export interface HitFilters {
  brand?: string;
  severity?: string;
  status?: string;
  technique?: string;
  since?: string;
  until?: string;
  q?: string;
  sort?: string;
  order?: string;
}

/** The query string of `f` (plus extras), skipping empty values. Returns "" or "a=b&c=d". */
export function filterQuery(f: HitFilters, extra: Record<string, string | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v !== undefined && v !== '') p.set(k, v);
  return p.toString();
}

export const api = {
  hits: (f: HitFilters, cursor?: string | null, limit = 50) => call<HitsPage>(`/hits?${filterQuery(f, { cursor: cursor ?? undefined, limit: String(limit) })}`),
  hit: (id: number) => call<HitDetail>(`/hits/${id}`),
  triage: (id: number, body: { action: 'ack' | 'fp' | 'reopen' | 'takedown'; note?: string; takedown?: TakedownStatus; at?: string }) =>
    post<{ hit: HitJson }>(`/hits/${id}/triage`, body),
  bulkTriage: (ids: number[], action: 'ack' | 'fp' | 'reopen') => post<{ updated: number }>(`/hits/triage`, { ids, action }),
  daily: (days = 30, until?: string) => call<DailyStats>(`/stats/daily?days=${days}${until ? `&until=${encodeURIComponent(until)}` : ''}`),
  feeds: () => call<FeedsJson>('/feeds'),
  rules: (until?: string) => call<RulesJson>(`/rules${until ? `?until=${encodeURIComponent(until)}` : ''}`),
  check: (name: string) => post<CheckJson>('/check', { name }),
  inventory: () => call<InventoryJson>('/inventory'),
  exportUrl: (f: HitFilters, format: 'csv' | 'json') => `${API}/hits/export?${filterQuery(f, { format })}`,
  eventsUrl: `${API}/events`,
};
