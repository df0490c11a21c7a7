/**
 * A small Aho-Corasick automaton over the characters that domain-name skeletons use
 * (a-z, 0-9, '-', '_'). Any other character resets the scan (no pattern crosses it).
 *
 * Shape, chosen for memory at 10,000 brands as much as for speed: states are numbered
 * breadth-first, so the shallow ones come first and the children of a state are consecutive.
 * States up to `denseDepth` deep (few, and where a scan of ordinary text spends nearly all
 * its time) get a full transition row, one array read per character. Deeper states (most of
 * them: the tails of long keywords, one child each) keep only their incoming symbol and
 * failure link, about 17 bytes a state instead of 156: a step from one of them checks its
 * few children, else follows failure links down to a dense state.
 *
 * Written here rather than taken from npm: the packages found are generic (string or Map
 * based, per-match object allocation); this one is allocation-free on a miss.
 */

const ALPHABET = 39;
const SYMBOL = new Int8Array(128); // 0 = not in the alphabet
for (let c = 0x61; c <= 0x7a; c++) SYMBOL[c] = c - 0x61 + 1;
for (let c = 0x30; c <= 0x39; c++) SYMBOL[c] = c - 0x30 + 27;
SYMBOL[0x2d] = 37; // '-'
SYMBOL[0x5f] = 38; // '_'

/** True when every character of `s` is in the automaton's alphabet. */
export function inAlphabet(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || SYMBOL[c] === 0) return false;
  }
  return true;
}

/** Default depth up to which states get a full transition row. */
export const DENSE_DEPTH = 3;

/** Compiled automaton. Pattern ids are the indexes of the patterns given to the constructor. */
export class AhoCorasick {
  /** Dense states (ids below `dense`): state * ALPHABET + symbol -> next state. */
  private readonly delta: Int32Array;
  private readonly dense: number;
  /** state -> id of its first child; its children are first[s] .. first[s + 1] - 1. */
  private readonly first: Int32Array;
  /** state -> symbol of the edge into it. */
  private readonly symbolOf: Uint8Array;
  private readonly fail: Int32Array;
  /** state -> nearest state on its failure chain (itself included) where a pattern ends, or -1. */
  private readonly report: Int32Array;
  private readonly outStart: Int32Array; // state -> first index into outIds (length states + 1)
  private readonly outIds: Int32Array; // pattern ids ending exactly at each state, grouped by state
  private readonly lengths: Int32Array; // pattern id -> length
  readonly states: number;

