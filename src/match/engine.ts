/**
 * The brand side of matching: runs every technique on one normalised name and returns the
 * signals per brand. Compiled once; `run` is pure and allocation-light on a miss.
 */
import type { DetectionConfig } from './config-schema.js';
import type { NormalizedName } from './normalize.js';
import type { Modifier, Signal } from './scoring.js';
import { BrandTable, KeywordIndex, type KeywordEntry } from './brands.js';
import { escapeForReason } from './escape.js';

/** Signals per brand index. */
export type BrandSignals = Map<number, Signal[]>;

function add(out: BrandSignals, brand: number, s: Signal): void {
  const list = out.get(brand);
  if (list === undefined) out.set(brand, [s]);
  else if (!list.some((x) => x.technique === s.technique && x.reason === s.reason)) list.push(s);
}

function isTokenStart(label: string, i: number): boolean {
  return i === 0 || label.charCodeAt(i - 1) === 0x2d;
}
function isTokenEnd(label: string, i: number): boolean {
  return i === label.length || label.charCodeAt(i) === 0x2d;
}

/** True when a keyword occurrence [s, e) in `label` satisfies the keyword's mode. */
export function modeAllows(mode: KeywordEntry['mode'], label: string, s: number, e: number): boolean {
  switch (mode) {
    case 'substring':
      return true;
    case 'label':
      return isTokenStart(label, s) && isTokenEnd(label, e);
    case 'prefix':
      return isTokenStart(label, s);
    case 'suffix':
      return isTokenEnd(label, e);
  }
}

export class BrandEngine {
  private readonly keywords: KeywordIndex;

  constructor(
    readonly table: BrandTable,
    readonly detection: DetectionConfig,
  ) {
    this.keywords = new KeywordIndex(table.keywords);
  }

  /** Score modifiers that apply to the whole name (none yet in v1). */
  modifiers(_n: NormalizedName): Modifier[] {
    return [];
  }

  /** Signals for one name that is not exempt. */
  run(n: NormalizedName): BrandSignals {
    const out: BrandSignals = new Map();
    if (n.parts.isIp || n.parts.registrable === null) return out;
    const uLabels = n.unicode.split('.');
    const suffixCount = n.parts.publicSuffix === '' ? 0 : n.parts.publicSuffix.split('.').length;
    const own = uLabels.length - suffixCount; // labels left of the public suffix
    for (let li = 0; li < own; li++) {
      const uLabel = uLabels[li];
      const skel = li === own - 1 ? n.labelSkeleton : skeletonOfLabel(n, li);
      this.keywordHits(n, uLabel, skel, li === own - 1, out);
    }
    return out;
  }

  private keywordHits(n: NormalizedName, uLabel: string, skel: string, registrable: boolean, out: BrandSignals): void {
    const found: [KeywordEntry, number, number][] = [];
    this.keywords.automaton.scan(skel, (id, s, e) => {
      for (const entry of this.keywords.byPattern[id]) found.push([entry, s, e]);
    });
    for (const entry of this.keywords.slow) {
      const s = skel.indexOf(entry.skel);
      if (s >= 0) found.push([entry, s, s + entry.skel.length]);
    }
    for (const [entry, s, e] of found) {
      if (!modeAllows(entry.mode, skel, s, e)) continue;
      const literal = uLabel.includes(entry.word);
      const where = registrable ? 'registrable label' : 'label';
      const reason = literal
        ? `${escapeForReason(n.name)}: keyword '${entry.word}' in ${where} '${escapeForReason(uLabel)}'`
        : `${escapeForReason(n.name)}: ${where} '${escapeForReason(uLabel)}' contains a look-alike of keyword '${entry.word}'`;
      add(out, entry.brand, { technique: 'keyword', score: literal ? 45 : 55, reason });
    }
  }
}

/** Skeleton of the li-th Unicode label of a normalised name. */
import { skeleton } from './skeleton.js';
function skeletonOfLabel(n: NormalizedName, li: number): string {
  return skeleton(n.unicode.split('.')[li] ?? '');
}
