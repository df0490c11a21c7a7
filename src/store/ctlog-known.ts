/**
 * CT logs known from the log lists used so far (URL → the log-list entry first seen, with its
 * key). A later list may drop a log or name another key for it: the key first known is kept
 * (a refresh must never change the key a log is verified with), and a configured log that a
 * list dropped is still read with it, also across restarts.
 */
import type { Db } from './db.js';

export class CtLogKnownTable {
  constructor(private readonly db: Db) {}

  /** Every known entry (as stored by `remember`), by URL, in URL order (byte order, as on PostgreSQL). */
  all(): Map<string, unknown> {
    const rows = this.db.prepare('SELECT log_url, entry_json FROM ctlog_known_logs ORDER BY log_url').all() as Array<{ log_url: string; entry_json: string }>;
    return new Map(rows.map((r) => [r.log_url, JSON.parse(r.entry_json) as unknown]));
  }

  /**
   * Records logs listed now: new URLs are inserted with their entry; known ones only get
   * `last_listed` updated (their entry, key included, is never replaced). Idempotent.
   */
  remember(entries: ReadonlyArray<{ url: string; entry: unknown }>, now = Date.now()): void {
    const stmt = this.db.prepare(
      `INSERT INTO ctlog_known_logs (log_url, entry_json, first_seen, last_listed) VALUES (?, ?, ?, ?)
       ON CONFLICT(log_url) DO UPDATE SET last_listed = excluded.last_listed`,
    );
    this.db.transaction(() => {
      for (const e of entries) stmt.run(e.url, JSON.stringify(e.entry), now, now);
    })();
  }
}
