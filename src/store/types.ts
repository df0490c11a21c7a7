/** Records the store takes and gives. Times are milliseconds since the epoch. */
import type { Match } from '../match/types.js';

export interface IssuanceRecord {
  issuanceKey: string;
  sha256: string | null;
  serial: string | null;
  issuer: string | null;
  subject: string | null;
  notBefore: number | null;
  notAfter: number | null;
  precert: boolean;
  names: string[];
  logUrl: string | null;
  logIndex: number | null;
  source: string;
  seenAt: number;
}

export interface CandidateMatch extends Match {
  /** Registrable domain of the matched name (false-positive suppression is keyed on it). */
  registrable: string | null;
  /** For own-domain matches: whether the issuer is one the watch item expects. */
  issuerExpected?: boolean;
}

export interface CandidateRecord {
  issuance: IssuanceRecord;
  matches: CandidateMatch[];
}

export type HitStatus = 'new' | 'acknowledged' | 'false_positive';

/**
 * A stored hit: the match (one rule on one name), the certificate it was first seen in, and its
 * triage state. Field for field the Match and IssuanceRecord fields it was made from.
 */
export interface HitRow
  extends Match,
    Pick<CandidateMatch, 'registrable'>,
    Pick<IssuanceRecord, 'names' | 'sha256' | 'serial' | 'issuer' | 'subject' | 'notBefore' | 'notAfter' | 'precert' | 'logUrl' | 'logIndex'> {
  id: number;
  status: HitStatus;
  suppressed: boolean;
  firstSeen: number;
  lastSeen: number;
  timesSeen: number;
}

/** Who should be told about a new hit: notifier ids. Decided by the routing rules, outside the store. */
export type RouteFn = (hit: Pick<HitRow, 'brand' | 'watch' | 'technique' | 'severity'>) => readonly string[];

export interface RecordResult {
  newHits: number;
  sightings: number;
  suppressed: number;
  deliveries: number;
  /** Ids of hits created by this call. */
  hitIds: number[];
}

/** What a person did to a hit: `ctwatch hits ack|fp|reopen` and the dashboard share these. */
export type TriageAction = 'ack' | 'fp' | 'reopen' | 'takedown';
export const TRIAGE_ACTIONS: readonly TriageAction[] = ['ack', 'fp', 'reopen', 'takedown'];

/** Where a takedown request for a look-alike site stands. */
export type TakedownStatus = 'none' | 'reported' | 'taken_down' | 'refused';
export const TAKEDOWN_STATUSES: readonly TakedownStatus[] = ['none', 'reported', 'taken_down', 'refused'];

export interface TriageInput {
  action: TriageAction;
  /** Free text kept in the triage history (at most 2,000 characters). */
  note?: string | null;
  /** Required for `takedown`: the new takedown status. */
  takedown?: TakedownStatus;
  /** When the takedown status changed (defaults to now). */
  at?: number;
}

export interface Takedown {
  status: TakedownStatus;
  at: number | null;
  note: string | null;
}

export interface TriageEntry {
  action: TriageAction;
  note: string | null;
  takedown: TakedownStatus | null;
  at: number;
}

/** The hit status each status-changing action sets. */
export const STATUS_FOR_ACTION: Readonly<Record<Exclude<TriageAction, 'takedown'>, HitStatus>> = {
  ack: 'acknowledged',
  fp: 'false_positive',
  reopen: 'new',
};

/** A name seen under a watch item (own-domain inventory), as callers see it. */
export interface InventoryRow {
  watch: string;
  name: string;
  firstSeen: number;
  lastSeen: number;
  issuers: string[];
  certCount: number;
}

/** An inventory row as both databases return it. */
export interface RawInventoryRow {
  watch: string;
  name: string;
  first_seen: number;
  last_seen: number;
  issuers_json: string;
  cert_count: number;
}

export function toInventoryRow(x: RawInventoryRow): InventoryRow {
  return { watch: x.watch, name: x.name, firstSeen: x.first_seen, lastSeen: x.last_seen, issuers: JSON.parse(x.issuers_json) as string[], certCount: x.cert_count };
}
