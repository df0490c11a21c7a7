/**
 * A small Aho-Corasick automaton over the characters that domain-name skeletons use
 * (a-z, 0-9, '-', '_'), compiled to a dense DFA in one Int32Array so that a scan is one
 * array read per character. Any other character resets the scan (no pattern crosses it).
 *
 * Written here rather than taken from npm: the packages found are generic (string or
 * Map based, per-match object allocation); this one is ~100 lines, allocation-free on a
 * miss, and its memory is bounded by states x 39 x 4 bytes.
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

/** Compiled automaton. Pattern ids are the indexes of the patterns given to the constructor. */
export class AhoCorasick {
  private readonly delta: Int32Array; // state * ALPHABET + symbol -> next state
  private readonly outStart: Int32Array; // state -> first index into outIds (length states + 1)
  private readonly outIds: Int32Array; // pattern ids, grouped by state
  private readonly lengths: Int32Array; // pattern id -> length
  readonly states: number;

  /**
   * Builds the automaton. Every pattern must be non-empty and satisfy inAlphabet();
   * throws a TypeError otherwise. Duplicate patterns get separate ids.
   */
  constructor(patterns: readonly string[]) {
    // 1. Trie with growable goto table (0 = no edge; root is state 0 so edges never point to it).
    let cap = 64;
    let goto = new Int32Array(cap * ALPHABET);
    const outs: number[][] = [[]];
    let count = 1;
    this.lengths = new Int32Array(patterns.length);
    patterns.forEach((p, id) => {
      if (p.length === 0 || !inAlphabet(p)) throw new TypeError(`pattern ${id} is empty or outside the alphabet`);
      this.lengths[id] = p.length;
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const sym = SYMBOL[p.charCodeAt(i)];
        let next = goto[s * ALPHABET + sym];
        if (next === 0) {
          if (count === cap) {
            cap *= 2;
            const g = new Int32Array(cap * ALPHABET);
            g.set(goto);
            goto = g;
          }
          next = count++;
          outs.push([]);
          goto[s * ALPHABET + sym] = next;
        }
        s = next;
      }
      outs[s].push(id);
    });
    // 2. Breadth-first: failure links, merged outputs, and the full DFA.
    const delta = new Int32Array(count * ALPHABET);
    const fail = new Int32Array(count);
    const queue = new Int32Array(count);
    let head = 0;
    let tail = 0;
    for (let a = 1; a < ALPHABET; a++) {
      const t = goto[a];
      delta[a] = t;
      if (t !== 0) queue[tail++] = t;
    }
    while (head < tail) {
      const s = queue[head++];
      const f = fail[s];
      if (outs[f].length > 0) outs[s] = outs[s].concat(outs[f]);
      for (let a = 1; a < ALPHABET; a++) {
        const t = goto[s * ALPHABET + a];
        if (t !== 0) {
          fail[t] = delta[f * ALPHABET + a];
          delta[s * ALPHABET + a] = t;
          queue[tail++] = t;
        } else {
          delta[s * ALPHABET + a] = delta[f * ALPHABET + a];
        }
      }
    }
    this.delta = delta;
    this.states = count;
    this.outStart = new Int32Array(count + 1);
    let total = 0;
    for (let s = 0; s < count; s++) {
      this.outStart[s] = total;
      total += outs[s].length;
    }
    this.outStart[count] = total;
    this.outIds = new Int32Array(total);
    for (let s = 0, k = 0; s < count; s++) for (const id of outs[s]) this.outIds[k++] = id;
  }

  /**
   * Calls `onMatch(patternId, start, end)` for every occurrence of every pattern in `text`
   * (end exclusive). Characters outside the alphabet reset the scan. Never throws itself.
   */
  scan(text: string, onMatch: (id: number, start: number, end: number) => void): void {
    const { delta, outStart, outIds, lengths } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const sym = c < 128 ? SYMBOL[c] : 0;
      if (sym === 0) {
        s = 0;
        continue;
      }
      s = delta[s * ALPHABET + sym];
      const o = outStart[s];
      const e = outStart[s + 1];
      for (let k = o; k < e; k++) {
        const id = outIds[k];
        onMatch(id, i + 1 - lengths[id], i + 1);
      }
    }
  }

  /** Approximate bytes held by the automaton's arrays. */
  byteSize(): number {
    return this.delta.byteLength + this.outStart.byteLength + this.outIds.byteLength + this.lengths.byteLength;
  }
}
