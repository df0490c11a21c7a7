/**
 * recordBatch on PostgreSQL: the identity rules of hit-store.ts in four round trips per batch
 * whatever its size (begin with the locks; read the state; allocate ids and write everything;
 * commit), planned in memory in between, so several thousand candidate records per second fit through one connection.
 *
 * Several instances: before reading anything, the transaction takes transaction-scoped advisory
 * locks on every issuance key and every (rule, name) of the batch (with its BEGIN, in one round
 * trip), in one global (sorted) order,
 * so two instances recording the same issuance, or renewals of the same name, run one after the
 * other and the second sees the first's rows (READ COMMITTED: each statement sees what committed
 * before it). The unique keys (issuances.issuance_key, hits (issuance_id, rule_key)) remain the
 * last word: a violation rolls back and the whole batch runs again (connection.ts), seeing the
 * other instance's rows. So an (issuance, rule) is never stored twice and every sighting counts.
 *
 * The plan is a port of HitStore.recordOne over in-memory state; the shared store suite
 * (test/store/backend-suite.ts) checks both backends give the same hits, sightings, inventory
 * and deliveries.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { strongestPerRule, upgradeOwnDomainMatch } from '../hit-store.js';
import type { CandidateMatch, CandidateRecord, IssuanceRecord, RecordResult, RouteFn } from '../types.js';
import { pgText as t } from './connection.js';

export interface RecordContext {
  realertAfterMs: number;
  now: () => number;
  /** New hits' deliveries are due this long after creation (HitStoreOptions.alertDelayMs on main). */
  alertDelayMs?: number;
}

interface IssuanceState {
  /** Database id, or a negative placeholder for an issuance this batch inserts. */
  id: number;
  inDb: boolean;
  first: IssuanceRecord;
  sha256: string | null;
  precert: number;
  firstSeen: number;
  lastSeen: number;
  dirty: boolean;
}

interface NewHit {
  id: number;
  issuanceId: number;
  ruleKey: string;
  match: CandidateMatch;
  suppressed: boolean;
  firstSeen: number;
  lastSeen: number;
  timesSeen: number;
}

interface InventoryState {
  watch: string;
  name: string;
  issuers: string[];
  isNew: boolean;
  firstSeen: number;
  lastSeen: number;
  /** cert_count to add (new rows: the whole count). */
  certDelta: number;
}

type IssRow = [id: number, key: string, sha256: string | null, precert: number, firstSeen: number, lastSeen: number, hitId: number | null, ruleKey: string | null];
type RecentRow = [id: number, ruleKey: string, name: string, technique: string, firstSeen: number];

/**
 * (OFFSET 0 keeps each LATERAL a per-key index look-up: flattened into a join, the planner may
 * scan the whole table when its statistics are stale.)
 * Existing issuances (with their hits), the latest hit per (rule, name, technique) since the earliest realert cutoff, active suppressions, inventory rows. */
const READ_STATE = `SELECT
  (SELECT coalesce(json_agg(json_build_array(i.id, i.issuance_key, i.sha256, i.precert, i.first_seen, i.last_seen, h.id, h.rule_key)), '[]')
     FROM issuances i LEFT JOIN LATERAL (SELECT id, rule_key FROM hits WHERE hits.issuance_id = i.id OFFSET 0) h ON true
     WHERE i.issuance_key = ANY($1::text[])) AS iss,
  (SELECT coalesce(json_agg(json_build_array(x.id, x.rule_key, x.name, x.technique, x.first_seen)), '[]') FROM (
     SELECT DISTINCT ON (h.rule_key, h.name, h.technique) h.id, h.rule_key, h.name, h.technique, h.first_seen
     FROM (SELECT DISTINCT * FROM unnest($2::text[], $3::text[])) AS u(rule_key, name)
     CROSS JOIN LATERAL (SELECT id, rule_key, name, technique, first_seen FROM hits
       WHERE hits.rule_key = u.rule_key AND hits.name = u.name AND hits.first_seen >= $4 OFFSET 0) h
     ORDER BY h.rule_key, h.name, h.technique, h.first_seen DESC, h.id DESC) x) AS recent,
  (SELECT coalesce(json_agg(json_build_array(s.registrable, s.brand)), '[]') FROM (
     SELECT DISTINCT registrable, brand FROM suppressions WHERE active = 1 AND registrable = ANY($5::text[])) s) AS supp,
  (SELECT coalesce(json_agg(json_build_array(v.watch, v.name, v.issuers_json)), '[]')
     FROM unnest($6::text[], $7::text[]) AS u(watch, name)
     CROSS JOIN LATERAL (SELECT watch, name, issuers_json FROM inventory WHERE inventory.watch = u.watch AND inventory.name = u.name OFFSET 0) v) AS inv`;

