/**
 * The protected labels of every brand, compiled for the label techniques: exact match-key
 * look-up (homograph, homoglyph, TLD swap, subdomain embedding, hyphenation, subdomain
 * fuzzer) and the deletion index for bounded edit distance.
 */
import type { DetectionConfig } from './config-schema.js';
import type { BrandDomain, BrandTable } from './brands.js';
import { DeletionIndex } from './typo-index.js';

/** One protected label of one brand (domains of a brand sharing a label share a target). */
export interface TypoTarget {
  brand: number;
  /** Unicode label, e.g. "paypal". */
  label: string;
  /** Match key of the label. */
  key: string;
  /** Edit distance searched for this label (0 = exact key only). */
  maxDist: number;
  /** The brand's domains with this label (paypal.com, paypal.me). */
  domains: BrandDomain[];
  /** Generic label (short, an ordinary word, a morpheme): label techniques need corroboration. */
  generic: boolean;
  /** Label of short_label_max_length characters or fewer: exact-label techniques only. */
  short: boolean;
  /** Label that names infrastructure (`rbxcdn`, `twimg`): exact-label techniques only. */
  infra: boolean;
  /** Rule id for explanations and metrics: `label:LABEL`. */
  rule: string;
}

/** Hash of s[from, to) followed by s2 (FNV-1a, then a multiply-xorshift). */
function spanHash(s: string, from: number, to: number, s2 = ''): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  for (let i = 0; i < s2.length; i++) h = Math.imul(h ^ s2.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

export class TypoTargets {
  readonly targets: TypoTarget[] = [];
  /** Match key -> target ids (read through idsForKey). */
  private readonly byKey = new Map<string, number[]>();
  readonly index: DeletionIndex;
  /** keyLengths[L] = 1 when some target key has length L. */
  private readonly keyLengths = new Uint8Array(1024);
  /**
   * One bit per hash of each target key: idsForKey hashes a span of a longer string without
   * slicing it, and most spans (labels of ordinary names) stop there, before a slice and a Map
   * look-up. A set bit may be a collision; the Map decides.
   */
  private readonly keyBits: Uint32Array;
  private readonly keyBitMask: number;

  constructor(table: BrandTable, detection: DetectionConfig) {
    const seen = new Map<string, TypoTarget>();
    table.brands.forEach((b, bi) => {
      if (!b.typosquats) return;
      for (const d of b.domains) {
        if (d.labelSkel === '') continue;
        const id = `${bi}\u0000${d.labelSkel}`;
        const existing = seen.get(id);
        if (existing) {
          existing.domains.push(d);
          continue;
        }
        const len = [...d.uLabel].length;
        const maxDist = len >= detection.edit_distance.distance2_min_length ? 2 : len >= detection.edit_distance.distance1_min_length ? 1 : 0;
        const short = len <= detection.edit_distance.short_label_max_length;
        const t: TypoTarget = { brand: bi, label: d.uLabel, key: d.labelSkel, maxDist: short || d.infra ? 0 : maxDist, domains: [d], generic: d.generic, short, infra: d.infra, rule: `label:${d.uLabel}` };
        seen.set(id, t);
        const tid = this.targets.length;
        this.targets.push(t);
        if (t.key.length < 1024) this.keyLengths[t.key.length] = 1;
        const list = this.byKey.get(t.key);
        if (list) list.push(tid);
        else this.byKey.set(t.key, [tid]);
      }
    });
    this.index = new DeletionIndex(this.targets);
    let bits = 1 << 16;
    while (bits < this.targets.length * 32) bits *= 2;
    this.keyBits = new Uint32Array(bits >>> 5);
    this.keyBitMask = bits - 1;
    for (const t of this.targets) {
      const b = spanHash(t.key, 0, t.key.length) & this.keyBitMask;
      this.keyBits[b >>> 5] |= 1 << (b & 31);
    }
  }

  /**
   * Ids of the targets whose key is s[from, to) followed by `then`, or undefined. Allocates only
   * when the key filter lets the span through (a target key, or rarely a collision). Pure.
   */
  idsForKey(s: string, from = 0, to = s.length, then = ''): readonly number[] | undefined {
    const len = to - from + then.length;
    if (len <= 0 || len >= 1024 || this.keyLengths[len] === 0) return undefined;
    const b = spanHash(s, from, to, then) & this.keyBitMask;
    if ((this.keyBits[b >>> 5] & (1 << (b & 31))) === 0) return undefined;
    return this.byKey.get(from === 0 && to === s.length ? s + then : s.slice(from, to) + then);
  }
}
