/**
 * Schema migrations. The schema version is SQLite's `user_version`. Each migration runs once, in
 * order, inside a transaction; a database created by any earlier version upgrades in place.
 * Never edit a released migration: add a new one.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'issuances, hits, sightings, outbox, inventory, triage',
    up(db) {
      db.exec(`
        CREATE TABLE issuances (
          id INTEGER PRIMARY KEY,
          issuance_key TEXT NOT NULL UNIQUE,
          sha256 TEXT,
          serial TEXT,
          issuer TEXT,
          subject TEXT,
          not_before INTEGER,
          not_after INTEGER,
          precert INTEGER NOT NULL DEFAULT 0,
          names_json TEXT NOT NULL,
          log_url TEXT,
          log_index INTEGER,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL
        );
        CREATE TABLE hits (
          id INTEGER PRIMARY KEY,
          issuance_id INTEGER NOT NULL REFERENCES issuances(id),
          rule_key TEXT NOT NULL,
          name TEXT NOT NULL,
          registrable TEXT,
          brand TEXT,
          watch TEXT,
          technique TEXT NOT NULL,
          techniques_json TEXT NOT NULL,
          severity TEXT NOT NULL,
          score INTEGER NOT NULL,
          reason TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','acknowledged','false_positive')),
          suppressed INTEGER NOT NULL DEFAULT 0,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          times_seen INTEGER NOT NULL DEFAULT 1,
          UNIQUE (issuance_id, rule_key)
        );
        CREATE INDEX hits_first_seen ON hits(first_seen);
        CREATE INDEX hits_realert ON hits(rule_key, name, technique, first_seen);
        CREATE INDEX hits_registrable ON hits(registrable, brand);
        CREATE TABLE sightings (
          id INTEGER PRIMARY KEY,
          hit_id INTEGER NOT NULL REFERENCES hits(id),
          issuance_id INTEGER NOT NULL REFERENCES issuances(id),
          seen_at INTEGER NOT NULL,
          log_url TEXT,
          log_index INTEGER,
          source TEXT
        );
        CREATE INDEX sightings_hit ON sightings(hit_id);
        CREATE INDEX sightings_seen ON sightings(seen_at);
        CREATE TABLE deliveries (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('hit','health','digest','test')),
          hit_id INTEGER REFERENCES hits(id),
          notifier_id TEXT NOT NULL,
          group_key TEXT,
          payload_json TEXT,
          status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','dead')),
          attempts INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          next_attempt_at INTEGER NOT NULL,
          lease_until INTEGER NOT NULL DEFAULT 0,
          delivered_at INTEGER,
          last_error TEXT
        );
        CREATE INDEX deliveries_due ON deliveries(status, notifier_id, next_attempt_at);
        CREATE TABLE inventory (
          watch TEXT NOT NULL,
          name TEXT NOT NULL,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          issuers_json TEXT NOT NULL,
          cert_count INTEGER NOT NULL DEFAULT 1,
          PRIMARY KEY (watch, name)
        );
        CREATE TABLE suppressions (
          id INTEGER PRIMARY KEY,
          registrable TEXT NOT NULL,
          brand TEXT NOT NULL DEFAULT '',
          hit_id INTEGER,
          created_at INTEGER NOT NULL,
          active INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX suppressions_key ON suppressions(registrable, brand, active);
        CREATE TABLE allowlist (
          domain TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE ctlog_positions (
          log_key TEXT PRIMARY KEY,
          position_json TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    description: 'when a hit was triaged; deliveries by hit',
    up(db) {
      db.exec(`
        ALTER TABLE hits ADD COLUMN triaged_at INTEGER;
        CREATE INDEX deliveries_hit ON deliveries(hit_id);
      `);
    },
  },
  // Version 3 is reserved for another branch (merged separately); migrate() skips absent versions.
  {
    version: 4,
    description: 'evidence of CT log misbehaviour; CT logs known from log lists',
    up(db) {
      db.exec(`
        CREATE TABLE ctlog_known_logs (
          log_url TEXT PRIMARY KEY,
          entry_json TEXT NOT NULL,
          first_seen INTEGER NOT NULL,
          last_listed INTEGER NOT NULL
        );
        CREATE TABLE ctlog_evidence (
          id INTEGER PRIMARY KEY,
          log_url TEXT NOT NULL,
          kind TEXT NOT NULL,
          at INTEGER NOT NULL,
          summary TEXT NOT NULL,
          evidence_json TEXT NOT NULL
        );
        CREATE INDEX ctlog_evidence_log ON ctlog_evidence(log_url, kind, at);
      `);
    },
  },
  {
    version: 5,
    description: 'dashboard: takedown status, triage history, keyset-pagination indexes, trigram index on hit names',
    up(db) {
      db.exec(`
        ALTER TABLE hits ADD COLUMN takedown_status TEXT CHECK (takedown_status IN ('none','reported','taken_down','refused'));
        ALTER TABLE hits ADD COLUMN takedown_at INTEGER;
        ALTER TABLE hits ADD COLUMN takedown_note TEXT;
        CREATE TABLE triage_history (
          id INTEGER PRIMARY KEY,
          hit_id INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
          action TEXT NOT NULL,
          note TEXT,
          takedown TEXT,
          at INTEGER NOT NULL
        );
        CREATE INDEX triage_history_hit ON triage_history(hit_id, id);
        -- Keyset pagination: every index below ends in the rowid (id), so (key, id) is one ordered range.
        CREATE INDEX hits_brand_first_seen ON hits(brand COLLATE NOCASE, first_seen);
        CREATE INDEX hits_watch_first_seen ON hits(watch, first_seen);
        CREATE INDEX hits_status_first_seen ON hits(status, first_seen);
        CREATE INDEX hits_technique_first_seen ON hits(technique, first_seen);
        CREATE INDEX hits_score ON hits(score);
        -- Covers the dashboard's counts over a time window (stats/daily, rules): no row reads.
        CREATE INDEX hits_window_counts ON hits(first_seen, brand, watch, severity, technique, status);
        CREATE INDEX hits_severity_rank ON hits((CASE severity WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 WHEN 'critical' THEN 3 ELSE -1 END));
        -- Substring search on every name of a hit's certificate: a trigram index, kept by triggers.
        -- Stored lower-cased (ASCII, like the query) and searched with GLOB, so % and _ in a name are literal.
        CREATE VIRTUAL TABLE hits_names USING fts5(names, tokenize = 'trigram case_sensitive 1', detail = 'none');
        CREATE TRIGGER hits_names_insert AFTER INSERT ON hits BEGIN
          INSERT INTO hits_names (rowid, names) VALUES (new.id, lower(new.name || char(10) ||
            coalesce((SELECT group_concat(value, char(10)) FROM issuances i, json_each(i.names_json) WHERE i.id = new.issuance_id), '')));
        END;
        CREATE TRIGGER hits_names_delete AFTER DELETE ON hits BEGIN
          DELETE FROM hits_names WHERE rowid = old.id;
        END;
        INSERT INTO hits_names (rowid, names)
          SELECT h.id, lower(h.name || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(i.names_json)), ''))
          FROM hits h JOIN issuances i ON i.id = h.issuance_id;
      `);
    },
  },
  {
    version: 6,
    description: 'enrichment history and re-check schedule; update deliveries',
    up(db) {
      db.exec(`
        CREATE TABLE enrichments (
          id INTEGER PRIMARY KEY,
          hit_id INTEGER NOT NULL REFERENCES hits(id),
          round INTEGER NOT NULL,
          checked_at INTEGER NOT NULL,
          severity TEXT NOT NULL,
          result_json TEXT NOT NULL
        );
        CREATE INDEX enrichments_hit ON enrichments(hit_id, id);
        CREATE TABLE enrich_schedule (
          hit_id INTEGER PRIMARY KEY REFERENCES hits(id),
          round INTEGER NOT NULL,
          due_at INTEGER NOT NULL
        );
        CREATE INDEX enrich_schedule_due ON enrich_schedule(due_at);
      `);
      allowDeliveryKind(db, 'update');
    },
  },
];

/**
 * Adds `kind` to the CHECK list of deliveries.kind. SQLite cannot alter a CHECK constraint, so the
 * table is rebuilt from its own stored definition (whatever columns earlier migrations added),
 * rows and indexes copied. Throws (code MIGRATION_FAILED) when the definition has no such CHECK.
 */
