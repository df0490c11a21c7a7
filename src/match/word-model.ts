/**
 * The ordinary-word model behind keyword specificity and language-aware typo checks.
 *
 * Built by scripts/build-word-model.mjs from open word lists (Debian wamerican, wngerman,
 * wfrench, wspanish, witalian, dnstwist's english.dict, a list of common host-name tokens)
 * into data/word-model.bin (generated, committed, shipped; under 1 MB): never from host names
 * used to measure noise. Two parts:
 *
 *  - a Bloom filter of every word of 2..MAX_WORD_LENGTH letters (diacritics folded, ß = ss):
 *    `isWord` answers "is this an ordinary word in one of the languages" with a small false
 *    positive rate (stated in the model header) and no false negatives;
 *  - a deterministic sample of the words (one in N, every language), for `substringShare`:
 *    the share of ordinary words that contain a keyword (`ing` ~ 10 %, `paypal` 0), and for
 *    the synthetic ordinary host names of `ctwatch rules noise` and `config check`.
 *
 * Loading is lazy (first use): one read of the shipped file and a gunzip of the sample, a few
 * ms. This is the match stage's only file read, of a static asset of the package (like an
 * import); it throws only when the package is damaged (file missing), at compile time.
 */
import { gunzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AhoCorasick, inAlphabet } from './aho-corasick.js';

/** Words longer than this are not in the filter (isWord is false for them). */
export const MAX_WORD_LENGTH = 10;

/** The two 32-bit hashes of the Bloom filter (double hashing); shared with the build script. */
export function bloomHashes(word: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = (h1 ^ (h1 >>> 13)) >>> 0;
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = ((h2 ^ (h2 >>> 16)) | 1) >>> 0;
  return [h1, h2];
}

/** Bit positions of `word` in a filter of `bits` bits with `k` hashes. */
export function bloomPositions(word: string, bits: number, k: number): number[] {
  const [h1, h2] = bloomHashes(word);
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) % bits);
  return out;
}

interface LoadedModel {
  bits: number;
  k: number;
  filter: Uint8Array;
  /** The gzip'd sample, decoded on each use (compile time, CLI): a daemon does not keep 50,000 strings. */
  sampleGz: Buffer;
}

let loaded: LoadedModel | null = null;

interface ModelHeader {
  format: string;
  sources: string;
  words: number;
  bits: number;
  k: number;
  fpRate: number;
  filterBytes: number;
  sampleBytes: number;
}

/** Path of data/word-model.bin, found by walking up from this module (src/ and dist/ alike). */
export function wordModelPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'data', 'word-model.bin');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('shipped data/word-model.bin not found (damaged package?)');
}

let header: ModelHeader | null = null;

function model(): LoadedModel {
  if (loaded === null) {
    const buf = readFileSync(wordModelPath());
    const nl = buf.indexOf(0x0a);
    const h = JSON.parse(buf.subarray(0, nl).toString('utf8')) as ModelHeader;
    if (h.format !== 'ctwatch-word-model/1') throw new Error(`data/word-model.bin: unknown format ${h.format}`);
    const filter = new Uint8Array(buf.buffer, buf.byteOffset + nl + 1, h.filterBytes);
    const sampleGz = buf.subarray(nl + 1 + h.filterBytes, nl + 1 + h.filterBytes + h.sampleBytes);
    header = h;
    loaded = { bits: h.bits, k: h.k, filter, sampleGz };
  }
  return loaded;
}

/** Folds a token for the model: lower case, diacritics removed, ß → ss. Non-letters stay. */
export function foldWord(s: string): string {
  const lower = s.toLowerCase();
  if (/^[a-z]*$/.test(lower)) return lower;
  return lower.normalize('NFD').replace(/\p{Mn}/gu, '').replace(/ß/g, 'ss');
}

/**
 * True when `token` (any case, diacritics ignored) is an ordinary word of one of the model's
 * languages or a common host-name token. Letters only, 2..MAX_WORD_LENGTH long; false otherwise.
 * May be true for a non-word with the filter's false-positive rate (wordModelInfo().fpRate, ~0.2 %).
 */
export function isWord(token: string): boolean {
  const w = foldWord(token);
  if (w.length < 2 || w.length > MAX_WORD_LENGTH || !/^[a-z]+$/.test(w)) return false;
  const m = model();
  const [h1, h2] = bloomHashes(w);
  for (let i = 0; i < m.k; i++) {
    const p = ((h1 + Math.imul(i, h2)) >>> 0) % m.bits;
    if ((m.filter[p >>> 3] & (1 << (p & 7))) === 0) return false;
  }
  return true;
}

/**
 * Share (0..1) of the sampled ordinary words that contain each key as a substring, for many
 * keys at once (one automaton scan of the sample). Keys outside [a-z0-9_-] get 0.
 */
export function substringShares(keys: readonly string[]): number[] {
  if (keys.length === 0) return [];
  const cached = keys.map((k) => shareCache.get(k));
  if (cached.every((x) => x !== undefined)) return cached as number[];
  const patterns: string[] = [];
  const index: number[] = [];
  keys.forEach((k, i) => {
    if (k !== '' && inAlphabet(k)) {
      index[i] = patterns.length;
      patterns.push(k);
    } else index[i] = -1;
  });
  const counts = new Int32Array(patterns.length);
  // One scan over the decoded sample as it is (words separated by newlines, which the automaton
  // treats as a reset): no split into 50,000 strings, a few ms at daemon start.
  const text = sampleText();
  let words = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) words++;
  if (patterns.length > 0) {
    const ac = new AhoCorasick(patterns);
    const lastWord = new Int32Array(patterns.length).fill(-1);
    ac.scan(text, (id, st) => {
      const word = text.lastIndexOf('\n', st); // the word's start identifies it
      if (lastWord[id] !== word) {
        lastWord[id] = word;
        counts[id]++;
      }
    });
  }
  const n = Math.max(1, words);
  const out = keys.map((_, i) => (index[i] < 0 ? 0 : counts[index[i]] / n));
  // Reloads (SIGHUP) compile the same keywords again: remember, within a bound.
  if (shareCache.size + keys.length > 200_000) shareCache.clear();
  keys.forEach((k, i) => shareCache.set(k, out[i]));
  return out;
}

const shareCache = new Map<string, number>();

/** The sample as stored: words of [a-z], each followed by a newline (decoded anew on each call). */
function sampleText(): string {
  return gunzipSync(model().sampleGz).toString('latin1');
}

/** The sampled ordinary words (decoded anew on each call, ~10 ms), e.g. to generate ordinary host names. */
export function sampleWords(): string[] {
  return sampleText().split('\n').filter((w) => w !== '');
}

/** Provenance of the model, for diagnostics and docs. */
export function wordModelInfo(): { sources: string; words: number; sampleSize: number; fpRate: number; bytes: number } {
  const m = model();
  const h = header as ModelHeader;
  return { sources: h.sources, words: h.words, sampleSize: sampleWords().length, fpRate: h.fpRate, bytes: m.filter.length };
}
