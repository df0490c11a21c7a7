/**
 * PostgreSQL schema migrations: the PostgreSQL dialect of migrations.ts, version for version.
 *
 * One ordered list of versions for both backends: PG migration N creates what SQLite migration N
 * creates, with the same table and column names, so row mappers (toHitRow, toDelivery) and the
 * shared store suite serve both. Differences: BIGSERIAL/BIGINT instead of INTEGER, and version 1
 * also creates what only several instances need (deliveries.lease_owner, leases, instances).
 *
 * Versions applied are recorded one row each in schema_migrations (not a single number as
 * SQLite's user_version): a version added later with a lower number than one already applied is
 * still applied. That is on purpose: branches add SQLite migrations in parallel, each with a
 * version reserved in advance (harden v3, ctlog v4, api v5, enrich v6), merged in any order.
 * Whoever adds SQLite version N adds its PostgreSQL counterpart here with the same N
 * (test/store/migrations-pg.test.ts lists the SQLite versions still lacking one). v4..v6 below
 * mirror those branches' SQLite migrations as merged on main. A part a released PostgreSQL
 * migration left out gets a PostgreSQL-only version, marked `completes` (v7: v5's search index);
 * SQLite skips that number. Never edit a released migration: add a new one.
 */
import type { PoolClient } from 'pg';
import { StoreError } from './backend.js';

