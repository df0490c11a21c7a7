/** Writing synthetic hits straight into a real store (the API tests' and the benchmark's data). */
import type { Store } from '../../src/store/index.js';
import type { CandidateRecord } from '../../src/store/types.js';
import type { Severity } from '../../src/match/types.js';

export interface SeedHit {
  name: string;
  brand?: string | null;
  watch?: string | null;
  severity?: Severity;
  score?: number;
  technique?: string;
  seenAt: number;
  names?: string[];
  sha256?: string | null;
}

let seq = 0;

export function candidate(h: SeedHit): CandidateRecord {
  const n = ++seq;
  return {
    issuance: {
      issuanceKey: `seed-${process.pid}-${n}-${h.name}`,
      sha256: h.sha256 === undefined ? n.toString(16).padStart(64, '0') : h.sha256,
      serial: n.toString(16),
      issuer: "C=US, O=Let's Encrypt, CN=R11",
      subject: `CN=${h.name}`,
      notBefore: h.seenAt,
      notAfter: h.seenAt + 90 * 86_400_000,
      precert: true,
      names: h.names ?? [h.name],
      logUrl: 'https://ct.example/log/',
      logIndex: n,
      source: 'test',
      seenAt: h.seenAt,
    },
    matches: [
      {
        name: h.name,
        brand: h.brand === undefined ? 'PayPal' : h.brand,
        watch: h.watch ?? null,
        technique: h.technique ?? 'keyword',
        techniques: [h.technique ?? 'keyword'],
        severity: h.severity ?? 'medium',
        score: h.score ?? 50,
        reason: `${h.name}: contains the keyword "paypal"`,
        registrable: h.name,
      },
    ],
  };
}

/** Records the hits (one transaction per 5,000) and returns their ids in order. */
export function seed(store: Store, hits: readonly SeedHit[]): number[] {
  const ids: number[] = [];
  for (let i = 0; i < hits.length; i += 5_000) {
    ids.push(...store.hits.recordBatch(hits.slice(i, i + 5_000).map(candidate), () => []).hitIds);
  }
  return ids;
}