  /**
   * Builds the automaton. Every pattern must be non-empty and satisfy inAlphabet();
   * throws a TypeError otherwise. Duplicate patterns get separate ids. `denseDepth` trades
   * memory for speed (tests use 0 to exercise the sparse steps everywhere).
   */
  constructor(patterns: readonly string[], denseDepth = DENSE_DEPTH) {
    this.lengths = new Int32Array(patterns.length);
    let bound = 1;
    patterns.forEach((p, id) => {
      if (p.length === 0 || !inAlphabet(p)) throw new TypeError(`pattern ${id} is empty or outside the alphabet`);
      this.lengths[id] = p.length;
      bound += p.length;
    });

    // 1. Trie in depth-first order, from the patterns sorted: a pattern shares with the one
    //    before it exactly their common prefix, so only the rest needs new nodes.
    const order = patterns.map((_, i) => i).sort((a, b) => (patterns[a] < patterns[b] ? -1 : patterns[a] > patterns[b] ? 1 : a - b));
    const parent = new Int32Array(bound);
    const sym = new Uint8Array(bound);
    const depth = new Int32Array(bound);
    const endsAt = new Int32Array(patterns.length); // pattern id -> trie node (depth-first numbering)
    const path = new Int32Array(patterns.reduce((m, p) => Math.max(m, p.length), 0) + 1); // path[d]: node at depth d of the previous pattern
    let nodes = 1;
    let prev = '';
    for (const id of order) {
      const p = patterns[id];
      let common = 0;
      while (common < p.length && common < prev.length && p.charCodeAt(common) === prev.charCodeAt(common)) common++;
      for (let d = common; d < p.length; d++) {
        const n = nodes++;
        parent[n] = path[d];
        sym[n] = SYMBOL[p.charCodeAt(d)];
        depth[n] = d + 1;
        path[d + 1] = n;
      }
      endsAt[id] = path[p.length];
      prev = p;
    }

    // 2. Renumber breadth-first: the children of each state become consecutive.
    const childCount = new Int32Array(nodes + 1);
    for (let n = 1; n < nodes; n++) childCount[parent[n]]++;
    const childStart = new Int32Array(nodes + 1);
    for (let n = 0; n < nodes; n++) childStart[n + 1] = childStart[n] + childCount[n];
    const children = new Int32Array(Math.max(1, nodes - 1));
    childCount.fill(0);
    for (let n = 1; n < nodes; n++) children[childStart[parent[n]] + childCount[parent[n]]++] = n;
    const byOld = new Int32Array(nodes); // old id -> new id
    const oldOf = new Int32Array(nodes); // new id -> old id
    const first = new Int32Array(nodes + 1);
    let next = 1;
    for (let s = 0; s < nodes; s++) {
      const old = oldOf[s];
      first[s] = next;
      for (let k = childStart[old]; k < childStart[old + 1]; k++) {
        byOld[children[k]] = next;
        oldOf[next++] = children[k];
      }
    }
    first[nodes] = next;
    const symbolOf = new Uint8Array(nodes);
    let dense = 1;
    for (let s = 1; s < nodes; s++) {
      symbolOf[s] = sym[oldOf[s]];
      if (depth[oldOf[s]] <= denseDepth) dense = s + 1;
    }

    // 3. Failure links (breadth-first, so a state's link is computed before it is needed),
    //    the dense rows, and the report links.
    this.first = first;
    this.symbolOf = symbolOf;
    this.dense = dense;
    this.fail = new Int32Array(nodes);
    this.delta = new Int32Array(dense * ALPHABET);
    for (let s = 0; s < nodes; s++) {
      for (let t = first[s]; t < first[s + 1]; t++) this.fail[t] = s === 0 ? 0 : this.step(this.fail[s], symbolOf[t]);
      if (s < dense) {
        const row = s * ALPHABET;
        const fallback = this.fail[s] * ALPHABET;
        for (let a = 1; a < ALPHABET; a++) this.delta[row + a] = s === 0 ? 0 : this.delta[fallback + a];
        for (let t = first[s]; t < first[s + 1]; t++) this.delta[row + symbolOf[t]] = t;
      }
    }
    const ownCount = new Int32Array(nodes + 1);
    for (const old of endsAt) ownCount[byOld[old]]++;
    this.outStart = new Int32Array(nodes + 1);
    for (let s = 0; s < nodes; s++) this.outStart[s + 1] = this.outStart[s] + ownCount[s];
    this.outIds = new Int32Array(patterns.length);
    ownCount.fill(0);
    endsAt.forEach((old, id) => {
      const s = byOld[old];
      this.outIds[this.outStart[s] + ownCount[s]++] = id;
    });
    this.report = new Int32Array(nodes);
    for (let s = 0; s < nodes; s++) {
      this.report[s] = this.outStart[s + 1] > this.outStart[s] ? s : s === 0 ? -1 : this.report[this.fail[s]];
    }
    this.states = nodes;
  }

  /** The state after reading symbol `a` in state `s`. */
  private step(s: number, a: number): number {
    const { first, symbolOf, fail, dense } = this;
    while (s >= dense) {
      for (let t = first[s]; t < first[s + 1]; t++) if (symbolOf[t] === a) return t;
      s = fail[s];
    }
    return this.delta[s * ALPHABET + a];
  }

  /**
   * Calls `onMatch(patternId, start, end)` for every occurrence of every pattern in `text`
   * (end exclusive). Characters outside the alphabet reset the scan. Never throws itself.
   */
  scan(text: string, onMatch: (id: number, start: number, end: number) => void): void {
    const { delta, dense, report, fail, outStart, outIds, lengths } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const sym = c < 128 ? SYMBOL[c] : 0;
      if (sym === 0) {
        s = 0;
        continue;
      }
      s = s < dense ? delta[s * ALPHABET + sym] : this.step(s, sym);
      for (let r = report[s]; r >= 0; r = report[fail[r]]) {
        for (let k = outStart[r]; k < outStart[r + 1]; k++) {
          const id = outIds[k];
          onMatch(id, i + 1 - lengths[id], i + 1);
        }
      }
    }
  }

  /** Approximate bytes held by the automaton's arrays. */
  byteSize(): number {
    return (
      this.delta.byteLength +
      this.first.byteLength +
      this.symbolOf.byteLength +
      this.fail.byteLength +
      this.report.byteLength +
      this.outStart.byteLength +
      this.outIds.byteLength +
      this.lengths.byteLength
    );
  }
}