export interface PgMigration {
  version: number;
  description: string;
  /** SQL run in one transaction. */
  sql: string;
  /**
   * Set on a migration that only PostgreSQL has: the SQLite version whose PostgreSQL part it
   * completes (a part the released PostgreSQL migration of that version left out). SQLite never
   * uses such a version number (test/store/migrations-pg.test.ts checks).
   */
  completes?: number;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'issuances, hits, sightings, outbox, inventory, triage; leases and instances',
    sql: `
      CREATE TABLE issuances (
        id BIGSERIAL PRIMARY KEY,
        issuance_key TEXT NOT NULL UNIQUE,
        sha256 TEXT,
        serial TEXT,
        issuer TEXT,
        subject TEXT,
        not_before BIGINT,
        not_after BIGINT,
        precert INTEGER NOT NULL DEFAULT 0,
        names_json TEXT NOT NULL,
        log_url TEXT,
        log_index BIGINT,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL
      );
      CREATE TABLE hits (
        id BIGSERIAL PRIMARY KEY,
        issuance_id BIGINT NOT NULL REFERENCES issuances(id),
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
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        times_seen INTEGER NOT NULL DEFAULT 1,
        UNIQUE (issuance_id, rule_key)
      );
      CREATE INDEX hits_first_seen ON hits(first_seen);
      CREATE INDEX hits_realert ON hits(rule_key, name, technique, first_seen);
      CREATE INDEX hits_registrable ON hits(registrable, brand);
      CREATE TABLE sightings (
        id BIGSERIAL PRIMARY KEY,
        hit_id BIGINT NOT NULL REFERENCES hits(id),
        issuance_id BIGINT NOT NULL REFERENCES issuances(id),
        seen_at BIGINT NOT NULL,
        log_url TEXT,
        log_index BIGINT,
        source TEXT
      );
      CREATE INDEX sightings_hit ON sightings(hit_id);
      CREATE INDEX sightings_seen ON sightings(seen_at);
      CREATE INDEX sightings_issuance ON sightings(issuance_id);
      CREATE TABLE deliveries (
        id BIGSERIAL PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('hit','health','digest','test')),
        hit_id BIGINT REFERENCES hits(id),
        notifier_id TEXT NOT NULL,
        group_key TEXT,
        payload_json TEXT,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        lease_until BIGINT NOT NULL DEFAULT 0,
        lease_owner TEXT,
        delivered_at BIGINT,
        last_error TEXT
      );
      CREATE INDEX deliveries_due ON deliveries(status, notifier_id, next_attempt_at);
      CREATE TABLE inventory (
        watch TEXT NOT NULL,
        name TEXT NOT NULL,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        issuers_json TEXT NOT NULL,
        cert_count INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (watch, name)
      );
      CREATE TABLE suppressions (
        id BIGSERIAL PRIMARY KEY,
        registrable TEXT NOT NULL,
        brand TEXT NOT NULL DEFAULT '',
        hit_id BIGINT,
        created_at BIGINT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX suppressions_key ON suppressions(registrable, brand, active);
      CREATE TABLE allowlist (
        domain TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE ctlog_positions (
        log_key TEXT PRIMARY KEY,
        position_json TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      -- Several instances: named expiring leases (one per CT log, one for the jobs) and the
      -- instances alive (for spreading the logs evenly).
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        acquired_at BIGINT NOT NULL
      );
      CREATE INDEX leases_owner ON leases(owner);
      CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        started_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'when a hit was triaged; deliveries by hit',
    sql: `
      ALTER TABLE hits ADD COLUMN triaged_at BIGINT;
      CREATE INDEX deliveries_hit ON deliveries(hit_id);
    `,
  },
  {
    // SQLite's v3 rewrote sightings.source written by versions that kept credentials in feed
    // URLs. No PostgreSQL store was ever written by those versions (they had no PostgreSQL
    // store), and migrate-store copies from a file its own opening has already migrated, so
    // there is nothing to rewrite here: the version is recorded so both lists stay aligned.
    version: 3,
    description: 'feed URLs stored in sightings.source without credentials (nothing to rewrite on PostgreSQL)',
    sql: `SELECT 1`,
  },
  {
    version: 4,
    description: 'evidence of CT log misbehaviour; CT logs known from log lists',
    sql: `
      CREATE TABLE ctlog_known_logs (
        log_url TEXT PRIMARY KEY,
        entry_json TEXT NOT NULL,
        first_seen BIGINT NOT NULL,
        last_listed BIGINT NOT NULL
      );
      CREATE TABLE ctlog_evidence (
        id BIGSERIAL PRIMARY KEY,
        log_url TEXT NOT NULL,
        kind TEXT NOT NULL,
        at BIGINT NOT NULL,
        summary TEXT NOT NULL,
        evidence_json TEXT NOT NULL
      );
      CREATE INDEX ctlog_evidence_log ON ctlog_evidence(log_url, kind, at);
    `,
  },
  {
    version: 5,
    description: 'dashboard: takedown status, triage history, keyset-pagination indexes',
    // SQLite's v5 also builds an FTS5 trigram index for the dashboard's name search; its
    // PostgreSQL counterpart (pg_trgm) came later, as v7 (a released migration is not edited).
    sql: `
      ALTER TABLE hits ADD COLUMN takedown_status TEXT CHECK (takedown_status IN ('none','reported','taken_down','refused'));
      ALTER TABLE hits ADD COLUMN takedown_at BIGINT;
      ALTER TABLE hits ADD COLUMN takedown_note TEXT;
      CREATE TABLE triage_history (
        id BIGSERIAL PRIMARY KEY,
        hit_id BIGINT NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
        action TEXT NOT NULL,
        note TEXT,
        takedown TEXT,
        at BIGINT NOT NULL
      );
      CREATE INDEX triage_history_hit ON triage_history(hit_id, id);
      CREATE INDEX hits_brand_first_seen ON hits(lower(brand), first_seen, id);
      CREATE INDEX hits_watch_first_seen ON hits(watch, first_seen, id);
      CREATE INDEX hits_status_first_seen ON hits(status, first_seen, id);
      CREATE INDEX hits_technique_first_seen ON hits(technique, first_seen, id);
      CREATE INDEX hits_score ON hits(score, id);
      CREATE INDEX hits_severity_rank ON hits((CASE severity WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 WHEN 'critical' THEN 3 ELSE -1 END), id);
    `,
  },
  {
    version: 6,
    description: 'enrichment history and re-check schedule; update deliveries',
    sql: `
      CREATE TABLE enrichments (
        id BIGSERIAL PRIMARY KEY,
        hit_id BIGINT NOT NULL REFERENCES hits(id),
        round INTEGER NOT NULL,
        checked_at BIGINT NOT NULL,
        severity TEXT NOT NULL,
        result_json TEXT NOT NULL
      );
      CREATE INDEX enrichments_hit ON enrichments(hit_id, id);
      CREATE TABLE enrich_schedule (
        hit_id BIGINT PRIMARY KEY REFERENCES hits(id),
        round INTEGER NOT NULL,
        due_at BIGINT NOT NULL
      );
      CREATE INDEX enrich_schedule_due ON enrich_schedule(due_at);
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check CHECK (kind IN ('hit','health','digest','test','update'));
    `,
  },
  {
    version: 7,
    description: "dashboard: name search, a pg_trgm trigram index on every name of a hit's certificate",
    completes: 5,
    sql: searchIndexSql(),
  },
  // Further SQLite migrations get their PostgreSQL counterpart here, same version number (8 on:
  // 7 is PostgreSQL's only).
];

/**
 * v7, the PostgreSQL side of SQLite's v5 name search (store/dashboard.ts; SQLite keeps it in an
 * FTS5 trigram table). Same contents as SQLite's `hits_names`: per hit, its name and every name
 * of its certificate, one per line, lower-cased ASCII only (translate(), as SQLite's lower() and
 * asciiLower() of the query), kept by a statement-level trigger on hits and removed with the hit
 * (ON DELETE CASCADE). The dashboard matches it with LIKE (wildcards escaped), which the GIN
 * trigram index of pg_trgm answers; pg_trgm is created when missing (it is a trusted extension:
 * the database owner may create it). Without pg_trgm (not installed on the server, or not
 * allowed) the migration warns and goes on without the index: the search gives the same results
 * by reading every row of hits_names. Create it later by hand:
 *   CREATE EXTENSION pg_trgm; CREATE INDEX hits_names_trgm ON hits_names USING gin (names gin_trgm_ops);
 *
 * names_json is text ctwatch wrote with JSON.stringify; the escapes PostgreSQL cannot turn into
 * text (\u0000 and lone surrogates) are read as U+FFFD, as pgText() stores them elsewhere. Text
 * that is no JSON array at all (a hand-edited SQLite file, copied in) is searched as it is,
 * lower-cased, rather than failing the batch.
 *
 * `extension` exists for the test of a server without pg_trgm.
 */
export function searchIndexSql(extension = 'pg_trgm'): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(extension)) throw new Error(`bad extension name ${extension}`);
  const lower = (x: string) => `translate(${x}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
  // Errors of PostgreSQL's JSON functions on text it cannot read as a JSON array.
  const JSON_ERRORS = 'invalid_text_representation OR untranslatable_character OR invalid_parameter_value';
  const fill = (fn: string, from: string) =>
    `INSERT INTO hits_names (hit_id, names) SELECT h.id, ${fn}(h.name, i.names_json) FROM ${from} h LEFT JOIN issuances i ON i.id = h.issuance_id`;
  return String.raw`
    CREATE TABLE hits_names (
      hit_id BIGINT PRIMARY KEY REFERENCES hits(id) ON DELETE CASCADE,
      names TEXT NOT NULL
    );
    CREATE FUNCTION ctwatch_search_names(name text, names_json text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $f$ SELECT ${lower(String.raw`name || E'\n' || coalesce((
        SELECT string_agg(e.v, E'\n' ORDER BY e.o)
        FROM json_array_elements_text((CASE WHEN strpos(names_json, '\u') > 0
          THEN regexp_replace(names_json, '(?<!\\)((?:\\\\)*)\\u(0000|[dD][89abcdefABCDEF][0-9a-fA-F]{2})', '\1\\ufffd', 'g')
          ELSE names_json END)::json) WITH ORDINALITY AS e(v, o)), '')`)} $f$;
    -- The same, never failing: one subtransaction per call, so only used when the fast one failed.
    CREATE FUNCTION ctwatch_search_names_safe(name text, names_json text) RETURNS text
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT
      AS $f$
      BEGIN
        RETURN ctwatch_search_names(name, names_json);
      EXCEPTION WHEN ${JSON_ERRORS} THEN
        RETURN ctwatch_search_names(name, NULL) || ${lower('names_json')};
      END $f$;
    CREATE FUNCTION ctwatch_hits_names_added() RETURNS trigger
      LANGUAGE plpgsql SET search_path FROM CURRENT
      AS $f$
      BEGIN
        BEGIN
          ${fill('ctwatch_search_names', 'added')};
        EXCEPTION WHEN ${JSON_ERRORS} THEN
          ${fill('ctwatch_search_names_safe', 'added')};
        END;
        RETURN NULL;
      END $f$;
    CREATE TRIGGER hits_names_insert AFTER INSERT ON hits REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION ctwatch_hits_names_added();
    -- The hits already there.
    DO $do$
    BEGIN
      ${fill('ctwatch_search_names', 'hits')};
    EXCEPTION WHEN ${JSON_ERRORS} THEN
      ${fill('ctwatch_search_names_safe', 'hits')};
    END $do$;
    DO $do$
    DECLARE s name;
    BEGIN
      SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = '${extension}';
      IF s IS NULL THEN
        BEGIN
          CREATE EXTENSION ${extension};
        EXCEPTION WHEN feature_not_supported OR undefined_file OR insufficient_privilege THEN
          RAISE WARNING 'ctwatch: no ${extension} (%): the dashboard name search works without its index, reading every hit (see migrations-pg.ts v7)', SQLERRM;
          RETURN;
        END;
        SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = '${extension}';
      END IF;
      -- Wherever the extension lives (often another schema than ctwatch's): its operator class, qualified.
      EXECUTE format('CREATE INDEX hits_names_trgm ON hits_names USING gin (names %I.gin_trgm_ops)', s);
    END $do$;
  `;
}

/** Serialises migrations of instances starting together (pg_advisory_lock key; database-wide). */
export const MIGRATE_LOCK = 0x63747761; // "ctwa"

/**
 * Applies every migration not yet recorded in schema_migrations, in version order, each in its
 * own transaction, under an advisory lock (several instances may start at once), after creating
 * `opts.createSchema` (a validated identifier) when given. Idempotent.
 * Throws StoreError DB_TOO_NEW when the database has a version this ctwatch does not know.
 */
export async function migratePg(client: PoolClient, list: readonly PgMigration[] = PG_MIGRATIONS, opts: { createSchema?: string } = {}): Promise<{ applied: number[] }> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
  try {
    // Under the lock: CREATE SCHEMA IF NOT EXISTS is not safe against a concurrent one.
    if (opts.createSchema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${opts.createSchema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const known = new Set(list.map((m) => m.version));
    const unknown = [...done].filter((v) => !known.has(v));
    if (unknown.length) {
      throw new StoreError('DB_TOO_NEW', `database has schema version(s) ${unknown.join(', ')} this ctwatch does not know`);
    }
    const applied: number[] = [];
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)', [m.version, m.description, Date.now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      applied.push(m.version);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => undefined);
  }
}
