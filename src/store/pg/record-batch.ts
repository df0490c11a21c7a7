/**
 * recordBatch on PostgreSQL: the identity rules of hit-store.ts, with a fixed number of round
 * trips per batch whatever its size (lock, read state, plan in memory, write with multi-row
 * statements), so several thousand candidate records per second fit through one connection.
 *
 * Several instances: before reading anything, the transaction takes transaction-scoped advisory
 * locks on every issuance key and every (rule, name) of the batch, in one global (sorted) order,
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
import type pg from 'pg';
import type { Severity } from '../../match/types.js';
import { strongestPerRule } from '../hit-store.js';
import type { CandidateMatch, CandidateRecord, IssuanceRecord, RecordResult, RouteFn } from '../types.js';

export interface RecordContext {
  realertAfterMs: number;
  now: () => number;
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

const ruleKeyOf = (m: CandidateMatch) => (m.brand !== null ? `brand:${m.brand}` : `watch:${m.watch ?? ''}`);
/** Joins parts of map and lock keys (names cannot contain it: they are host names). */
const SEP = '\n';

/**
 * PostgreSQL text cannot hold U+0000, which SQLite stores; certificate fields are attacker
 * controlled (a CN with an embedded NUL is an old trick), so it is stored as U+FFFD instead of
 * failing the whole batch. JSON columns are unaffected (JSON escapes it).
 */
function t<T extends string | null | undefined>(v: T): T {
  return (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '\uFFFD') : v) as T;
}