const WRITE_BATCH = `WITH
  ids AS MATERIALIZED (SELECT
    (SELECT array_agg(v ORDER BY v) FROM (SELECT nextval('issuances_id_seq') AS v FROM generate_series(1, $55::int)) a) AS iss,
    (SELECT array_agg(v ORDER BY v) FROM (SELECT nextval('hits_id_seq') AS v FROM generate_series(1, $56::int)) b) AS hits),
  new_issuances AS (
    INSERT INTO issuances (id, issuance_key, sha256, serial, issuer, subject, not_before, not_after, precert, names_json, log_url, log_index, first_seen, last_seen)
    SELECT ids.iss[-u.id], u.k, u.sha, u.serial, u.issuer, u.subject, u.nb, u.na, u.pre, u.names, u.log_url, u.log_index, u.fs, u.ls
    FROM ids, unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::int[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[])
      AS u(id, k, sha, serial, issuer, subject, nb, na, pre, names, log_url, log_index, fs, ls)
    RETURNING 1),
  seen_issuances AS (
    UPDATE issuances i SET last_seen = GREATEST(i.last_seen, u.last_seen), precert = u.precert, sha256 = u.sha256
    FROM unnest($15::bigint[], $16::bigint[], $17::int[], $18::text[]) AS u(id, last_seen, precert, sha256) WHERE i.id = u.id
    RETURNING 1),
  new_hits AS (
    INSERT INTO hits (id, issuance_id, rule_key, name, registrable, brand, watch, technique, techniques_json, severity, score, reason, status, suppressed, first_seen, last_seen, times_seen)
    SELECT ids.hits[-u.id], (CASE WHEN u.iss < 0 THEN ids.iss[-u.iss] ELSE u.iss END), u.rk, u.name, u.reg, u.brand, u.watch, u.tech, u.techs, u.sev, u.score, u.reason, u.status, u.sup, u.fs, u.ls, u.n
    FROM ids, unnest($19::bigint[], $20::bigint[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::text[], $29::int[], $30::text[], $31::text[], $32::int[], $33::bigint[], $34::bigint[], $35::int[])
      AS u(id, iss, rk, name, reg, brand, watch, tech, techs, sev, score, reason, status, sup, fs, ls, n)
    RETURNING 1),
  seen_hits AS (
    UPDATE hits h SET last_seen = GREATEST(h.last_seen, u.last_seen), times_seen = h.times_seen + u.n
    FROM unnest($36::bigint[], $37::bigint[], $38::int[]) AS u(id, last_seen, n) WHERE h.id = u.id
    RETURNING 1),
  new_sightings AS (
    INSERT INTO sightings (hit_id, issuance_id, seen_at, log_url, log_index, source)
    SELECT (CASE WHEN u.hit < 0 THEN ids.hits[-u.hit] ELSE u.hit END), (CASE WHEN u.iss < 0 THEN ids.iss[-u.iss] ELSE u.iss END), u.seen, u.log_url, u.log_index, u.source
    FROM ids, unnest($39::bigint[], $40::bigint[], $41::bigint[], $42::text[], $43::bigint[], $44::text[]) WITH ORDINALITY AS u(hit, iss, seen, log_url, log_index, source, o)
    ORDER BY u.o
    RETURNING 1),
  inventory_rows AS (
    INSERT INTO inventory (watch, name, first_seen, last_seen, issuers_json, cert_count)
    SELECT * FROM unnest($45::text[], $46::text[], $47::bigint[], $48::bigint[], $49::text[], $50::int[])
    ON CONFLICT (watch, name) DO UPDATE SET last_seen = GREATEST(inventory.last_seen, EXCLUDED.last_seen),
      issuers_json = EXCLUDED.issuers_json, cert_count = inventory.cert_count + EXCLUDED.cert_count
    RETURNING 1),
  new_deliveries AS (
    INSERT INTO deliveries (kind, hit_id, notifier_id, group_key, created_at, next_attempt_at)
    SELECT 'hit', (CASE WHEN u.hit_id < 0 THEN ids.hits[-u.hit_id] ELSE u.hit_id END), u.notifier_id, u.group_key, u.at, u.at + $57::bigint
    FROM ids, unnest($51::bigint[], $52::text[], $53::text[], $54::bigint[]) WITH ORDINALITY AS u(hit_id, notifier_id, group_key, at, o)
    ORDER BY u.o
    RETURNING 1)
SELECT ids.hits FROM ids`;

