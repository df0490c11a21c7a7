/**
 * Keyword and brand-label specificity: is a token distinctive enough that finding it inside
 * any host name means something (`paypal`), or generic, so that it means something only as a
 * whole token and with corroboration (`ing`, `trust`, `target`, `ups`)?
 *
 * Measured, not guessed, from the ordinary-word model (word-model.ts): a token is generic when
 *  - it is short (GENERIC_MAX_LENGTH characters or fewer: there are few such strings and
 *    ordinary names are full of them), or
 *  - it is an ordinary word in one of the model's languages or a common host-name token, or
 *  - it occurs inside at least GENERIC_SUBSTRING_SHARE of ordinary words (a morpheme such as
 *    `ing` or `tion`: as a substring it matches everything).
 * Everything else is distinctive.
 */
import { isWord, substringShares } from './word-model.js';

/** Tokens this short are generic whatever they are. */
export const GENERIC_MAX_LENGTH = 4;
/** Tokens inside this share of ordinary words (or more) are generic: 1 word in 2,000. */
export const GENERIC_SUBSTRING_SHARE = 0.0005;

export interface TokenSpecificity {
  token: string;
  generic: boolean;
  /** True when the token is an ordinary word (or common host-name token). */
  word: boolean;
  /** Share of ordinary words that contain the token (0..1); measured only where it decides (0 otherwise). */
  share: number;
  /** Why it is generic or distinctive, one phrase for reasons and `rules noise`. */
  why: string;
}

function pct(x: number): string {
  return x >= 0.01 ? `${(x * 100).toFixed(1)} %` : `${(x * 100).toFixed(2)} %`;
}

/**
 * Specificity of each token (match keys or plain lower-case words). Deterministic; one scan of
 * the word sample for all tokens together. Tokens with characters other than [a-z0-9-_] are
 * judged on length and the word filter only.
 */
export function assessSpecificity(tokens: readonly string[]): TokenSpecificity[] {
  // The share decides only for long tokens that are not words: scan the sample for those alone.
  const words = tokens.map((t) => isWord(t));
  const need = tokens.filter((t, i) => !words[i] && [...t].length > GENERIC_MAX_LENGTH);
  const needShares = substringShares(need);
  const shareOf = new Map<string, number>(need.map((t, i) => [t, needShares[i]]));
  return tokens.map((token, i) => {
    const share = shareOf.get(token) ?? 0;
    const letters = [...token].length;
    const word = words[i];
    if (letters <= GENERIC_MAX_LENGTH) return { token, generic: true, word, share, why: `short (${letters} characters)` };
    if (word) return { token, generic: true, word, share, why: 'an ordinary word' };
    if (share >= GENERIC_SUBSTRING_SHARE) return { token, generic: true, word, share, why: `inside ${pct(share)} of ordinary words` };
    return { token, generic: false, word, share, why: share > 0 ? `distinctive (inside ${pct(share)} of ordinary words)` : 'distinctive (inside no ordinary word)' };
  });
}
