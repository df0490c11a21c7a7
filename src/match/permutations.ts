/** Placeholder until the dnstwist-style generator lands (same signature). */
export interface Permutation {
  fuzzer: string;
  domain: string;
}
export function generatePermutations(_domain: string): Permutation[] {
  return [];
}
