/**
 * Evidence of CT log misbehaviour (two roots for one tree size, a shrinking tree, a failed
 * consistency check, a stale tree head, a precertificate not matching its hashed TBS): the
 * signed data that proves it, kept so an operator can report the log to its operator and to
 * browser vendors.
 */
import type { Db } from './db.js';

export interface CtLogEvidenceRow {
  id: number;
  logUrl: string;
  kind: string;
  at: number;
  summary: string;
  evidence: Record<string, unknown>;
}

/** Rows kept per (log, kind): the first ones prove the case; a flood must not fill the disk. */
export const MAX_EVIDENCE_PER_KIND = 100;

export class CtLogEvidenceTable {
  constructor(private readonly db: Db) {}

  /**
   * Stores one piece of evidence. Returns false (and stores nothing) when MAX_EVIDENCE_PER_KIND
   * rows of this log and kind are already kept. Not idempotent: each call is one observation.
   */
  record(logUrl: string, kind: string, summary: string, evidence: Record<string, unknown>, at = Date.now()): boolean {
    return this.db.transaction(() => {
      const n = (this.db.prepare('SELECT COUNT(*) AS n FROM ctlog_evidence WHERE log_url = ? AND kind = ?').get(logUrl, kind) as { n: number }).n;
      if (n >= MAX_EVIDENCE_PER_KIND) return false;
      this.db.prepare('INSERT INTO ctlog_evidence (log_url, kind, at, summary, evidence_json) VALUES (?, ?, ?, ?, ?)').run(logUrl, kind, at, summary, JSON.stringify(evidence));
      return true;
    })();
  }

  /** Evidence rows, newest first (optionally of one log). */
  list(logUrl?: string, limit = 1000): CtLogEvidenceRow[] {
    const rows = (logUrl === undefined
      ? this.db.prepare('SELECT * FROM ctlog_evidence ORDER BY id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM ctlog_evidence WHERE log_url = ? ORDER BY id DESC LIMIT ?').all(logUrl, limit)) as Array<{ id: number; log_url: string; kind: string; at: number; summary: string; evidence_json: string }>;
    return rows.map((r) => ({ id: r.id, logUrl: r.log_url, kind: r.kind, at: r.at, summary: r.summary, evidence: JSON.parse(r.evidence_json) as Record<string, unknown> }));
  }
}
