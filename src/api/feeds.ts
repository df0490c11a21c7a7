/**
 * GET /api/v1/feeds: per feed (CertStream server, replay file, CT log read directly) whether it
 * is connected, its message rate (sparkline), lag, gaps and last contact; CT logs seen through
 * CertStream with their missing entries; outbox pending and dead per notifier.
 */
import type { LogStatus } from '../feed/ctlog/types.js';
import type { FeedRates } from '../feed/rates.js';
import { redactUrl, secrets } from '../log/secrets.js';

export interface FeedSourceInfo {
  /** The source's id (its URL for CertStream). Rates are keyed by it. */
  id: string;
  /** Short label as in the metrics (feed0, replay). */
  label: string;
  kind: 'certstream' | 'replay';
  connected: boolean | null;
}

export interface FeedState {
  sources: FeedSourceInfo[];
  ctLogs: LogStatus[];
  /** Per CT log seen through CertStream: entries never received (GapTracker.snapshot). */
  logs: { log: string; received: number; missing: number; pending: number; lastSeenAt: string }[];
}

/** Rates of a CT log read directly are kept under this key. */
export const ctLogRateKey = (url: string) => `ctlog:${url}`;

/**
 * A URL as shown on the page: redacted (redactUrl), and without any registered secret. A CT log's
 * path is public (it names the log), so `publicPath` keeps it.
 */
function displayUrl(url: string, publicPath = false): string {
  return secrets.redact(redactUrl(url, { keepPath: publicPath }));
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function feedReport(state: FeedState, rates: FeedRates) {
  // CertStream feeds are merged before gap tracking: each shows the merged input's missing entries.
  const merged = state.logs.reduce((n, l) => n + l.missing, 0);
  const feeds = [
    ...state.sources.map((s) => ({
      id: s.label,
      kind: s.kind,
      url: s.kind === 'replay' ? null : displayUrl(s.id),
      connected: s.connected,
      rate: rates.series(s.id),
      lag: null as number | null,
      gaps: s.kind === 'certstream' ? merged : 0,
      last_contact: iso(rates.lastAt(s.id)),
      error: null as string | null,
    })),
    ...state.ctLogs.map((st) => ({
      id: st.name ?? displayUrl(st.url, true),
      kind: 'ctlog' as const,
      url: displayUrl(st.url, true),
      connected: st.healthy,
      rate: rates.series(ctLogRateKey(st.url)),
      lag: st.lag,
      gaps: 0,
      last_contact: iso(st.lastContact),
      error: st.lastError ? st.lastError.code : null,
    })),
  ];
  const logs = state.logs.map((l) => ({ log: displayUrl(l.log, true), received: l.received, missing: l.missing, pending: l.pending, last_seen: l.lastSeenAt }));
  return { feeds, logs };
}
