/**
 * Hits, sightings and the own-domain inventory. One SQLite transaction per batch records every
 * hit and queues its deliveries (the outbox), so a committed hit is always delivered.
 *
 * Identity rules:
 * - one hit row per (issuance, rule): the same issuance seen again (another log, another feed, the
 *   final certificate after its precertificate) only adds a sighting;
 * - a new issuance for the same name, rule and technique within `realertAfterMs` of an existing
 *   hit is a sighting of that hit, not a new alert (renewals);
 * - a registrable domain marked false positive for a brand stores later hits as suppressed.
 */
import type { Db } from './db.js';
import { STATUS_FOR_ACTION, TAKEDOWN_STATUSES, toInventoryRow, type InventoryRow, type RawInventoryRow, type CandidateMatch, type CandidateRecord, type HitRow, type HitStatus, type IssuanceRecord, type RecordResult, type RouteFn, type TriageInput } from './types.js';
import { severityRank, type Severity } from '../match/types.js';

export interface HitStoreOptions {
  realertAfterMs: number;
  now?: () => number;
  /**
   * New hits' alerts wait this long (0 = none) so the enrichment worker can add what it finds;
   * it lets them go as soon as it is done (EnrichmentStore.releaseAlerts).
   */
  alertDelayMs?: number;
}

