/**
 * A synthetic candidate record for the store benchmarks: one issuance (Let's Encrypt R11, 90 days,
 * the name and its www., entry `i` of a made-up log) with one brand match. The caller chooses
 * what varies between benchmarks (name, time, severity, ...); the rest is the same everywhere.
 */
import type { Severity } from '../../src/match/types.js';
import type { CandidateRecord } from '../../src/store/types.js';

const DAY = 86_400_000;

export interface SyntheticHit {
  name: string;
  brand: string;
  seenAt: number;
  precert: boolean;
  technique: string;
  severity: Severity;
  score: number;
  reason: string;
  registrable: string;
}

export function syntheticHit(i: number, h: SyntheticHit): CandidateRecord {
  return {
    issuance: {
      issuanceKey: `bench-${i}`,
      sha256: i.toString(16).padStart(64, '0'),
      serial: i.toString(16),
      issuer: "C=US, O=Let's Encrypt, CN=R11",
      subject: `CN=${h.name}`,
      notBefore: h.seenAt,
      notAfter: h.seenAt + 90 * DAY,
      precert: h.precert,
      names: [h.name, `www.${h.name}`],
      logUrl: 'https://ct.example/log/',
      logIndex: i,
      source: 'bench',
      seenAt: h.seenAt,
    },
    matches: [
      {
        name: h.name,
        brand: h.brand,
        watch: null,
        technique: h.technique,
        techniques: [h.technique],
        severity: h.severity,
        score: h.score,
        reason: h.reason,
        registrable: h.registrable,
      },
    ],
  };
}
