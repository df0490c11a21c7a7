/**
 * Typos of a long brand label inside a longer label ("etheriumairdrop", "metamakrecovery"):
 * approximate substring search with at most one edit, by the pigeonhole principle. Each
 * protected label key of 8+ characters is cut in two halves; one edit leaves at least one
 * half intact, so an Aho-Corasick scan for the halves finds every candidate position, and a
 * small bounded edit-distance check around it confirms. The engine scans for the halves in the
 * same pass as for the keywords, so a miss costs no extra scan.
 */
import { inAlphabet } from './aho-corasick.js';
import type { TypoTargets } from './typo-targets.js';

/** Minimum protected-label length for the fuzzy substring search. */
export const FUZZY_MIN_LENGTH = 8;

/**
 * Compares `p` with `t[ts, ts + tl)`: 0 when equal, 1 when one substitution, insertion,
 * omission or adjacent swap apart, 2 otherwise. Allocation-free.
 */
export function editsAt(p: string, t: string, ts: number, tl: number): number {
  const pl = p.length;
  if (Math.abs(pl - tl) > 1 || ts < 0 || ts + tl > t.length) return 2;
  const min = pl < tl ? pl : tl;
  let a = 0;
  while (a < min && p.charCodeAt(a) === t.charCodeAt(ts + a)) a++;
  if (a === min) return pl === tl ? 0 : 1;
  let b = 0;
  while (b < min - a && p.charCodeAt(pl - 1 - b) === t.charCodeAt(ts + tl - 1 - b)) b++;
  if (pl !== tl) return a + b >= min ? 1 : 2;
  if (a + b >= pl - 1) return 1;
  if (a + b === pl - 2 && p.charCodeAt(a) === t.charCodeAt(ts + a + 1) && p.charCodeAt(a + 1) === t.charCodeAt(ts + a)) return 1;
  return 2;
}

/** One fuzzy hit: target id and the text window (match-key coordinates) that contains it. */
export interface FuzzyHit {
  tid: number;
  start: number;
  end: number;
}

export class FuzzySubstrings {
  /** Distinct halves of the long protected label keys; pattern id = index. The engine scans for them. */
  readonly patterns: string[] = [];
  /** Pattern id -> [target id, half (0 = head, 1 = tail)] pairs. */
  private readonly owners: [number, number][][] = [];
  /** Target id -> [head, tail] of its key (only for targets with halves). */
  private readonly halves = new Map<number, [string, string]>();

  constructor(private readonly typos: TypoTargets) {
    const ids = new Map<string, number>();
    typos.targets.forEach((t, tid) => {
      if (t.key.length < FUZZY_MIN_LENGTH || !inAlphabet(t.key)) return;
      const mid = t.key.length >> 1;
      const pair: [string, string] = [t.key.slice(0, mid), t.key.slice(mid)];
      this.halves.set(tid, pair);
      pair.forEach((half, which) => {
        let id = ids.get(half);
        if (id === undefined) {
          id = this.patterns.length;
          ids.set(half, id);
          this.patterns.push(half);
          this.owners.push([]);
        }
        this.owners[id].push([tid, which]);
      });
    });
  }

  /**
   * For one occurrence [s, e) of half `id` in `key` (labels joined by dots, the registrable
   * label last), adds to `hits` the targets whose key occurs there with exactly one edit:
   * inside a registrable label longer than the target key (shorter or equal ones are the
   * deletion index's job), or inside any subdomain label. `hits` are those found so far for
   * this key (each target is reported once); returns them, the array created on the first hit.
   * Allocates nothing on a miss. Pure.
   */
  occurrence(id: number, s: number, e: number, key: string, hits: FuzzyHit[] | null): FuzzyHit[] | null {
    for (const [tid, which] of this.owners[id]) {
      if (hits !== null && hits.some((h) => h.tid === tid)) continue;
      const t = this.typos.targets[tid];
      const L = t.key.length;
      const labelStart = key.lastIndexOf('.', s - 1) + 1;
      let labelEnd = key.indexOf('.', e);
      if (labelEnd < 0) labelEnd = key.length;
      // The registrable label (the last one) of the brand's length is the deletion index's
      // job; subdomain labels are searched at any length from L - 1.
      const labelLen = labelEnd - labelStart;
      if (labelEnd === key.length ? labelLen <= L : labelLen < L - 1) continue;
      const [head, tail] = this.halves.get(tid) as [string, string];
      // The intact half is at [s, e); the other half must be within one edit next to it.
      let found = -1;
      let foundLen = 0;
      let exact = false;
      for (let d = -1; d <= 1 && !exact; d++) {
        const len = (which === 0 ? tail.length : head.length) + d;
        const from = which === 0 ? e : s - len;
        if (from < labelStart || from + len > labelEnd) continue;
        const r = editsAt(which === 0 ? tail : head, key, from, len);
        if (r === 0) exact = true;
        else if (r === 1 && found < 0) {
          found = from;
          foundLen = len;
        }
      }
      if (exact || found < 0) continue;
      (hits ??= []).push({ tid, start: which === 0 ? s : found, end: which === 0 ? found + foundLen : e });
    }
    return hits;
  }
}
