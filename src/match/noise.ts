/**
 * Noise of a rule set on ordinary host names, before it reaches anyone: which brand rules fire on
 * how many ordinary names, with which technique, what the engine absorbed (generic keyword without
 * corroboration, typo that is a word, infrastructure...), and a suggested fix. Used by
 * `ctwatch rules noise` and the keyword warning of `ctwatch config check`.
 *
 * The default names are synthetic: ordinary host names generated from the word model's sample
 * (words of five languages joined as people name sites, under common subdomains and suffixes),
 * deterministic for a seed. Not real traffic, and on purpose not the development host-name lists
 * used to measure detection, so that those stay an honest measure.
 */
import type { RulesConfig } from './config-schema.js';
import { compileMatcher } from './index.js';
import { sampleWords } from './word-model.js';
import { AhoCorasick, inAlphabet } from './aho-corasick.js';
import { matchKey } from './skeleton.js';
import { splitDomain } from './psl.js';
import { BrandTable } from './brands.js';
import { detectionSchema } from './config-schema.js';
import { prng } from './prng.js';

/** A keyword firing on more than this share of ordinary names is worth a warning (1 in 10,000). */
export const NOISY_SHARE = 1 / 10_000;

const SUBDOMAINS = ['www', 'www', 'www', 'mail', 'shop', 'blog', 'api', 'cdn', 'app', 'm', 'static', 'images', 'dev', 'news', 'store', 'help', 'docs', 'my', 'portal', 'en', 'de', 'fr', 'staging'];
const SUFFIXES = [
  ...Array<string>(12).fill('com'), 'net', 'net', 'org', 'org', 'de', 'de', 'fr', 'es', 'it', 'co.uk', 'nl', 'io', 'info', 'eu', 'ch', 'at', 'be',
  'ca', 'com.au', 'pl', 'se', 'xyz', 'online', 'shop', 'app', 'site', 'store', 'dev', 'co', 'me', 'us',
];


/**
 * `count` synthetic ordinary host names (default 50,000), deterministic for `seed`. Labels are one
 * to three words of 3..10 letters (joined directly or with a hyphen, now and then with a number),
 * a subdomain in 40 % of names, suffixes in a realistic mix. Pure.
 */
export function ordinaryNames(count = 50_000, seed = 1): string[] {
  const words = sampleWords().filter((w) => w.length >= 3 && w.length <= 10);
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = rnd() < 0.45 ? 1 : rnd() < 0.8 ? 2 : 3;
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(pick(words));
    let label = parts.join(rnd() < 0.3 ? '-' : '');
    if (label.length > 40) label = label.slice(0, 40).replace(/-$/, '');
    if (rnd() < 0.08) label += String(Math.floor(rnd() * 100));
    const sub = rnd() < 0.4 ? `${pick(SUBDOMAINS)}.` : '';
    out.push(`${sub}${label}.${pick(SUFFIXES)}`);
  }
  return out;
}

/** What one rule did on the names. */
export interface RuleNoise {
  brand: string;
  /** Rule id: `keyword:WORD` or `label:LABEL`. */
  rule: string;
  /** Names on which the rule raised an alert-worthy match. */
  alerts: number;
  /** Names on which the rule fired but the engine dropped or discounted it. */
  absorbed: number;
  /** For keywords: names holding the keyword anywhere as a substring (what `match: substring` would fire on). */
  substringOccurrences: number | null;
  /** Techniques of the alerts, with counts. */
  techniques: Record<string, number>;
  /** Up to three example names with alerts (raw: escape before printing). */
  examples: string[];
  /** Up to three example names the engine absorbed, with why. */
  absorbedExamples: { name: string; why: string }[];
  /** How the keyword is classified (keywords only): e.g. "an ordinary word", "distinctive". */
  specificity: string | null;
  /** Effective keyword mode (keywords only). */
  mode: string | null;
  /** A suggested fix, or null when the rule is quiet. */
  suggestion: string | null;
}

export interface NoiseReport {
  names: number;
  /** Names with at least one brand alert. */
  flagged: number;
  rules: RuleNoise[];
}

/**
 * Runs the rules over `names` and reports per brand rule. Throws RulesInvalidError like
 * compileMatcher. Deterministic; cost about one explained match per name.
 */
