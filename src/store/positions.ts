/** Per-log reading positions of the direct CT-log source, saved after the entries were committed. */
import type { Db } from './db.js';

export class PositionTable {
  constructor(private readonly db: Db) {}

  load(logKey: string): unknown | null {
    const r = this.db.prepare('SELECT position_json FROM ctlog_positions WHERE log_key = ?').get(logKey) as { position_json: string } | undefined;
    return r ? JSON.parse(r.position_json) : null;
  }

  save(logKey: string, position: unknown, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO ctlog_positions (log_key, position_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(log_key) DO UPDATE SET position_json = excluded.position_json, updated_at = excluded.updated_at`,
      )
      .run(logKey, JSON.stringify(position), now);
  }
}