const ruleKeyOf = (m: CandidateMatch) => (m.brand !== null ? `brand:${m.brand}` : `watch:${m.watch ?? ''}`);
/** Joins parts of map and lock keys (names cannot contain it: they are host names). */
const SEP = '\n';

/** The object with every string property through pgText; itself when none needs it (the rule). */
function storable<T extends object>(o: T): T {
  let copy: T | null = null;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' && v !== t(v)) (copy ??= { ...o })[k as keyof T] = t(v) as T[keyof T];
  }
  return copy ?? o;
}

/** A batch ready to record: its records as they will be stored, and the keys it locks. */
export interface PreparedBatch {
  planned: { iss: IssuanceRecord; matches: CandidateMatch[] }[];
  issuanceKeys: Set<string>;
  ruleNames: Map<string, [string, string]>;
  registrables: Set<string>;
  inventoryKeys: Map<string, [string, string]>;
  minSeen: number;
  /**
   * `BEGIN` plus the advisory locks of the batch, as one simple-protocol string (one round trip
   * instead of two). Only numbers are spliced in: each key's 48-bit hash, in ascending order on
   * every instance, so two batches never wait on each other in a cycle.
   */
  beginSql: string;
}

export function prepareBatch(records: readonly CandidateRecord[]): PreparedBatch {
  // Keys and values as PostgreSQL will hold them (pgText), so what is read back matches.
  const planned = records.map((rec) => ({ iss: storable(rec.issuance), matches: strongestPerRule(rec.matches).map(storable) }));
  const issuanceKeys = new Set<string>();
  const ruleNames = new Map<string, [string, string]>();
  const registrables = new Set<string>();
  const inventoryKeys = new Map<string, [string, string]>();
  let minSeen = Infinity;
  for (const { iss, matches } of planned) {
    issuanceKeys.add(iss.issuanceKey);
    if (iss.seenAt < minSeen) minSeen = iss.seenAt;
    for (const m of matches) {
      const rk = ruleKeyOf(m);
      ruleNames.set(rk + SEP + m.name, [rk, m.name]);
      if (m.registrable !== null) registrables.add(m.registrable);
      if (m.watch !== null && m.brand === null) inventoryKeys.set(m.watch + SEP + m.name, [m.watch, m.name]);
    }
  }
  const hashes = new Set<number>();
  for (const k of issuanceKeys) hashes.add(lockHash(`i${SEP}${k}`));
  for (const k of ruleNames.keys()) hashes.add(lockHash(`r${SEP}${k}`));
  const sorted = [...hashes].sort((a, b) => a - b);
  const beginSql = sorted.length
    ? `BEGIN; SELECT count(pg_advisory_xact_lock(k)) FROM unnest('{${sorted.join(',')}}'::bigint[]) AS k`
    : 'BEGIN';
  return { planned, issuanceKeys, ruleNames, registrables, inventoryKeys, minSeen, beginSql };
}