export function ruleNoise(rules: RulesConfig, names: readonly string[]): NoiseReport {
  const matcher = compileMatcher(rules);
  const detection = detectionSchema.parse(rules.detection ?? {});
  const table = new BrandTable(rules.brands ?? [], [], detection);
  const byKey = new Map<string, RuleNoise>();
  const get = (brand: string, rule: string): RuleNoise => {
    const k = `${brand}\u0000${rule}`;
    let r = byKey.get(k);
    if (r === undefined) {
      r = { brand, rule, alerts: 0, absorbed: 0, substringOccurrences: null, techniques: {}, examples: [], absorbedExamples: [], specificity: null, mode: null, suggestion: null };
      byKey.set(k, r);
    }
    return r;
  };
  // Every configured rule appears, quiet or not.
  for (const e of table.keywords) {
    const r = get(table.brands[e.brand].name, e.rule);
    r.specificity = e.specificity;
    r.mode = e.corroborate ? `${e.mode}, needs corroboration` : e.mode;
    r.substringOccurrences = 0;
  }
  for (const b of table.brands) for (const d of b.domains) get(b.name, `label:${d.uLabel}`);

  // Substring occurrences of every keyword: one automaton scan per name.
  const kwKeys = table.keywords.map((e) => e.skel).filter((k) => inAlphabet(k));
  const ac = kwKeys.length > 0 ? new AhoCorasick(kwKeys) : null;
  const kwOwners = new Map<string, RuleNoise[]>();
  for (const e of table.keywords) {
    const list = kwOwners.get(e.skel) ?? [];
    list.push(get(table.brands[e.brand].name, e.rule));
    kwOwners.set(e.skel, list);
  }

  let flagged = 0;
  for (const name of names) {
    const { matches, dropped } = matcher.explainName(name);
    const fired = new Set<RuleNoise>();
    let any = false;
    for (const m of matches) {
      if (m.brand === null) continue;
      any = true;
      for (const rule of m.rules ?? []) {
        const r = get(m.brand, rule);
        if (fired.has(r)) continue;
        fired.add(r);
        r.alerts++;
        r.techniques[m.technique] = (r.techniques[m.technique] ?? 0) + 1;
        if (r.examples.length < 3) r.examples.push(name);
      }
    }
    if (any) flagged++;
    for (const d of dropped) {
      if (d.brand === null) continue;
      const r = get(d.brand, d.rule);
      if (fired.has(r)) continue;
      fired.add(r);
      r.absorbed++;
      if (r.absorbedExamples.length < 3) r.absorbedExamples.push({ name, why: d.why });
    }
    if (ac !== null) {
      const host = name.toLowerCase();
      const ps = splitDomain(host).publicSuffix;
      const own = matchKey(ps === '' ? host : host.slice(0, Math.max(0, host.length - ps.length - 1)));
      const seen = new Set<number>();
      ac.scan(own, (id) => {
        if (seen.has(id)) return;
        seen.add(id);
        for (const r of kwOwners.get(kwKeys[id]) ?? []) r.substringOccurrences = (r.substringOccurrences ?? 0) + 1;
      });
    }
  }
  const limit = Math.max(1, names.length * NOISY_SHARE);
  for (const r of byKey.values()) r.suggestion = suggest(r, limit);
  const rulesOut = [...byKey.values()].sort((a, b) => b.alerts - a.alerts || b.absorbed - a.absorbed || a.brand.localeCompare(b.brand) || a.rule.localeCompare(b.rule));
  return { names: names.length, flagged, rules: rulesOut };
}

function suggest(r: RuleNoise, limit: number): string | null {
  const isKeyword = r.rule.startsWith('keyword:');
  const word = r.rule.slice(r.rule.indexOf(':') + 1);
  if (r.alerts > limit) {
    if (isKeyword && r.mode?.startsWith('substring')) return `match '${word}' as a whole token: keywords: [{ word: ${word}, match: label }]`;
    if (isKeyword) return `drop keyword '${word}', or keep it with corroboration (remove corroborate: false)`;
    return `add the brand's own domains among the examples to the brand's domains or to allow`;
  }
  if (r.alerts > 0) return `review the examples; add legitimate ones to allow`;
  if (isKeyword && (r.substringOccurrences ?? 0) > limit && !(r.mode ?? '').startsWith('substring')) {
    return `none needed: ctwatch matches it as a whole token${(r.mode ?? '').includes('corroboration') ? ' with corroboration' : ''} (it is ${r.specificity}); an explicit match: substring would fire on every name holding it`;
  }
  return null;
}

/**
 * Keywords that would fire on more than NOISY_SHARE of ordinary names if matched as written
 * (as substrings unless a mode is configured), for `config check`. Returns one line per keyword.
 */
export function noisyKeywordWarnings(rules: RulesConfig, names: readonly string[] = ordinaryNames()): string[] {
  const report = ruleNoise(rules, names);
  const limit = names.length * NOISY_SHARE;
  const out: string[] = [];
  for (const r of report.rules) {
    if (!r.rule.startsWith('keyword:')) continue;
    const word = r.rule.slice('keyword:'.length);
    const occ = r.substringOccurrences ?? 0;
    if (r.alerts > limit) {
      out.push(`brand ${JSON.stringify(r.brand)}: keyword '${word}' alerts on ${r.alerts} of ${names.length} ordinary names (more than 1 in 10,000); ${r.suggestion ?? ''}`);
    } else if (occ > limit) {
      out.push(
        `brand ${JSON.stringify(r.brand)}: keyword '${word}' occurs in ${occ} of ${names.length} ordinary names (more than 1 in 10,000)` +
          (r.mode?.startsWith('substring') ? ` and is matched as a substring (alerts on ${r.alerts}); write { word: ${word}, match: label } or drop it` :
          `; it is ${r.specificity}, so ctwatch matches it only as a whole token${r.mode?.includes('corroboration') ? ' and with corroboration' : ''} (alerts on ${r.alerts}); write { word: ${word}, match: label } to make that explicit, or drop it`),
      );
    }
  }
  return out;
}
