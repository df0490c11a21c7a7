/**
 * Triage on PostgreSQL: HitStore.triage and HitStore.setStatus (hit-store.ts), same semantics, in
 * a fixed number of statements whatever the number of hits (the dashboard's bulk triage sends up
 * to 1,000 ids; a remote database must not cost a round trip per hit).
 */
import type pg from 'pg';
import { STATUS_FOR_ACTION, TAKEDOWN_STATUSES, type HitStatus, type TriageInput } from '../types.js';
import { inTransaction, pgText } from './connection.js';

/** What triage needs of a hit. */
export interface TriagedHit {
  id: number;
  registrable: string | null;
  brand: string | null;
}

/** The longest note kept (HitStore.triage's limit). */
const MAX_NOTE = 2_000;

/**
 * Locks the hits of `ids` that exist (FOR UPDATE, in id order, so two bulk triages never wait on
 * each other in a cycle) and returns them by id. Ids that are no safe integers exist nowhere.
 */
export async function lockHits(c: pg.PoolClient, ids: readonly number[]): Promise<Map<number, TriagedHit>> {
  const wanted = [...new Set(ids.filter((id) => Number.isSafeInteger(id)))];
  if (!wanted.length) return new Map();
  const r = await c.query<TriagedHit>('SELECT id, registrable, brand FROM hits WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [wanted]);
  return new Map(r.rows.map((h) => [h.id, h]));
}

/**
 * HitStore.applyStatus for `hits` (locked by lockHits; in the caller's order, repeats allowed):
 * sets the status; false_positive suppresses each hit's registrable domain for its brand unless
 * an active suppression exists (the first hit in order creates it); any other status lifts the
 * suppressions these hits created.
 */
export async function applyStatus(c: pg.PoolClient, hits: readonly TriagedHit[], status: HitStatus, at: number): Promise<void> {
  if (!hits.length) return;
  const ids = [...new Set(hits.map((h) => h.id))];
  await c.query('UPDATE hits SET status = $1, triaged_at = $2 WHERE id = ANY($3::bigint[])', [status, at, ids]);
  if (status !== 'false_positive') {
    await c.query('UPDATE suppressions SET active = 0 WHERE hit_id = ANY($1::bigint[])', [ids]);
    return;
  }
  // As HitStore: no registrable domain (null or empty), no suppression.
  const keyed = hits.filter((h) => h.registrable);
  if (!keyed.length) return;
  // Two instances marking the same domain at once: one suppression, not two. Locks taken in hash
  // order, the same on every instance.
  await c.query(
    `SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended('s' || chr(10) || r || chr(10) || b, 0) AS k
       FROM unnest($1::text[], $2::text[]) AS u(r, b) ORDER BY 1) x`,
    [keyed.map((h) => h.registrable), keyed.map((h) => h.brand ?? '')],
  );
  await c.query(
    `INSERT INTO suppressions (registrable, brand, hit_id, created_at, active)
     SELECT u.r, u.b, u.h, $4, 1 FROM (
       SELECT DISTINCT ON (r, b) r, b, h, o FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS u(r, b, h, o) ORDER BY r, b, o) u
     WHERE NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.registrable = u.r AND s.brand = u.b AND s.active = 1)
     ORDER BY u.o`,
    [keyed.map((h) => h.registrable), keyed.map((h) => h.brand ?? ''), keyed.map((h) => h.id), at],
  );
}

/**
 * HitStore.triage: ack, fp and reopen set the status (applyStatus); takedown sets the takedown
 * status, its date (`input.at`, default now) and note; one triage_history row per id that exists
 * (repeats included), in the order given. Everything in one transaction. Resolves to the ids that
 * exist, in the order given. Rejects with code TRIAGE_INVALID on a takedown without a valid status
 * (nothing written), STORE_UNAVAILABLE when the database is away.
 */
export async function triagePg(pool: pg.Pool, now: () => number, ids: readonly number[], input: TriageInput): Promise<number[]> {
  if (input.action === 'takedown' && (input.takedown === undefined || !TAKEDOWN_STATUSES.includes(input.takedown))) {
    throw Object.assign(new Error(`takedown: give one of ${TAKEDOWN_STATUSES.join(', ')}`), { code: 'TRIAGE_INVALID' });
  }
  if (!ids.length) return [];
  const note = input.note ? pgText(input.note.slice(0, MAX_NOTE)) : null;
  return inTransaction(pool, async (c) => {
    const at = now();
    const found = await lockHits(c, ids);
    const done = ids.filter((id) => found.has(id));
    if (!done.length) return [];
    if (input.action === 'takedown') {
      await c.query('UPDATE hits SET takedown_status = $1, takedown_at = $2, takedown_note = $3 WHERE id = ANY($4::bigint[])', [
        input.takedown,
        input.at ?? at,
        note,
        [...new Set(done)],
      ]);
    } else {
      await applyStatus(c, done.map((id) => found.get(id)!), STATUS_FOR_ACTION[input.action], at);
    }
    await c.query(
      `INSERT INTO triage_history (hit_id, action, note, takedown, at)
       SELECT u.id, $2, $3, $4, $5 FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, o) ORDER BY u.o`,
      [done, input.action, note, input.action === 'takedown' ? input.takedown : null, at],
    );
    return done;
  });
}