/** A lock key's advisory-lock number: 48 bits of its SHA-256 (collisions only lock more). */
function lockHash(key: string): number {
  return createHash('sha256').update(key).digest().readUIntBE(0, 6);
}

/**
 * Records a prepared batch inside the caller's transaction, opened with `batch.beginSql` (so its
 * locks are held). See HitsApi.recordBatch.
 */
export async function recordBatchPg(c: pg.PoolClient, batch: PreparedBatch, route: RouteFn, ctx: RecordContext): Promise<RecordResult> {
  const result: RecordResult = { newHits: 0, sightings: 0, suppressed: 0, deliveries: 0, hitIds: [] };
  const { planned, issuanceKeys, ruleNames, registrables, inventoryKeys, minSeen } = batch;
  if (planned.length === 0) return result;

  // One statement reads everything the plan needs (JSON arrays: one round trip, not four).
  const rulePairs = [...ruleNames.values()];
  const invPairs = [...inventoryKeys.values()];
  const state = (
    await c.query<{ iss: IssRow[]; recent: RecentRow[]; supp: [string, string][]; inv: [string, string, string][] }>({
      name: 'ctwatch_record_read',
      text: READ_STATE,
      values: [
        [...issuanceKeys].map(t),
        rulePairs.map((p) => t(p[0])),
        rulePairs.map((p) => t(p[1])),
        minSeen - ctx.realertAfterMs,
        [...registrables].map(t),
        invPairs.map((p) => t(p[0])),
        invPairs.map((p) => t(p[1])),
      ],
    })
  ).rows[0]!;

  const issuances = new Map<string, IssuanceState>();
  const hitByIssuanceRule = new Map<string, number>();
  for (const [id, key, sha256, precert, firstSeen, lastSeen, hitId, ruleKey] of state.iss) {
    if (!issuances.has(key)) {
      issuances.set(key, { id, inDb: true, first: null as unknown as IssuanceRecord, sha256, precert, firstSeen, lastSeen, dirty: false });
    }
    if (hitId !== null) hitByIssuanceRule.set(id + SEP + ruleKey, hitId);
  }
  const recent = new Map<string, { id: number; firstSeen: number }>();
  for (const [id, ruleKey, name, technique, firstSeen] of state.recent) recent.set(ruleKey + SEP + name + SEP + technique, { id, firstSeen });
  const suppressed = new Set(state.supp.map(([registrable, brand]) => registrable + SEP + brand));
  const inventory = new Map<string, InventoryState | null>();
  for (const [watch, name, issuersJson] of state.inv) {
    inventory.set(watch + SEP + name, { watch, name, issuers: JSON.parse(issuersJson) as string[], isNew: false, firstSeen: 0, lastSeen: 0, certDelta: 0 });
  }

  // ---- plan: HitStore.recordOne over the in-memory state --------------------------------------
  const newIssuances: IssuanceState[] = [];
  const newHits: NewHit[] = [];
  const touches = new Map<number, { lastSeen: number; n: number }>();
  const sightings: { hitId: number; issuanceId: number; iss: IssuanceRecord }[] = [];
  const deliveries: { hitId: number; notifierId: string; groupKey: string; at: number }[] = [];
  const changedInventory = new Set<InventoryState>();

  const addSighting = (hitId: number, issuanceId: number, iss: IssuanceRecord) => {
    if (hitId < 0) {
      const h = newHits[-hitId - 1]!;
      h.lastSeen = Math.max(h.lastSeen, iss.seenAt);
      h.timesSeen++;
    } else {
      const t = touches.get(hitId);
      if (t) {
        t.lastSeen = Math.max(t.lastSeen, iss.seenAt);
        t.n++;
      } else touches.set(hitId, { lastSeen: iss.seenAt, n: 1 });
    }
    sightings.push({ hitId, issuanceId, iss });
    result.sightings++;
  };

  const ownDomainUpgrade = (m: CandidateMatch, iss: IssuanceRecord, knownIssuance: boolean): CandidateMatch => {
    const watch = m.watch!;
    const issuer = iss.issuer ?? 'unknown issuer';
    const key = watch + SEP + m.name;
    const row = inventory.get(key) ?? null;
    const isNew = row === null;
    if (row === null) {
      const fresh: InventoryState = { watch, name: m.name, issuers: [issuer], isNew: true, firstSeen: iss.seenAt, lastSeen: iss.seenAt, certDelta: 1 };
      inventory.set(key, fresh);
      changedInventory.add(fresh);
    } else if (!knownIssuance) {
      if (!row.issuers.includes(issuer)) row.issuers.push(issuer);
      row.issuers = row.issuers.slice(-50);
      row.lastSeen = Math.max(row.lastSeen, iss.seenAt);
      row.certDelta++;
      changedInventory.add(row);
    }
    return upgradeOwnDomainMatch(m, issuer, isNew);
  };

  for (const { iss, matches } of planned) {
    let st = issuances.get(iss.issuanceKey);
    const knownIssuance = st !== undefined;
    if (st) {
      st.lastSeen = Math.max(st.lastSeen, iss.seenAt);
      st.sha256 = !iss.precert && iss.sha256 !== null ? iss.sha256 : (st.sha256 ?? iss.sha256);
      if (!iss.precert) st.precert = 0;
      st.dirty = true;
    } else {
      st = { id: -(newIssuances.length + 1), inDb: false, first: iss, sha256: iss.sha256, precert: iss.precert ? 1 : 0, firstSeen: iss.seenAt, lastSeen: iss.seenAt, dirty: false };
      newIssuances.push(st);
      issuances.set(iss.issuanceKey, st);
    }

    for (const m of matches) {
      const ruleKey = ruleKeyOf(m);
      if (knownIssuance) {
        // The same issuance and rule again: a sighting, never a second hit.
        const same = hitByIssuanceRule.get(st.id + SEP + ruleKey);
        if (same !== undefined) {
          addSighting(same, st.id, iss);
          continue;
        }
      }
      const match = m.watch !== null && m.brand === null ? ownDomainUpgrade(m, iss, knownIssuance) : m;
      const recentKey = ruleKey + SEP + match.name + SEP + match.technique;
      const prior = recent.get(recentKey);
      if (prior && prior.firstSeen >= iss.seenAt - ctx.realertAfterMs) {
        addSighting(prior.id, st.id, iss);
        continue;
      }
      const isSuppressed = match.registrable !== null && suppressed.has(match.registrable + SEP + (match.brand ?? ''));
      const hitId = -(newHits.length + 1);
      newHits.push({ id: hitId, issuanceId: st.id, ruleKey, match, suppressed: isSuppressed, firstSeen: iss.seenAt, lastSeen: iss.seenAt, timesSeen: 1 });
      hitByIssuanceRule.set(st.id + SEP + ruleKey, hitId);
      if (!prior || iss.seenAt >= prior.firstSeen) recent.set(recentKey, { id: hitId, firstSeen: iss.seenAt });
      sightings.push({ hitId, issuanceId: st.id, iss });
      result.hitIds.push(hitId);
      if (isSuppressed) {
        result.suppressed++;
        continue;
      }
      result.newHits++;
      const at = ctx.now();
      const groupKey = match.brand !== null ? `brand:${match.brand}` : `watch:${match.watch}`;
      for (const notifierId of route(match)) {
        deliveries.push({ hitId, notifierId, groupKey, at });
        result.deliveries++;
      }
    }
  }

  // ---- write --------------------------------------------------------------------------------
  // New rows carry placeholders (-1, -2, ...) for their ids: the write statement allocates the
  // ids (ascending, in creation order), resolves the placeholders and returns the hit ids.
  // One statement writes everything (data-modifying CTEs; foreign keys are checked at its end).
  const n = newIssuances;
  const touchedIssuances = [...issuances.values()].filter((x) => x.inDb && x.dirty);
  const h = newHits;
  const tt = [...touches];
  const inv = [...changedInventory];
  const written = await c.query<{ hits: number[] | null }>({
    name: 'ctwatch_record_write',
    text: WRITE_BATCH,
    values: [
      // $1..$14 new issuances
      n.map((x) => x.id),
      n.map((x) => t(x.first.issuanceKey)),
      n.map((x) => t(x.sha256)),
      n.map((x) => t(x.first.serial)),
      n.map((x) => t(x.first.issuer)),
      n.map((x) => t(x.first.subject)),
      n.map((x) => x.first.notBefore),
      n.map((x) => x.first.notAfter),
      n.map((x) => x.precert),
      n.map((x) => JSON.stringify(x.first.names)),
      n.map((x) => t(x.first.logUrl)),
      n.map((x) => x.first.logIndex),
      n.map((x) => x.firstSeen),
      n.map((x) => x.lastSeen),
      // $15..$18 issuances seen again
      touchedIssuances.map((x) => x.id),
      touchedIssuances.map((x) => x.lastSeen),
      touchedIssuances.map((x) => x.precert),
      touchedIssuances.map((x) => t(x.sha256)),
      // $19..$35 new hits
      h.map((x) => x.id),
      h.map((x) => x.issuanceId),
      h.map((x) => t(x.ruleKey)),
      h.map((x) => t(x.match.name)),
      h.map((x) => t(x.match.registrable)),
      h.map((x) => t(x.match.brand)),
      h.map((x) => t(x.match.watch)),
      h.map((x) => t(x.match.technique)),
      h.map((x) => JSON.stringify(x.match.techniques)),
      h.map((x) => x.match.severity),
      h.map((x) => x.match.score),
      h.map((x) => t(x.match.reason)),
      h.map((x) => (x.suppressed ? 'false_positive' : 'new')),
      h.map((x) => (x.suppressed ? 1 : 0)),
      h.map((x) => x.firstSeen),
      h.map((x) => x.lastSeen),
      h.map((x) => x.timesSeen),
      // $36..$38 hits seen again
      tt.map(([id]) => id),
      tt.map(([, v]) => v.lastSeen),
      tt.map(([, v]) => v.n),
      // $39..$44 sightings
      sightings.map((x) => x.hitId),
      sightings.map((x) => x.issuanceId),
      sightings.map((x) => x.iss.seenAt),
      sightings.map((x) => t(x.iss.logUrl)),
      sightings.map((x) => x.iss.logIndex),
      sightings.map((x) => t(x.iss.source)),
      // $45..$50 inventory
      inv.map((r) => t(r.watch)),
      inv.map((r) => t(r.name)),
      inv.map((r) => r.firstSeen),
      inv.map((r) => r.lastSeen),
      inv.map((r) => JSON.stringify(r.issuers)),
      inv.map((r) => r.certDelta),
      // $51..$54 deliveries
      deliveries.map((d) => d.hitId),
      deliveries.map((d) => d.notifierId),
      deliveries.map((d) => t(d.groupKey)),
      deliveries.map((d) => d.at),
      // $55, $56 how many ids to allocate
      newIssuances.length,
      newHits.length,
      // $57 how long new hits' alerts wait (enrichment)
      ctx.alertDelayMs ?? 0,
    ],
  });
  const allocated = written.rows[0]!.hits ?? [];
  result.hitIds = result.hitIds.map((id) => (id < 0 ? allocated[-id - 1]! : id));
  return result;
}