/** Records `records` inside the caller's open transaction. See HitsApi.recordBatch. */
export async function recordBatchPg(c: pg.PoolClient, records: readonly CandidateRecord[], route: RouteFn, ctx: RecordContext): Promise<RecordResult> {
  const result: RecordResult = { newHits: 0, sightings: 0, suppressed: 0, deliveries: 0, hitIds: [] };
  if (records.length === 0) return result;
  const planned = records.map((rec) => ({ iss: rec.issuance, matches: strongestPerRule(rec.matches) }));

  // ---- lock, then read the state the plan needs ----------------------------------------------
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
  const lockKeys = [...[...issuanceKeys].map((k) => `i${SEP}${k}`), ...[...ruleNames.keys()].map((k) => `r${SEP}${k}`)].map(t).sort();
  await c.query('SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest($1::text[]) AS k', [lockKeys]);

  const issuances = new Map<string, IssuanceState>();
  const hitByIssuanceRule = new Map<string, number>();
  const existing = await c.query<{ id: number; issuance_key: string; sha256: string | null; precert: number; first_seen: number; last_seen: number; hit_id: number | null; rule_key: string | null }>(
    `SELECT i.id, i.issuance_key, i.sha256, i.precert, i.first_seen, i.last_seen, h.id AS hit_id, h.rule_key
     FROM issuances i LEFT JOIN hits h ON h.issuance_id = i.id WHERE i.issuance_key = ANY($1::text[])`,
    [[...issuanceKeys].map(t)],
  );
  for (const r of existing.rows) {
    if (!issuances.has(r.issuance_key)) {
      issuances.set(r.issuance_key, {
        id: r.id,
        inDb: true,
        first: null as unknown as IssuanceRecord,
        sha256: r.sha256,
        precert: r.precert,
        firstSeen: r.first_seen,
        lastSeen: r.last_seen,
        dirty: false,
      });
    }
    if (r.hit_id !== null) hitByIssuanceRule.set(r.id + SEP + r.rule_key, r.hit_id);
  }

  const recent = new Map<string, { id: number; firstSeen: number }>();
  if (ruleNames.size) {
    const pairs = [...ruleNames.values()];
    const rows = await c.query<{ id: number; rule_key: string; name: string; technique: string; first_seen: number }>(
      `SELECT DISTINCT ON (rule_key, name, technique) id, rule_key, name, technique, first_seen FROM hits
       WHERE (rule_key, name) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND first_seen >= $3
       ORDER BY rule_key, name, technique, first_seen DESC, id DESC`,
      [pairs.map((p) => t(p[0])), pairs.map((p) => t(p[1])), minSeen - ctx.realertAfterMs],
    );
    for (const r of rows.rows) recent.set(r.rule_key + SEP + r.name + SEP + r.technique, { id: r.id, firstSeen: r.first_seen });
  }

  const suppressed = new Set<string>();
  if (registrables.size) {
    const rows = await c.query<{ registrable: string; brand: string }>(
      'SELECT DISTINCT registrable, brand FROM suppressions WHERE active = 1 AND registrable = ANY($1::text[])',
      [[...registrables].map(t)],
    );
    for (const r of rows.rows) suppressed.add(r.registrable + SEP + r.brand);
  }

  const inventory = new Map<string, InventoryState | null>();
  if (inventoryKeys.size) {
    const pairs = [...inventoryKeys.values()];
    const rows = await c.query<{ watch: string; name: string; issuers_json: string }>(
      'SELECT watch, name, issuers_json FROM inventory WHERE (watch, name) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [pairs.map((p) => t(p[0])), pairs.map((p) => t(p[1]))],
    );
    for (const r of rows.rows) {
      inventory.set(r.watch + SEP + r.name, {
        watch: r.watch,
        name: r.name,
        issuers: JSON.parse(r.issuers_json) as string[],
        isNew: false,
        firstSeen: 0,
        lastSeen: 0,
        certDelta: 0,
      });
    }
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
  let issuanceIds: number[] = [];
  let hitIds: number[] = [];
  if (newIssuances.length || newHits.length) {
    const ids = await c.query<{ iss: number[]; hits: number[] }>(
      `SELECT ARRAY(SELECT nextval('issuances_id_seq') FROM generate_series(1, $1::int)) AS iss,
              ARRAY(SELECT nextval('hits_id_seq') FROM generate_series(1, $2::int)) AS hits`,
      [newIssuances.length, newHits.length],
    );
    issuanceIds = ids.rows[0]!.iss.sort((a, b) => a - b);
    hitIds = ids.rows[0]!.hits.sort((a, b) => a - b);
  }
  const issId = (id: number) => (id < 0 ? issuanceIds[-id - 1]! : id);
  const hitId = (id: number) => (id < 0 ? hitIds[-id - 1]! : id);

  if (newIssuances.length) {
    const n = newIssuances;
    await c.query(
      `INSERT INTO issuances (id, issuance_key, sha256, serial, issuer, subject, not_before, not_after, precert, names_json, log_url, log_index, first_seen, last_seen)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::int[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[])`,
      [
        n.map((s) => issId(s.id)),
        n.map((s) => t(s.first.issuanceKey)),
        n.map((s) => t(s.sha256)),
        n.map((s) => t(s.first.serial)),
        n.map((s) => t(s.first.issuer)),
        n.map((s) => t(s.first.subject)),
        n.map((s) => s.first.notBefore),
        n.map((s) => s.first.notAfter),
        n.map((s) => s.precert),
        n.map((s) => JSON.stringify(s.first.names)),
        n.map((s) => t(s.first.logUrl)),
        n.map((s) => s.first.logIndex),
        n.map((s) => s.firstSeen),
        n.map((s) => s.lastSeen),
      ],
    );
  }
  const touchedIssuances = [...issuances.values()].filter((s) => s.inDb && s.dirty);
  if (touchedIssuances.length) {
    await c.query(
      `UPDATE issuances i SET last_seen = GREATEST(i.last_seen, u.last_seen), precert = u.precert, sha256 = u.sha256
       FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[]) AS u(id, last_seen, precert, sha256) WHERE i.id = u.id`,
      [touchedIssuances.map((s) => s.id), touchedIssuances.map((s) => s.lastSeen), touchedIssuances.map((s) => s.precert), touchedIssuances.map((s) => t(s.sha256))],
    );
  }
  if (newHits.length) {
    const h = newHits;
    await c.query(
      `INSERT INTO hits (id, issuance_id, rule_key, name, registrable, brand, watch, technique, techniques_json, severity, score, reason, status, suppressed, first_seen, last_seen, times_seen)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::text[], $13::text[], $14::int[], $15::bigint[], $16::bigint[], $17::int[])`,
      [
        h.map((x) => hitId(x.id)),
        h.map((x) => issId(x.issuanceId)),
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
      ],
    );
  }
  if (touches.size) {
    const t = [...touches];
    await c.query(
      `UPDATE hits h SET last_seen = GREATEST(h.last_seen, u.last_seen), times_seen = h.times_seen + u.n
       FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS u(id, last_seen, n) WHERE h.id = u.id`,
      [t.map(([id]) => id), t.map(([, v]) => v.lastSeen), t.map(([, v]) => v.n)],
    );
  }
  if (sightings.length) {
    await c.query(
      `INSERT INTO sightings (hit_id, issuance_id, seen_at, log_url, log_index, source)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[])`,
      [
        sightings.map((s) => hitId(s.hitId)),
        sightings.map((s) => issId(s.issuanceId)),
        sightings.map((s) => s.iss.seenAt),
        sightings.map((s) => t(s.iss.logUrl)),
        sightings.map((s) => s.iss.logIndex),
        sightings.map((s) => t(s.iss.source)),
      ],
    );
  }
  if (changedInventory.size) {
    const rows = [...changedInventory];
    await c.query(
      `INSERT INTO inventory (watch, name, first_seen, last_seen, issuers_json, cert_count)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::int[])
       ON CONFLICT (watch, name) DO UPDATE SET last_seen = GREATEST(inventory.last_seen, EXCLUDED.last_seen),
         issuers_json = EXCLUDED.issuers_json, cert_count = inventory.cert_count + EXCLUDED.cert_count`,
      [
        rows.map((r) => t(r.watch)),
        rows.map((r) => t(r.name)),
        rows.map((r) => r.firstSeen),
        rows.map((r) => r.lastSeen),
        rows.map((r) => JSON.stringify(r.issuers)),
        rows.map((r) => r.certDelta),
      ],
    );
  }
  if (deliveries.length) {
    await c.query(
      `INSERT INTO deliveries (kind, hit_id, notifier_id, group_key, created_at, next_attempt_at)
       SELECT 'hit', u.hit_id, u.notifier_id, u.group_key, u.at, u.at FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS u(hit_id, notifier_id, group_key, at)`,
      [deliveries.map((d) => hitId(d.hitId)), deliveries.map((d) => d.notifierId), deliveries.map((d) => t(d.groupKey)), deliveries.map((d) => d.at)],
    );
  }
  result.hitIds = result.hitIds.map(hitId);
  return result;
}

/**
 * The pure part of HitStore.ownDomainUpgrade (kept in step with it; the shared suite checks the
 * new-name and unexpected-issuer cases on both backends): `own-domain:new-name` for a name never
 * seen under the watch item, `own-domain:unexpected-issuer` (high) for an issuer it does not expect.
 */
function upgradeOwnDomainMatch(m: CandidateMatch, issuer: string, isNew: boolean): CandidateMatch {
  const techniques = [...m.techniques];
  const reasons = [m.reason];
  let technique = m.technique;
  let severity: Severity = 'low';
  let score = Math.min(m.score, 30);
  if (isNew) {
    technique = 'own-domain:new-name';
    techniques.unshift(technique);
    reasons.push('first certificate ever seen for this name');
    severity = 'medium';
    score = Math.max(score, 50);
  }
  if (m.issuerExpected === false) {
    technique = 'own-domain:unexpected-issuer';
    techniques.unshift(technique);
    reasons.push(`issuer "${issuer}" is not in the expected issuers`);
    severity = 'high';
    score = Math.max(score, 80);
  }
  return { ...m, technique, techniques: [...new Set(techniques)], severity, score, reason: reasons.join('; ') };
}
