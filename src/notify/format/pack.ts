/**
 * Fits rendered lines into a medium's size limits. Pure.
 */

/**
 * Packs `lines` into chunks of at most `maxChunkChars` characters (lines joined by "\n"),
 * at most `maxChunks` chunks. A single line longer than a chunk is cut (with `…`).
 * Returns the chunks and how many lines did not fit (to be counted as "more").
 */
export function packLines(lines: string[], maxChunkChars: number, maxChunks: number): { chunks: string[]; dropped: number } {
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  for (const raw of lines) {
    const line = raw.length > maxChunkChars ? `${raw.slice(0, maxChunkChars - 1)}…` : raw;
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= maxChunkChars) {
      current = candidate;
      used++;
      continue;
    }
    if (chunks.length + 1 >= maxChunks) break;
    chunks.push(current);
    current = line;
    used++;
  }
  if (current !== '') chunks.push(current);
  return { chunks, dropped: lines.length - used };
}

/**
 * Keeps the longest prefix of `lines` whose "\n"-joined length, plus the length of the
 * summary line `more(n)` for the n lines left out, stays within `maxChars`.
 * Returns the text (with the summary line when lines were left out) and how many were left out.
 */
export function fitText(head: string, lines: string[], maxChars: number, more: (n: number) => string): { text: string; dropped: number } {
  let kept = lines.length;
  for (;;) {
    const body = [head, ...lines.slice(0, kept)];
    const left = lines.length - kept;
    if (left > 0) body.push(more(left));
    const text = body.join('\n');
    if (text.length <= maxChars || kept === 0) {
      return { text: text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`, dropped: left };
    }
    kept--;
  }
}