export class HitStore {
  private readonly now: () => number;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly opts: HitStoreOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.stmts = {
      findIssuance: db.prepare('SELECT id FROM issuances WHERE issuance_key = ?'),
      insertIssuance: db.prepare(`INSERT INTO issuances (issuance_key, sha256, serial, issuer, subject, not_before, not_after, precert, names_json, log_url, log_index, first_seen, last_seen)
        VALUES (@issuanceKey, @sha256, @serial, @issuer, @subject, @notBefore, @notAfter, @precert, @namesJson, @logUrl, @logIndex, @seenAt, @seenAt)`),
      touchIssuance: db.prepare(`UPDATE issuances SET last_seen = max(last_seen, @seenAt),
        precert = CASE WHEN @precert = 0 THEN 0 ELSE precert END,
        sha256 = CASE WHEN @precert = 0 AND @sha256 IS NOT NULL THEN @sha256 ELSE coalesce(sha256, @sha256) END
        WHERE id = @id`),
      findHitForIssuance: db.prepare('SELECT id FROM hits WHERE issuance_id = ? AND rule_key = ?'),
      findRecentHit: db.prepare(`SELECT id FROM hits WHERE rule_key = ? AND name = ? AND technique = ? AND first_seen >= ? ORDER BY first_seen DESC LIMIT 1`),
      isSuppressed: db.prepare('SELECT 1 FROM suppressions WHERE registrable = ? AND brand = ? AND active = 1 LIMIT 1'),
      insertHit: db.prepare(`INSERT INTO hits (issuance_id, rule_key, name, registrable, brand, watch, technique, techniques_json, severity, score, reason, status, suppressed, first_seen, last_seen)
        VALUES (@issuanceId, @ruleKey, @name, @registrable, @brand, @watch, @technique, @techniquesJson, @severity, @score, @reason, @status, @suppressed, @seenAt, @seenAt)`),
      touchHit: db.prepare('UPDATE hits SET last_seen = max(last_seen, @seenAt), times_seen = times_seen + 1 WHERE id = @id'),
      insertSighting: db.prepare('INSERT INTO sightings (hit_id, issuance_id, seen_at, log_url, log_index, source) VALUES (?, ?, ?, ?, ?, ?)'),
      insertDelivery: db.prepare(`INSERT INTO deliveries (kind, hit_id, notifier_id, group_key, created_at, next_attempt_at) VALUES ('hit', ?, ?, ?, ?, ?)`),
      findInventory: db.prepare('SELECT issuers_json FROM inventory WHERE watch = ? AND name = ?'),
      insertInventory: db.prepare('INSERT INTO inventory (watch, name, first_seen, last_seen, issuers_json, cert_count) VALUES (?, ?, ?, ?, ?, 1)'),
      updateInventory: db.prepare('UPDATE inventory SET last_seen = max(last_seen, ?), issuers_json = ?, cert_count = cert_count + 1 WHERE watch = ? AND name = ?'),
    };
  }

  /**
   * Records a batch of candidate certificates in one transaction: issuances, hits (or sightings),
   * inventory, and one pending delivery per routed notifier for every new, unsuppressed hit.
   * Idempotent per issuance: recording the same issuance again only adds sightings.
   */
  recordBatch(records: readonly CandidateRecord[], route: RouteFn, alsoInTransaction?: () => void): RecordResult {
    const result: RecordResult = { newHits: 0, sightings: 0, suppressed: 0, deliveries: 0, hitIds: [] };
    if (records.length === 0 && !alsoInTransaction) return result;
    this.db.transaction(() => {
      for (const rec of records) this.recordOne(rec, route, result);
      // e.g. a CT log reading position: saved with the hits it covers, so a crash can neither
      // lose those hits nor process their entries twice.
      alsoInTransaction?.();
    }).immediate();
    return result;
  }

  private recordOne(rec: CandidateRecord, route: RouteFn, result: RecordResult): void {
    const iss = rec.issuance;
    let issuanceId: number;
    let knownIssuance = false;
    const existing = this.stmts.findIssuance.get(iss.issuanceKey) as { id: number } | undefined;
    if (existing) {
      issuanceId = existing.id;
      knownIssuance = true;
      this.stmts.touchIssuance.run({ id: issuanceId, seenAt: iss.seenAt, precert: iss.precert ? 1 : 0, sha256: iss.sha256 });
    } else {
      issuanceId = Number(
        this.stmts.insertIssuance.run({
          ...iss,
          precert: iss.precert ? 1 : 0,
          namesJson: JSON.stringify(iss.names),
        }).lastInsertRowid,
      );
    }

    for (const m of strongestPerRule(rec.matches)) {
      const ruleKey = m.brand !== null ? `brand:${m.brand}` : `watch:${m.watch ?? ''}`;
      // The same issuance and rule again: a sighting, never a second hit.
      const sameIssuance = knownIssuance ? (this.stmts.findHitForIssuance.get(issuanceId, ruleKey) as { id: number } | undefined) : undefined;
      if (sameIssuance) {
        this.addSighting(sameIssuance.id, issuanceId, iss, result);
        continue;
      }
      const match = m.watch !== null && m.brand === null ? this.ownDomainUpgrade(m, iss, knownIssuance) : m;
      const recent = this.stmts.findRecentHit.get(ruleKey, match.name, match.technique, iss.seenAt - this.opts.realertAfterMs) as
        | { id: number }
        | undefined;
      if (recent) {
        this.addSighting(recent.id, issuanceId, iss, result);
        continue;
      }
      const suppressed = match.registrable !== null && this.stmts.isSuppressed.get(match.registrable, match.brand ?? '') !== undefined;
      const hitId = Number(
        this.stmts.insertHit.run({
          issuanceId,
          ruleKey,
          name: match.name,
          registrable: match.registrable,
          brand: match.brand,
          watch: match.watch,
          technique: match.technique,
          techniquesJson: JSON.stringify(match.techniques),
          severity: match.severity,
          score: match.score,
          reason: match.reason,
          status: suppressed ? 'false_positive' : 'new',
          suppressed: suppressed ? 1 : 0,
          seenAt: iss.seenAt,
        }).lastInsertRowid,
      );
      this.stmts.insertSighting.run(hitId, issuanceId, iss.seenAt, iss.logUrl, iss.logIndex, iss.source);
      result.hitIds.push(hitId);
      if (suppressed) {
        result.suppressed++;
        continue;
      }
      result.newHits++;
      const now = this.now();
      const groupKey = match.brand !== null ? `brand:${match.brand}` : `watch:${match.watch}`;
      for (const notifierId of route(match)) {
        this.stmts.insertDelivery.run(hitId, notifierId, groupKey, now, now + (this.opts.alertDelayMs ?? 0));
        result.deliveries++;
      }
    }
  }

  private addSighting(hitId: number, issuanceId: number, iss: IssuanceRecord, result: RecordResult): void {
    this.stmts.touchHit.run({ id: hitId, seenAt: iss.seenAt });
    this.stmts.insertSighting.run(hitId, issuanceId, iss.seenAt, iss.logUrl, iss.logIndex, iss.source);
    result.sightings++;
  }

  /**
   * Own-domain matches become `own-domain:new-name` when the name was never seen under the watch
   * item, and `own-domain:unexpected-issuer` (high) when the issuer is not one it expects.
   * Updates the inventory (once per issuance).
   */
  private ownDomainUpgrade(m: CandidateMatch, iss: IssuanceRecord, knownIssuance: boolean): CandidateMatch {
    const watch = m.watch!;
    const issuer = iss.issuer ?? 'unknown issuer';
    const row = this.stmts.findInventory.get(watch, m.name) as { issuers_json: string } | undefined;
    const isNew = !row;
    if (!row) {
      this.stmts.insertInventory.run(watch, m.name, iss.seenAt, iss.seenAt, JSON.stringify([issuer]));
    } else if (!knownIssuance) {
      const issuers = JSON.parse(row.issuers_json) as string[];
      if (!issuers.includes(issuer)) issuers.push(issuer);
      this.stmts.updateInventory.run(iss.seenAt, JSON.stringify(issuers.slice(-50)), watch, m.name);
    }
    return upgradeOwnDomainMatch(m, issuer, isNew);
  }

  // ---- queries -------------------------------------------------------------------------------

  /** Lists hits, newest first. `minSeverity` includes more severe ones. */
  listHits(q: { since?: number; brand?: string; minSeverity?: Severity; status?: HitStatus; limit?: number } = {}): HitRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.since !== undefined) {
      where.push('h.last_seen >= ?');
      args.push(q.since);
    }
    if (q.brand !== undefined) {
      where.push('h.brand = ? COLLATE NOCASE');
      args.push(q.brand);
    }
    if (q.status !== undefined) {
      where.push('h.status = ?');
      args.push(q.status);
    }
    if (q.minSeverity !== undefined) {
      const allowed = (['low', 'medium', 'high', 'critical'] as Severity[]).filter((s) => severityRank(s) >= severityRank(q.minSeverity!));
      where.push(`h.severity IN (${allowed.map(() => '?').join(',')})`);
      args.push(...allowed);
    }
    const sql = `${HIT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.id DESC LIMIT ?`;
    args.push(q.limit ?? 1_000_000);
    return (this.db.prepare(sql).all(...args) as RawHit[]).map(toHitRow);
  }

  getHit(id: number): HitRow | null {
    const row = this.db.prepare(`${HIT_SELECT} WHERE h.id = ?`).get(id) as RawHit | undefined;
    return row ? toHitRow(row) : null;
  }

  /** Sightings of a hit, oldest first. */
  sightings(hitId: number): { seenAt: number; logUrl: string | null; logIndex: number | null; source: string | null }[] {
    return (
      this.db.prepare('SELECT seen_at, log_url, log_index, source FROM sightings WHERE hit_id = ? ORDER BY id').all(hitId) as {
        seen_at: number;
        log_url: string | null;
        log_index: number | null;
        source: string | null;
      }[]
    ).map((r) => ({ seenAt: r.seen_at, logUrl: r.log_url, logIndex: r.log_index, source: r.source }));
  }

  /**
   * Sets a hit's triage status. `false_positive` also suppresses future hits for the same
   * registrable domain and brand; reopening lifts the suppressions that hit created.
   * Returns false when there is no such hit. Idempotent.
   */
  setStatus(id: number, status: HitStatus): boolean {
    const hit = this.getHit(id);
    if (!hit) return false;
    this.db.transaction(() => this.applyStatus(hit, status)).immediate();
    return true;
  }

  private applyStatus(hit: HitRow, status: HitStatus): void {
    const id = hit.id;
    this.db.prepare('UPDATE hits SET status = ?, triaged_at = ? WHERE id = ?').run(status, this.now(), id);
    if (status === 'false_positive' && hit.registrable) {
      const active = this.db.prepare('SELECT 1 FROM suppressions WHERE registrable = ? AND brand = ? AND active = 1').get(hit.registrable, hit.brand ?? '');
      if (!active) {
        this.db
          .prepare('INSERT INTO suppressions (registrable, brand, hit_id, created_at, active) VALUES (?, ?, ?, ?, 1)')
          .run(hit.registrable, hit.brand ?? '', id, this.now());
      }
    } else if (status !== 'false_positive') {
      this.db.prepare('UPDATE suppressions SET active = 0 WHERE hit_id = ?').run(id);
    }
  }

  /**
   * The one triage code path (`ctwatch hits ack|fp|reopen` and the dashboard API): ack, fp and
   * reopen set the status (as setStatus); takedown sets the takedown status, its date and note.
   * Every call adds one row to the hit's triage history. Returns the ids that exist (the others
   * are skipped), all in one transaction. Throws TRIAGE_INVALID on a takedown without a status.
   */
  triage(ids: readonly number[], input: TriageInput): number[] {
    if (input.action === 'takedown' && (input.takedown === undefined || !TAKEDOWN_STATUSES.includes(input.takedown))) {
      throw Object.assign(new Error(`takedown: give one of ${TAKEDOWN_STATUSES.join(', ')}`), { code: 'TRIAGE_INVALID' });
    }
    const note = input.note ? input.note.slice(0, 2_000) : null;
    const done: number[] = [];
    this.db.transaction(() => {
      const now = this.now();
      for (const id of ids) {
        const hit = this.getHit(id);
        if (!hit) continue;
        if (input.action === 'takedown') {
          this.db.prepare('UPDATE hits SET takedown_status = ?, takedown_at = ?, takedown_note = ? WHERE id = ?').run(input.takedown, input.at ?? now, note, id);
        } else {
          this.applyStatus(hit, STATUS_FOR_ACTION[input.action]);
        }
        this.db
          .prepare('INSERT INTO triage_history (hit_id, action, note, takedown, at) VALUES (?, ?, ?, ?, ?)')
          .run(id, input.action, note, input.action === 'takedown' ? input.takedown : null, now);
        done.push(id);
      }
    }).immediate();
    return done;
  }

  listInventory(q: { watch?: string } = {}): InventoryRow[] {
    const rows = (
      q.watch !== undefined
        ? this.db.prepare('SELECT * FROM inventory WHERE watch = ? ORDER BY watch, name').all(q.watch)
        : this.db.prepare('SELECT * FROM inventory ORDER BY watch, name').all()
    ) as RawInventoryRow[];
    return rows.map(toInventoryRow);
  }

  addAllow(domain: string): void {
    this.db.prepare('INSERT OR IGNORE INTO allowlist (domain, created_at) VALUES (?, ?)').run(domain, this.now());
  }

  listAllow(): string[] {
    return (this.db.prepare('SELECT domain FROM allowlist ORDER BY domain').all() as { domain: string }[]).map((r) => r.domain);
  }

  counts(): { hits: number; issuances: number; sightings: number } {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      hits: one('SELECT count(*) AS n FROM hits'),
      issuances: one('SELECT count(*) AS n FROM issuances'),
      sightings: one('SELECT count(*) AS n FROM sightings'),
    };
  }
}

