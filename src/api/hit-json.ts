/**
 * The JSON shape of a hit: what `ctwatch hits --json` prints, and what the API returns (plus the
 * takedown status). Names are attacker-controlled and returned as JSON strings unchanged: the
 * front end renders them as text, never as HTML or links.
 */
import type { HitRow } from '../store/types.js';
import type { DashboardHit } from '../store/dashboard.js';
import type { Enrichment } from '../enrich/types.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/**
 * The documented fields of one hit (`ctwatch hits --json`); `enrichment` is its latest enrichment
 * (docs/enrichment.md), null when none.
 */
export function publicHit(r: HitRow, enrichment: Enrichment | null = null) {
  return {
    id: r.id,
    name: r.name,
    registrable: r.registrable,
    brand: r.brand,
    watch: r.watch,
    technique: r.technique,
    techniques: r.techniques,
    severity: r.severity,
    score: r.score,
    reason: r.reason,
    status: r.status,
    suppressed: r.suppressed,
    first_seen: iso(r.firstSeen),
    last_seen: iso(r.lastSeen),
    times_seen: r.timesSeen,
    names: r.names,
    cert: { sha256: r.sha256, issuer: r.issuer, subject: r.subject, serial: r.serial, not_before: iso(r.notBefore), not_after: iso(r.notAfter), precert: r.precert, log: r.logUrl, index: r.logIndex },
    enrichment,
  };
}

/** The columns of `ctwatch hits --csv` and the dashboard's CSV export. */
export const HIT_CSV_HEADER: readonly string[] = ['id', 'first_seen', 'last_seen', 'times_seen', 'status', 'severity', 'score', 'technique', 'brand', 'watch', 'name', 'registrable', 'reason', 'issuer', 'serial', 'not_before', 'not_after', 'precert', 'log', 'index', 'sha256', 'names'];

export function hitCsvRow(r: HitRow): unknown[] {
  const p = publicHit(r);
  return [p.id, p.first_seen, p.last_seen, p.times_seen, p.status, p.severity, p.score, p.technique, p.brand, p.watch, p.name, p.registrable, p.reason, p.cert.issuer, p.cert.serial, p.cert.not_before, p.cert.not_after, p.cert.precert, p.cert.log, p.cert.index, p.cert.sha256, p.names];
}

export type HitJson = ReturnType<typeof publicHit> & { takedown: { status: string; at: string | null; note: string | null } | null };

/** HitJson: publicHit plus the takedown status. */
export function hitJson(h: DashboardHit): HitJson {
  return { ...publicHit(h), takedown: h.takedown && { status: h.takedown.status, at: iso(h.takedown.at), note: h.takedown.note } };
}

/** A link to the certificate on crt.sh (by its SHA-256), never to the name. Null without a hash. */
export function crtshUrl(sha256: string | null): string | null {
  return sha256 && /^[0-9a-f]{64}$/i.test(sha256) ? `https://crt.sh/?sha256=${sha256.toUpperCase()}` : null;
}

/**
 * Every reason of a hit: the stored reason line split at "; " (how the matcher joins them). The
 * first is the strongest technique's, with the hit's score and severity; later lines carry the
 * technique only when there are at least as many lines as techniques (modifiers add lines).
 */
export function reasonsOf(h: HitRow): { technique: string | null; reason: string; score: number | null; severity: string | null }[] {
  const parts = h.reason.split('; ').filter((p) => p.length > 0);
  const paired = parts.length >= h.techniques.length;
  return parts.map((reason, i) => ({
    technique: i === 0 ? h.technique : paired ? (h.techniques[i] ?? null) : null,
    reason,
    score: i === 0 ? h.score : null,
    severity: i === 0 ? h.severity : null,
  }));
}
