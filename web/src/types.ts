/**
 * The JSON shapes of the dashboard API (notes/API_CONTRACT.md, docs/api.md). Every string that
 * comes from a certificate (names, issuer, subject, reason) is attacker-controlled: render it as
 * text only, through components/Name.tsx.
 */

import type { Enrichment } from '../../src/enrich/types.js';
export type { Enrichment };

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export type HitStatus = 'new' | 'acknowledged' | 'false_positive';
export const STATUSES: readonly HitStatus[] = ['new', 'acknowledged', 'false_positive'];

export type TakedownStatus = 'none' | 'reported' | 'taken_down' | 'refused';
export const TAKEDOWN_STATUSES: readonly TakedownStatus[] = ['none', 'reported', 'taken_down', 'refused'];

export interface CertJson {
  sha256: string;
  issuer: string | null;
  subject: string | null;
  serial: string | null;
  not_before: string | null;
  not_after: string | null;
  precert: boolean;
  log: string | null;
  index: number | null;
}

export interface HitJson {
  id: number;
  name: string;
  registrable: string | null;
  brand: string | null;
  watch: string | null;
  technique: string;
  techniques: string[];
  severity: Severity;
  score: number;
  reason: string;
  status: HitStatus;
  suppressed: boolean;
  first_seen: string;
  last_seen: string;
  times_seen: number;
  names: string[];
  cert: CertJson;
  takedown?: { status: TakedownStatus; at: string | null; note: string | null } | null;
  /** The latest enrichment (DNS, RDAP, web), null when none (docs/enrichment.md). */
  enrichment?: Enrichment | null;
}

export interface HitsPage {
  hits: HitJson[];
  next: string | null;
}

export interface HitDetail {
  hit: HitJson;
  /** Every reason line; only the first carries score and severity, later ones may lack a technique. */
  reasons: { technique: string | null; reason: string; score: number | null; severity: Severity | null }[];
  sightings: { log: string | null; index: number | null; seen_at: string; source: string | null }[];
  triage: { action: string; note: string | null; at: string; takedown?: string | null }[];
  crtsh_url: string | null;
  /** The latest enrichment and the earlier ones, newest first (servers that send them). */
  enrichment?: Enrichment | null;
  enrichment_history?: Enrichment[];
}

export interface DailyStats {
  days: { date: string; by_brand: Record<string, number>; total: number }[];
  by_severity: Record<string, number>;
  by_technique: Record<string, number>;
  open: number;
  triaged: number;
  /** first_seen of the newest hit in the store (servers that send it). */
  latest?: string | null;
}

export interface FeedJson {
  id: string;
  kind: string;
  url: string | null;
  /** null for a replay file (nothing to connect to). */
  connected: boolean | null;
  rate: number[];
  lag: number | null;
  gaps: number;
  last_contact: string | null;
  error: string | null;
}

export interface FeedsJson {
  feeds: FeedJson[];
  /** Per CT log seen through CertStream: entries received and never received. */
  logs?: { log: string; received: number; missing: number; pending: number; last_seen: string | null }[];
  outbox: { notifier: string; pending: number; dead: number }[];
}

export interface RulesJson {
  brands: { name: string; domains: string[]; keywords: string[]; fired_24h: number; fired_7d: number }[];
  allow: string[];
  watch: { domain: string; issuers: string[]; fired_24h: number; fired_7d: number }[];
  /** first_seen of the newest hit in the store (servers that send it). */
  latest?: string | null;
}

export interface CheckJson {
  name: string;
  matches: { brand: string | null; watch: string | null; technique: string; techniques: string[]; severity: Severity; score: number; reason: string }[];
}

export interface InventoryJson {
  items: { watch: string; name: string; issuers: string[]; first_seen: string; last_seen: string; cert_count: number }[];
  hits: HitJson[];
}
