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
