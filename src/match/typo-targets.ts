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
}

export class TypoTargets {
  readonly targets: TypoTarget[] = [];
  /** Match key -> target ids. */
  readonly byKey = new Map<string, number[]>();
  readonly index: DeletionIndex;
  /** keyLengths[L] = 1 when some target key has length L (cheap pre-check before a Map look-up). */
  readonly keyLengths = new Uint8Array(1024);

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
        const t: TypoTarget = { brand: bi, label: d.uLabel, key: d.labelSkel, maxDist, domains: [d] };
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
  }
}