function allowDeliveryKind(db: Database, kind: string): void {
  const table = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'`).get() as { sql: string };
  const check = /CHECK\s*\(\s*kind\s+IN\s*\(([^)]*)\)\s*\)/i;
  const m = check.exec(table.sql);
  if (!m) throw Object.assign(new Error('deliveries.kind has no CHECK (kind IN (...)) to extend'), { code: 'MIGRATION_FAILED' });
  if (m[1]!.includes(`'${kind}'`)) return;
  const indexes = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND sql IS NOT NULL`).all() as { sql: string }[];
  const cols = (db.prepare('PRAGMA table_info(deliveries)').all() as { name: string }[]).map((c) => c.name).join(', ');
  const created = table.sql.replace(check, `CHECK (kind IN (${m[1]}, '${kind}'))`).replace(/^CREATE TABLE\s+"?deliveries"?/i, 'CREATE TABLE deliveries_rebuilt');
  db.exec(created);
  db.exec(`INSERT INTO deliveries_rebuilt (${cols}) SELECT ${cols} FROM deliveries`);
  db.exec('DROP TABLE deliveries');
  db.exec('ALTER TABLE deliveries_rebuilt RENAME TO deliveries');
  for (const i of indexes) db.exec(i.sql);
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database to LATEST_VERSION. Idempotent. Throws (code DB_TOO_NEW) when the file was
 * written by a newer ctwatch, rather than guessing.
 */
export function migrate(db: Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > LATEST_VERSION) {
    throw Object.assign(new Error(`database schema version ${from} is newer than this ctwatch (${LATEST_VERSION})`), { code: 'DB_TOO_NEW' });
  }
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: LATEST_VERSION };
}
