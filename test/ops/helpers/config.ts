/** Writing daemon config files for operations tests (JSON is valid YAML). */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export function writeConfig(file: string, cfg: Record<string, unknown>): string {
  fs.writeFileSync(file, JSON.stringify(cfg, null, 2));
  return file;
}

/** A fast-reacting config for tests: loopback feed, free HTTP port, quick retries. */
export function baseConfig(dir: string, feedUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    feed: { url: feedUrl, ping_interval: 1, reconnect_min: 0.05, reconnect_max: 0.3, stale_after: 30 },
    store: { path: path.join(dir, 'ctwatch.db') },
    http: { listen: '127.0.0.1:0' },
    log: { level: 'debug' },
    delivery: { backoff_min: 0.1, backoff_max: 0.3, max_attempts: 100_000, group_window: 0 },
    ...extra,
  };
}

export interface HitRow {
  id: number;
  brand: string | null;
  watch: string | null;
  name: string;
}

/** Reads hits and hit deliveries from the database file (read-only; safe while the daemon runs, WAL). */
export function readDb(file: string): { hits: HitRow[]; deliveries: { id: number; hit_id: number | null; kind: string; status: string; notifier_id: string }[] } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      hits: db.prepare('SELECT id, brand, watch, name FROM hits ORDER BY id').all() as HitRow[],
      deliveries: db.prepare('SELECT id, hit_id, kind, status, notifier_id FROM deliveries ORDER BY id').all() as never,
    };
  } finally {
    db.close();
  }
}

export const hitKey = (h: { brand: string | null; watch: string | null; name: string }) => `${h.brand ?? h.watch}|${h.name}`;
