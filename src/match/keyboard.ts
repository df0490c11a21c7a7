/**
 * Keyboard neighbours on QWERTY, QWERTZ and AZERTY layouts, computed from the key rows:
 * a key's neighbours are the keys left and right of it on its row and the two keys
 * touching it on the rows above and below (rows are staggered by half a key).
 */

const LAYOUTS: readonly (readonly string[])[] = [
  ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'],
  ['1234567890', 'qwertzuiop', 'asdfghjkl', 'yxcvbnm'],
  ['1234567890', 'azertyuiop', 'qsdfghjklm', 'wxcvbn'],
];

const NEIGHBOURS = new Map<string, Set<string>>();
for (const rows of LAYOUTS) {
  rows.forEach((row, r) => {
    for (let i = 0; i < row.length; i++) {
      const set = NEIGHBOURS.get(row[i]) ?? new Set<string>();
      const around: [number, number][] = [
        [r, i - 1],
        [r, i + 1],
        [r - 1, i],
        [r - 1, i + 1],
        [r + 1, i],
        [r + 1, i - 1],
      ];
      for (const [rr, ii] of around) {
        const ch = rows[rr]?.[ii];
        if (ch !== undefined) set.add(ch);
      }
      NEIGHBOURS.set(row[i], set);
    }
  });
}

/** Keys next to `ch` on any of the three layouts (empty for other characters). */
export function keyboardNeighbours(ch: string): ReadonlySet<string> {
  return NEIGHBOURS.get(ch) ?? new Set<string>();
}

/** True when `a` and `b` are neighbouring keys on some layout. */
export function areKeyboardNeighbours(a: string, b: string): boolean {
  return NEIGHBOURS.get(a)?.has(b) === true;
}
