/** Display formatting of times, numbers and labels (no attacker text here: see components/Name.tsx). */

/** "2025-05-03 17:14 UTC" (analysts compare with log timestamps, so UTC, not local time). */
export function fmtTime(iso: string | null | undefined, zone = true): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  return d.toISOString().slice(0, 16).replace('T', ' ') + (zone ? ' UTC' : '');
}

export function fmtDate(iso: string | null | undefined): string {
  return iso ? fmtTime(iso).slice(0, 10) : '–';
}

/** "42 s ago", "3 min ago", "5 h ago", "2 d ago" relative to `now`. */
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function fmtNum(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

const STATUS_LABEL: Record<string, string> = { new: 'New', acknowledged: 'Acknowledged', false_positive: 'False positive' };
export const statusLabel = (s: string) => STATUS_LABEL[s] ?? s;

const TAKEDOWN_LABEL: Record<string, string> = { none: 'None', reported: 'Reported', taken_down: 'Taken down', refused: 'Refused' };
export const takedownLabel = (s: string) => TAKEDOWN_LABEL[s] ?? s;

const TECHNIQUE_LABEL: Record<string, string> = {
  'own-domain:new-name': 'own domain: new name',
  'own-domain:unexpected-issuer': 'own domain: unexpected issuer',
};
export const techniqueLabel = (t: string) => TECHNIQUE_LABEL[t] ?? t.replace(/-/g, ' ');
