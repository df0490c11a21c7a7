/**
 * Test helper: runs the fast reader and the full parser on one input and classifies the pair.
 * The fast reader's contract: null, or exactly the full parser's dnsNames and precert flag.
 */
import { parseCertificate } from '../../src/cert/full-parse.js';
import { readCertNames, type FastCertNames } from '../../src/cert/fast-names.js';
import type { CertDetails } from '../../src/cert/types.js';

export type Outcome =
  | 'agree' // both read it, same names and poison flag
  | 'fast-null' // full parse read it, fast reader gave up (safe)
  | 'both-fail' // full parse threw, fast reader gave up
  | 'full-fail-fast-read' // full parse threw, fast reader returned names
  | 'DISAGREE'; // both read it, different answers: the one forbidden outcome

export interface Comparison {
  outcome: Outcome;
  fast: FastCertNames | null;
  full: CertDetails | null;
  error: unknown;
}

export function compareReaders(der: Uint8Array): Comparison {
  let full: CertDetails | null = null;
  let error: unknown = null;
  try {
    full = parseCertificate(der);
  } catch (e) {
    error = e;
  }
  const fast = readCertNames(der);
  let outcome: Outcome;
  if (!full) outcome = fast ? 'full-fail-fast-read' : 'both-fail';
  else if (!fast) outcome = 'fast-null';
  else outcome = sameNames(fast, full) ? 'agree' : 'DISAGREE';
  return { outcome, fast, full, error };
}

export function sameNames(fast: FastCertNames, full: { dnsNames: string[]; precert: boolean }): boolean {
  return fast.precert === full.precert && fast.dnsNames.length === full.dnsNames.length && fast.dnsNames.every((n, i) => n === full.dnsNames[i]);
}

export function tally(outcomes: Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o] = (t[o] ?? 0) + 1;
  return t;
}