/** Several names of one certificate can fire the same rule: one hit per rule, the strongest. */
export function strongestPerRule(matches: readonly CandidateMatch[]): CandidateMatch[] {
  const best = new Map<string, CandidateMatch>();
  for (const m of matches) {
    const key = m.brand !== null ? `b:${m.brand}` : `w:${m.watch}`;
    const cur = best.get(key);
    if (!cur || m.score > cur.score) best.set(key, m);
  }
  return [...best.values()];
}

export const HIT_SELECT = `SELECT h.id, h.name, h.registrable, h.brand, h.watch, h.technique, h.techniques_json, h.severity, h.score, h.reason,
  h.status, h.suppressed, h.first_seen, h.last_seen, h.times_seen, i.names_json, i.sha256, i.serial, i.issuer, i.subject,
  i.not_before, i.not_after, i.precert, i.log_url, i.log_index
  FROM hits h JOIN issuances i ON i.id = h.issuance_id`;

export interface RawHit {
  id: number;
  name: string;
  registrable: string | null;
  brand: string | null;
  watch: string | null;
  technique: string;
  techniques_json: string;
  severity: Severity;
  score: number;
  reason: string;
  status: HitStatus;
  suppressed: number;
  first_seen: number;
  last_seen: number;
  times_seen: number;
  names_json: string;
  sha256: string | null;
  serial: string | null;
  issuer: string | null;
  subject: string | null;
  not_before: number | null;
  not_after: number | null;
  precert: number;
  log_url: string | null;
  log_index: number | null;
}

export function toHitRow(r: RawHit): HitRow {
  return {
    id: r.id,
    name: r.name,
    registrable: r.registrable,
    brand: r.brand,
    watch: r.watch,
    technique: r.technique,
    techniques: JSON.parse(r.techniques_json) as string[],
    severity: r.severity,
    score: r.score,
    reason: r.reason,
    status: r.status,
    suppressed: r.suppressed === 1,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    timesSeen: r.times_seen,
    names: JSON.parse(r.names_json) as string[],
    sha256: r.sha256,
    serial: r.serial,
    issuer: r.issuer,
    subject: r.subject,
    notBefore: r.not_before,
    notAfter: r.not_after,
    precert: r.precert === 1,
    logUrl: r.log_url,
    logIndex: r.log_index,
  };
}

/**
 * The pure part of the own-domain upgrade, shared by both backends: `own-domain:new-name`
 * (medium) for a name never seen under the watch item, `own-domain:unexpected-issuer` (high) for
 * an issuer it does not expect. Returns a new match; `m` is not changed.
 */
export function upgradeOwnDomainMatch(m: CandidateMatch, issuer: string, isNew: boolean): CandidateMatch {
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
