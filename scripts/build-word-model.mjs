#!/usr/bin/env node
// Builds data/word-model.bin (shipped in the package): the ordinary-word model behind keyword specificity
// (src/match/word-model.ts explains what it holds and how it is used).
//
// Run by developers, not at install time: a fresh machine has no word lists. On Debian:
//   apt-get install wamerican wngerman wfrench wspanish witalian
//   npm run build && node scripts/build-word-model.mjs
// and commit the output. Inputs (all open word lists, never host names):
//   /usr/share/dict/{american-english,ngerman,french,spanish,italian} (Debian w* packages),
//   dnstwist's english.dict (../shared/data/reference/dnstwist_english.dict, Apache-2.0; the
//   copy in src/match/data/lists.ts is used when the file is absent), and COMMON_HOST_TOKENS below.
// Capitalised entries (proper nouns, e.g. brand and place names; not German nouns) and possessives are skipped.
// Deterministic: the same inputs give the same bytes.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { bloomPositions, MAX_WORD_LENGTH } = await import(join(root, 'dist/src/match/word-model.js')).catch(() => {
  throw new Error('run `npm run build` first (the hash function is shared with dist/src/match/word-model.js)');
});
const { DNSTWIST_ENGLISH } = await import(join(root, 'dist/src/match/data/lists.js'));

const DICTS = ['american-english', 'ngerman', 'french', 'spanish', 'italian'];
/** Bloom filter bits per word and hash count: about 0.2 % false positives. */
const BITS_PER_WORD = 13;
const K = 9;
/** One word in SAMPLE_EVERY (by a hash of the word, so the sample is stable) goes into the sample. */
const SAMPLE_EVERY = 16;

/**
 * Tokens that are ordinary in host names without being dictionary words: protocol, service and
 * infrastructure abbreviations every operator uses. Written here from general knowledge.
 */
const COMMON_HOST_TOKENS = [
  'www', 'ww', 'www1', 'www2', 'web', 'mail', 'smtp', 'imap', 'pop', 'mx', 'ns', 'dns', 'ftp', 'sftp', 'ssh', 'vpn',
  'api', 'apis', 'cdn', 'img', 'imgs', 'static', 'assets', 'media', 'cloud', 'app', 'apps', 'dev', 'prod', 'stage',
  'staging', 'test', 'qa', 'uat', 'demo', 'beta', 'alpha', 'admin', 'portal', 'login', 'auth', 'sso', 'id', 'my',
  'blog', 'shop', 'store', 'news', 'help', 'docs', 'wiki', 'status', 'edge', 'proxy', 'gw', 'gateway', 'lb', 'node',
  'svc', 'srv', 'server', 'host', 'hosting', 'net', 'online', 'site', 'web', 'info', 'corp', 'inc', 'ltd', 'llc',
  'gmbh', 'co', 'group', 'global', 'intl', 'us', 'eu', 'uk', 'de', 'fr', 'es', 'it', 'nl', 'au', 'ca', 'jp', 'cn',
  'js', 'css', 'rss', 'xml', 'json', 'http', 'https', 'ssl', 'tls', 'io', 'ai', 'tv', 'fm', 'hq', 'tech', 'labs',
  'data', 'analytics', 'metrics', 'stats', 'track', 'tracking', 'ads', 'ad', 'adserver', 'tag', 'tags', 'pixel',
  'sync', 'events', 'push', 'notify', 'chat', 'video', 'stream', 'live', 'cast', 'play', 'games', 'game', 'mobile',
  'm', 'wap', 'amp', 'auth', 'oauth', 'accounts', 'account', 'secure', 'pay', 'payments', 'checkout', 'cart',
  'ecom', 'crm', 'erp', 'hr', 'it', 'ops', 'devops', 'git', 'ci', 'build', 'deploy', 'backup', 'files', 'file',
  'upload', 'download', 'downloads', 'share', 'drive', 'docs', 'forms', 'survey', 'careers', 'jobs', 'support',
];

function fold(w) {
  return w.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '').replace(/ß/g, 'ss');
}

const words = new Set();
const sources = [];
for (const d of DICTS) {
  const path = join('/usr/share/dict', d);
  if (!existsSync(path)) throw new Error(`${path} missing: apt-get install wamerican wngerman wfrench wspanish witalian`);
  let n = 0;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    // Capitalised entries are proper nouns (names, places, brands), except in German, where
    // every noun is capitalised (Haus, Bank, Konto).
    if (line === '' || line.includes("'") || (d !== 'ngerman' && line[0] !== line[0].toLowerCase())) continue;
    const w = fold(line);
    if (/^[a-z]{2,}$/.test(w)) {
      words.add(w);
      n++;
    }
  }
  sources.push(`${d} (${n})`);
}
const dnstwistPath = join(root, '..', 'shared', 'data', 'reference', 'dnstwist_english.dict');
const dnstwist = existsSync(dnstwistPath) ? readFileSync(dnstwistPath, 'utf8').split('\n') : DNSTWIST_ENGLISH;
for (const w of dnstwist.map((x) => x.trim()).filter((x) => /^[a-z]{2,}$/.test(x))) words.add(w);
sources.push('dnstwist english.dict');
for (const w of COMMON_HOST_TOKENS) if (/^[a-z]{2,}$/.test(w)) words.add(w);
sources.push(`common host tokens (${COMMON_HOST_TOKENS.length})`);

const inFilter = [...words].filter((w) => w.length <= MAX_WORD_LENGTH).sort();
const bits = Math.ceil((inFilter.length * BITS_PER_WORD) / 8) * 8;
const filter = new Uint8Array(bits / 8);
for (const w of inFilter) for (const p of bloomPositions(w, bits, K)) filter[p >>> 3] |= 1 << (p & 7);
const fpRate = Math.pow(1 - Math.exp((-K * inFilter.length) / bits), K);

// The sample: every word (any length), one in SAMPLE_EVERY by a hash of the word.
const all = [...words].sort();
const sample = all.filter((w) => bloomPositions(w, 0x7fffffff, 1)[0] % SAMPLE_EVERY === 0);
const sampleGz = gzipSync(Buffer.from(sample.join('\n') + '\n', 'latin1'), { level: 9 });

const header = {
  format: 'ctwatch-word-model/1',
  sources: sources.join(', '),
  licences: 'Debian wordlist packages (see /usr/share/doc/w*/copyright), dnstwist english.dict (Apache-2.0)',
  words: inFilter.length,
  maxWordLength: MAX_WORD_LENGTH,
  bits,
  k: K,
  fpRate: Number(fpRate.toFixed(5)),
  filterBytes: filter.length,
  sampleEvery: SAMPLE_EVERY,
  sampleWords: sample.length,
  sampleBytes: sampleGz.length,
};
const file = Buffer.concat([Buffer.from(JSON.stringify(header) + '\n', 'utf8'), Buffer.from(filter), sampleGz]);
mkdirSync(join(root, 'data'), { recursive: true });
writeFileSync(join(root, 'data', 'word-model.bin'), file);
console.log(`words ${words.size}, in filter ${inFilter.length}, filter ${filter.length} bytes, fp ${fpRate.toFixed(4)}, sample ${sample.length} words (${sampleGz.length} bytes gz), file ${file.length} bytes`);
