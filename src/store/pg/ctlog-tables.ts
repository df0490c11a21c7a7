/**
 * CT-log misbehaviour evidence and the logs known from log lists on PostgreSQL: the semantics of
 * ctlog-evidence.ts and ctlog-known.ts (tables of migration v4), safe with several instances
 * recording at once.
 */
import type pg from 'pg';
import type { CtLogTablesApi } from '../backend.js';
import { MAX_EVIDENCE_PER_KIND, type CtLogEvidenceRow } from '../ctlog-evidence.js';
import { inTransaction, pgText, query } from './connection.js';

export function pgCtLogTables(pool: pg.Pool, clock: () => number): CtLogTablesApi {
  return {
    /**
     * Stores one piece of evidence unless MAX_EVIDENCE_PER_KIND rows of this log and kind are kept
     * (then false, nothing stored). Not idempotent: each call is one observation. Two instances
     * recording the same (log, kind) at once take turns (an advisory lock), so the cap holds.
     */
    recordEvidence(logUrl, kind, summary, evidence, at = clock()) {
      const url = pgText(logUrl);
      const k = pgText(kind);
      return inTransaction(pool, async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('e' || chr(10) || $1 || chr(10) || $2, 0))`, [url, k]);
        const r = await c.query(
          `INSERT INTO ctlog_evidence (log_url, kind, at, summary, evidence_json)
           SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM ctlog_evidence WHERE log_url = $1 AND kind = $2) < $6`,
          [url, k, at, pgText(summary), JSON.stringify(evidence), MAX_EVIDENCE_PER_KIND],
        );
        return r.rowCount === 1;
      });
    },

    /** Newest first (by id: the order recorded), optionally of one log; at most `limit` (default 1,000). */
    async listEvidence(logUrl?: string, limit = 1000): Promise<CtLogEvidenceRow[]> {
      const r =
        logUrl === undefined
          ? await query(pool, 'SELECT * FROM ctlog_evidence ORDER BY id DESC LIMIT $1', [limit])
          : await query(pool, 'SELECT * FROM ctlog_evidence WHERE log_url = $1 ORDER BY id DESC LIMIT $2', [pgText(logUrl), limit]);
      return (r.rows as { id: number; log_url: string; kind: string; at: number; summary: string; evidence_json: string }[]).map((x) => ({
        id: x.id,
        logUrl: x.log_url,
        kind: x.kind,
        at: x.at,
        summary: x.summary,
        evidence: JSON.parse(x.evidence_json) as Record<string, unknown>,
      }));
    },

    /** Every known log's first list entry, by URL, in URL order (byte order, as SQLite's). */
    async knownLogs(): Promise<Map<string, unknown>> {
      const r = await query<{ log_url: string; entry_json: string }>(pool, 'SELECT log_url, entry_json FROM ctlog_known_logs ORDER BY log_url COLLATE "C"');
      return new Map(r.rows.map((x) => [x.log_url, JSON.parse(x.entry_json) as unknown]));
    },

    /**
     * New URLs are inserted with their entry; known ones only get last_listed (their entry, key
     * included, is never replaced; a URL twice in `entries` keeps its first entry). One statement:
     * instances remembering the same log at once both succeed, one entry kept. Idempotent.
     */
    async rememberLogs(entries, now = clock()) {
      const first = new Map<string, string>();
      for (const e of entries) {
        const url = pgText(e.url);
        if (!first.has(url)) first.set(url, JSON.stringify(e.entry));
      }
      if (!first.size) return;
      await query(
        pool,
        `INSERT INTO ctlog_known_logs (log_url, entry_json, first_seen, last_listed)
         SELECT u.url, u.entry, $3, $3 FROM unnest($1::text[], $2::text[]) AS u(url, entry)
         ON CONFLICT (log_url) DO UPDATE SET last_listed = EXCLUDED.last_listed`,
        [[...first.keys()], [...first.values()], now],
      );
    },
  };
}
