/**
 * The brand side of matching: runs every technique on one normalised name and returns the
 * signals per brand. Compiled once; `run` reads hash maps, one automaton and one deletion
 * index, and never loops over brands.
 */
import type { DetectionConfig } from './config-schema.js';
import type { NormalizedName } from './normalize.js';
import type { Modifier, Signal } from './scoring.js';
import { BrandTable, KeywordIndex, isInfraLabel, type KeywordEntry } from './brands.js';
import { AhoCorasick, inAlphabet } from './aho-corasick.js';
import { TypoTargets, type TypoTarget } from './typo-targets.js';
import { osaDistance } from './typo-index.js';
import { FuzzySubstrings, type FuzzyHit } from './fuzzy-substring.js';
import { classifyEdit, classifyGlyphs, isHyphenated, withinOneEdit } from './classify.js';
import { singleTypos } from './permutations.js';
import { codePointLabel, escapeForReason } from './escape.js';
import { matchKey } from './skeleton.js';
import { scriptOf } from './scripts.js';
import { PHISHING_TERMS, SUSPICIOUS_TLDS, HOSTING_PLATFORMS, DNSTWIST_ENGLISH, INFRASTRUCTURE_DOMAINS, INFRA_TOKENS, INFRA_LABEL_ENDINGS } from './data/lists.js';
import { isWord } from './word-model.js';
import { segmentSwap } from './segments.js';
import { GENERIC_MAX_LENGTH } from './specificity.js';
import type { Dropped } from './types.js';

/** Signals per brand index. */
export type BrandSignals = Map<number, Signal[]>;

/** Base scores per technique (before modifiers). */
export const BASE_SCORES = {
  homograph: 90,
  cyrillic: 90,
  embeddingDomain: 85,
  asciiHomoglyph: 80,
  diacriticHomograph: 75,
  combosquat: 75,
  dictionary: 60,
  embeddingLabel: 70,
  fuzzer: 70,
  editDistance1: 60,
  embeddedTypo: 55,
  tldSwap: 60,
  keywordLookalike: 55,
  editDistance2: 50,
  keyword: 45,
} as const;

function add(out: BrandSignals, brand: number, s: Signal): void {
  const list = out.get(brand);
  if (list === undefined) out.set(brand, [s]);
  else if (!list.some((x) => x.technique === s.technique && x.reason === s.reason)) list.push(s);
}

/**
 * Shortest phishing term that makes a combosquat with a short keyword inside one token
 * (`usps|parcel`): shorter terms (`pay`, `free`, `gift`) start and end ordinary names.
 */
export const EDGE_TERM_MIN_LENGTH = 5;

/** A dropped or discounted rule, before the brand index is turned into its name. */
export interface DropRecord extends Omit<Dropped, 'brand'> {
  brand: number;
}

function isTokenStart(label: string, i: number): boolean {
  if (i === 0) return true;
  const c = label.charCodeAt(i - 1);
  return c === 0x2d || c === 0x2e;
}
function isTokenEnd(label: string, i: number): boolean {
  if (i === label.length) return true;
  const c = label.charCodeAt(i);
  return c === 0x2d || c === 0x2e;
}

/**
 * Per-name working view, built lazily: the match key of the labels left of the public
 * suffix as one string (scanned once), and the per-label arrays only when something hit.
 */
class NameView {
  private _uLabels: string[] | null = null;
  private _keys: string[] | null = null;
  constructor(
    readonly n: NormalizedName,
    /** Match key of the labels left of the public suffix, dots kept. */
    readonly ownKey: string,
    /** Number of labels left of the public suffix. */
    readonly own: number,
  ) {}
  /** Unicode labels left of the public suffix. */
  get uLabels(): string[] {
    if (this._uLabels === null) {
      const all = (this.n.isIdn ? this.n.unicode : this.n.host).split('.');
      this._uLabels = all.slice(0, this.own);
    }
    return this._uLabels;
  }
  /** Match keys of the labels left of the public suffix (aligned with uLabels). */
  get keys(): string[] {
    if (this._keys === null) {
      let k = this.ownKey.split('.');
      if (k.length !== this.own) k = this.uLabels.map((l) => matchKey(l));
      k[this.own - 1] = this.n.labelSkeleton;
      this._keys = k;
    }
    return this._keys;
  }
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

const esc = (s: string): string => escapeForReason(s);

const INFRA_TOKEN_SET: ReadonlySet<string> = new Set(INFRA_TOKENS);
/** The legacy generic TLDs a brand usually holds together (a swap among them is most often the brand's own). */
const LEGACY_GTLDS: ReadonlySet<string> = new Set(['com', 'net', 'org']);

/**
 * True when the leftmost label of a name is an infrastructure word or a region/instance code
 * (`api.`, `telemetry.`, `cdn.`, `us-west-2.`, `eu1.`): the name is a machine endpoint, not a page
 * anyone is lured to.
 */
export function isMachineEndpoint(leftLabel: string): boolean {
  if (/^[a-z]{2}-[a-z]+-[0-9]+$/.test(leftLabel) || /^(us|eu|ap|apac|emea|na|sa|af|me)[0-9]+$/.test(leftLabel)) return true;
  const parts = leftLabel.split('-');
  return parts.every((p) => INFRA_TOKEN_SET.has(p.replace(/[0-9]+$/, '')) || /^[0-9]+$/.test(p));
}

/** True when a registrable label names infrastructure (`cdn-wal`, `vsassets`, `githubassets`). */
function infraNamedLabel(label: string): boolean {
  return isInfraLabel(label) || label.split('-').some((p) => INFRA_LABEL_ENDINGS.includes(p));
}

/**
 * The infrastructure words around a keyword occurrence [s, e) of `label` when nothing else is
 * there (`shopifycloud` -> ['cloud'], `github-production-user-asset-6210df` -> ['production', 'user',
 * 'asset']); null when something else is (or nothing at all). Hex/number pieces count as ids.
 */
export function infraAround(label: string, s: number, e: number): string[] | null {
  const pieces = `${label.slice(0, s)}-${label.slice(e)}`.split('-').filter((p) => p !== '');
  const words: string[] = [];
  for (const p of pieces) {
    if (/^[0-9a-f]*[0-9][0-9a-f]*$/.test(p)) continue;
    if (!INFRA_TOKEN_SET.has(p.replace(/[0-9]+$/, ''))) return null;
    words.push(p);
  }
  return words.length > 0 ? words : null;
}

/** Number of '.' in `s` before index `end`. */
function countDots(s: string, end: number): number {
  let c = 0;
  for (let i = s.indexOf('.'); i >= 0 && i < end; i = s.indexOf('.', i + 1)) c++;
  return c;
}

/** Describes the code points of `label` that differ from plain ASCII letters, for reasons. */
function describeLookalikes(label: string): string {
  const parts: string[] = [];
  for (const ch of label) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0x7f) continue;
    const key = matchKey(ch);
    parts.push(`${scriptOf(ch)} ${codePointLabel(cp)}${/^[a-z0-9]+$/.test(key) ? ` in place of '${key}'` : ''}`);
    if (parts.length === 4) break;
  }
  return parts.join(', ');
}

/** Single errors that put another character in the first letter's place, keeping the name's shape. */
const FIRST_LETTER_SLIPS: ReadonlySet<string> = new Set(['bitsquatting', 'replacement', 'homoglyph', 'vowel-swap', 'transposition', 'insertion']);

/**
 * Why a whole-label typo that does not start like the brand label is weak evidence, or
 * undefined: readers see a name's first letter first, so look-alikes keep it (`paypa1`,
 * `myetherwalet`) while a name that drops it or starts with something no slip explains
 * (`finity` or `nfinity` for `dfinity`, `aetherwallet` for `myetherwallet`) is most often
 * another name. A single named slip in the first letter's place (`qaypal`, a neighbouring key
 * or one bit; `ymetherwallet`, swapped) keeps the shape and stays strong. `fuzzer` is the named
 * single error, or null (an unnamed edit or two errors).
 */
export function firstLetterWhy(uLabel: string, key: string, t: TypoTarget, fuzzer: string | null): string | undefined {
  if (key.length < 2 || t.key.length < 2 || key[0] === t.key[0]) return undefined;
  if (fuzzer !== null && FIRST_LETTER_SLIPS.has(fuzzer)) return undefined;
  return `'${esc(uLabel)}' does not start like '${esc(t.label)}': look-alikes keep the first letter a reader sees, names that start differently are most often other names`;
}

/**
 * Why a typo found only after reading digits as letters is weak evidence, or undefined: `paypa1`
 * is the brand once `1` reads as `l` (a homoglyph, strong), but `open5e` needs `5` read as `s`
 * and then a letter left out: two guesses stacked, the way other names (`5e`, `4u`) look.
 */
export function stackedDigitWhy(uLabel: string, t: TypoTarget): string | undefined {
  if (!/[0-9]/.test(uLabel) || classifyEdit(uLabel, t.label) !== null || classifyGlyphs(uLabel, t.label) !== null) return undefined;
  return `'${esc(uLabel)}' comes near '${esc(t.label)}' only with its digits read as letters and a further error on top: two guesses stacked`;
}

export class BrandEngine {
  private readonly keywords: KeywordIndex;
  private readonly typos: TypoTargets;
  private readonly fuzzy: FuzzySubstrings;
  /**
   * One automaton for the keywords (pattern ids below `keywordPatterns`) and the halves of the
   * long protected labels (the rest): a name's labels are scanned once for both.
   */
  private readonly automaton: AhoCorasick;
  private readonly keywordPatterns: number;
  /** Phishing terms as [match key, word as configured]. */
  private readonly terms: readonly [string, string][];
  /** Phishing terms by match key. */
  private readonly termByKey: ReadonlyMap<string, string>;
  /** Phishing-term automaton over match keys; pattern id -> key and configured word. */
  private readonly termAutomaton: AhoCorasick;
  private readonly termKeys: string[];
  private readonly termWords: string[];
  private readonly suspiciousTlds: ReadonlySet<string>;
  private readonly platforms: ReadonlySet<string>;
  /** dnstwist dictionary words by match key. */
  private readonly dictionary: ReadonlyMap<string, string>;
  /** CDN/DNS/analytics provider domains (a brand name under one is not impersonation). */
  private readonly infrastructure: ReadonlySet<string>;
  /** Where dropped and discounted rules go during an explained run; null on the hot path. */
  private drops: DropRecord[] | null = null;

  constructor(
    readonly table: BrandTable,
    readonly detection: DetectionConfig,
  ) {
    this.keywords = new KeywordIndex(table.keywords);
    this.typos = new TypoTargets(table, detection);
    this.fuzzy = new FuzzySubstrings(this.typos);
    this.keywordPatterns = this.keywords.patterns.length;
    this.automaton = new AhoCorasick(this.keywords.patterns.concat(this.fuzzy.patterns));
    const terms = (detection.phishing_terms ?? PHISHING_TERMS).concat(detection.extra_phishing_terms);
    const termMap = new Map<string, string>();
    for (const t of terms) {
      const k = matchKey(t.toLowerCase());
      if (k !== '' && !termMap.has(k)) termMap.set(k, t.toLowerCase());
    }
    this.terms = [...termMap];
    this.termByKey = termMap;
    const termPatterns = this.terms.map(([k]) => k).filter((k) => inAlphabet(k));
    this.termKeys = termPatterns;
    this.termWords = termPatterns.map((k) => termMap.get(k) ?? k);
    this.termAutomaton = new AhoCorasick(termPatterns);
    this.suspiciousTlds = new Set((detection.suspicious_tlds ?? SUSPICIOUS_TLDS).map((t) => t.toLowerCase().replace(/^\./, '')));
    this.platforms = new Set((detection.hosting_platforms ?? HOSTING_PLATFORMS).map((t) => t.toLowerCase().replace(/^\./, '')));
    this.dictionary = new Map(DNSTWIST_ENGLISH.map((w) => [matchKey(w), w]));
    this.infrastructure = new Set(
      (detection.infrastructure ?? INFRASTRUCTURE_DOMAINS).concat(detection.extra_infrastructure).map((t) => t.toLowerCase().replace(/^[.*]+/, '')),
    );
  }

  /** Why a target gets exact-label techniques only. */
  private exactOnlyWhy(t: TypoTarget): string {
    return t.short
      ? `labels of ${this.detection.edit_distance.short_label_max_length} characters or fewer get exact-label techniques only (edit_distance.short_label_max_length)`
      : `'${esc(t.label)}' names infrastructure (nobody types it), so it gets exact-label techniques only`;
  }

  /** Records a dropped or discounted rule when explaining (no work on the hot path). */
  private drop(brand: number, technique: string, rule: string, why: string, action: Dropped['action'] = 'dropped'): void {
    if (this.drops !== null) this.drops.push({ brand, technique, rule, action, why });
  }

  /** The infrastructure domain `host` is under, or null. */
  infrastructureOf(host: string): string | null {
    if (this.infrastructure.size === 0) return null;
    for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
      const d = host.slice(i + 1);
      if (this.infrastructure.has(d)) return d;
    }
    return null;
  }

  /**
   * Name-level corroboration for weak signals: suspicious TLD, hosting platform, or a phishing
   * term as a whole token of the registrable label; null when none. Candidates only.
   */
  private nameCorroboration(n: NormalizedName): string | null {
    const tld = n.host.slice(n.host.lastIndexOf('.') + 1);
    if (this.suspiciousTlds.has(tld)) return `TLD .${esc(tld)} is often abused`;
    if (n.parts.isPrivateSuffix && this.platforms.has(n.parts.publicSuffix)) return `hosted on free platform ${esc(n.parts.publicSuffix)}`;
    // A term in a subdomain does not count: `secure.trust-provider.com` is how sites name hosts.
    const label = n.labelSkeleton;
    let term: string | undefined;
    this.termAutomaton.scan(label, (id, ts, te) => {
      if (term === undefined && isTokenStart(label, ts) && isTokenEnd(label, te)) term = this.termWords[id];
    });
    return term === undefined ? null : `phishing term '${esc(term)}' in the registrable label`;
  }

  /**
   * Signals for one name, with every dropped or discounted rule recorded in `drops`. Pure.
   * Same signals as run().
   */
  explain(n: NormalizedName, drops: DropRecord[]): BrandSignals {
    this.drops = drops;
    try {
      return this.run(n);
    } finally {
      this.drops = null;
    }
  }

  /**
   * The last filters, on candidates only: names under infrastructure domains are dropped; weak
   * signals (generic keyword or label without corroboration) stay only when the name has
   * corroboration (a strong signal for the brand, a suspicious TLD, a hosting platform).
   */
  private finish(n: NormalizedName, out: BrandSignals): BrandSignals {
    const infra = this.infrastructureOf(n.host);
    if (infra !== null) {
      for (const [bi, list] of out) for (const sg of list) this.drop(bi, sg.technique, sg.rule, `${esc(n.name)} is under ${esc(infra)}, a CDN/DNS/analytics provider brands route their own names through (detection.infrastructure)`);
      out.clear();
      return out;
    }
    let nameCorr: string | null | undefined;
    for (const [bi, list] of out) {
      if (list.every((sg) => sg.weak === undefined)) continue;
      const strong = list.filter((sg) => sg.weak === undefined);
      if (strong.length > 0) {
        // Corroborated by another technique: keep the weak ones as extra evidence.
        for (let i = 0; i < list.length; i++) if (list[i].weak !== undefined) list[i] = { ...list[i], weak: undefined };
        continue;
      }
      if (nameCorr === undefined) nameCorr = this.nameCorroboration(n);
      if (nameCorr !== null) {
        for (let i = 0; i < list.length; i++) list[i] = { ...list[i], weak: undefined, reason: `${list[i].reason} (corroborated: ${nameCorr})` };
        continue;
      }
      for (const sg of list) this.drop(bi, sg.technique, sg.rule, `${sg.weak}; nothing corroborates it (no phishing term in the same label, no suspicious TLD or hosting platform, no look-alike spelling, no other technique)`);
      out.delete(bi);
    }
    return out;
  }

  /** Sizes of the compiled structures, for benchmarks and diagnostics. */
  stats(): Record<string, number> {
    const idx = this.typos.index.stats();
    return {
      brands: this.table.brands.length,
      keywords: this.table.keywords.length,
      automatonStates: this.automaton.states,
      automatonBytes: this.automaton.byteSize(),
      typoTargets: this.typos.targets.length,
      deletionEntries: idx.entries,
      deletionBytes: idx.bytes,
    };
  }

  /** Score modifiers that apply to every brand match on this name. */
  modifiers(n: NormalizedName): Modifier[] {
    const mods: Modifier[] = [];
    const labels = n.host.split('.');
    const tld = labels[labels.length - 1] ?? '';
    if (this.suspiciousTlds.has(tld)) mods.push({ points: 5, reason: `TLD .${esc(tld)} is often abused` });
    if (n.parts.isPrivateSuffix && this.platforms.has(n.parts.publicSuffix)) {
      mods.push({ points: 10, reason: `hosted on free platform ${esc(n.parts.publicSuffix)}` });
    }
    if (/[0-9]/.test(n.parts.label) && n.labelSkeleton !== n.parts.label && !n.isIdn) {
      mods.push({ points: 5, reason: 'digits in place of letters' });
    }
    return mods;
  }

  /** Signals for one name that is not exempt. Pure. */
  run(n: NormalizedName): BrandSignals {
    const out: BrandSignals = new Map();
    if (n.parts.isIp || n.parts.registrable === null || n.parts.label === '') return out;
    const ps = n.parts.publicSuffix;
    let suffixLabels = ps === '' ? 0 : 1;
    for (let i = ps.indexOf('.'); i >= 0; i = ps.indexOf('.', i + 1)) suffixLabels++;
    const sk = n.skeleton;
    let total = 1;
    for (let i = sk.indexOf('.'); i >= 0; i = sk.indexOf('.', i + 1)) total++;
    const own = total - suffixLabels;
    if (own < 1) return out;
    let ownKey = sk;
    if (suffixLabels > 0) {
      // Cut before the first label of the public suffix.
      let cut = sk.length;
      for (let k = 0; k < suffixLabels; k++) cut = sk.lastIndexOf('.', cut - 1);
      ownKey = cut > 0 ? sk.slice(0, cut) : sk;
    }
    const view = new NameView(n, ownKey, own);
    // One scan for keyword occurrences and for the halves of long protected labels.
    let found: [KeywordEntry, number, number][] | null = null;
    let fuzzyHits: FuzzyHit[] | null = null;
    this.automaton.scan(ownKey, (id, s, e) => {
      if (id < this.keywordPatterns) for (const entry of this.keywords.byPattern[id]) (found ??= []).push([entry, s, e]);
      else fuzzyHits = this.fuzzy.occurrence(id - this.keywordPatterns, s, e, ownKey, fuzzyHits);
    });
    this.keywordHits(view, found, out);
    this.registrableLabel(view, out);
    if (own > 1) this.embedding(view, out);
    if (fuzzyHits !== null) this.fuzzySubstrings(view, fuzzyHits, out);
    return out.size === 0 ? out : this.finish(n, out);
  }

  /** Signals for the keyword occurrences `found` by the scan (and the keywords it cannot hold). */
  private keywordHits(view: NameView, found: [KeywordEntry, number, number][] | null, out: BrandSignals): void {
    const key = view.ownKey;
    for (const entry of this.keywords.slow) {
      const s = key.indexOf(entry.skel);
      if (s >= 0) (found ??= []).push([entry, s, s + entry.skel.length]);
    }
    if (found === null) return;
    const n = view.n;
    const { own } = view;
    let termHits: number[] | null = null;
    // One occurrence per keyword is enough to explain it; more would only let a crafted
    // name ("paypalpaypal...") multiply the work.
    const handled = new Set<KeywordEntry>();
    for (const [entry, s, e] of found as [KeywordEntry, number, number][]) {
      if (handled.has(entry)) continue;
      // A short keyword joined at a token's edge to exactly a phishing term of EDGE_TERM_MIN_LENGTH
      // letters or more (`uspsparcel`, `upstracking`) is a combosquat, whatever mode the
      // specificity chose (not an explicit one). Keywords that are generic for being words
      // (`trust`, `nitro`) are left out: with a term they make ordinary phrases (`securetrust`).
      const edgeTerm = entry.explicitMode || entry.skel.length > GENERIC_MAX_LENGTH || modeAllows(entry.mode, key, s, e) ? undefined : this.edgeCompoundTerm(key, s, e);
      if (edgeTerm === undefined && !modeAllows(entry.mode, key, s, e)) {
        if (this.drops !== null && !found.some(([x, xs, xe]) => x === entry && modeAllows(entry.mode, key, xs, xe))) {
          handled.add(entry);
          const lbl = view.uLabels[countDots(key, s)] ?? '';
          this.drop(
            entry.brand,
            'keyword',
            entry.rule,
            `keyword '${esc(entry.word)}' inside '${esc(lbl)}' is not a whole ${entry.mode === 'label' ? 'label or hyphen token' : entry.mode} (mode ${entry.mode}${entry.explicitMode ? '' : `, chosen because the keyword is ${entry.specificity}`})`,
          );
        }
        continue;
      }
      handled.add(entry);
      // Which label the occurrence is in, and where inside it.
      let li = 0;
      let start = 0;
      for (let i = 0; i < s; i++) {
        if (key.charCodeAt(i) === 0x2e) {
          li++;
          start = i + 1;
        }
      }
      if (li >= own) continue;
      const ls = s - start;
      const le = e - start;
      const keys = view.keys;
      const uLabel = view.uLabels[li];
      const registrable = li === own - 1;
      const literal = uLabel.includes(entry.word);
      const where = registrable ? 'registrable label' : 'label';
      const kwReason = literal
        ? `keyword '${esc(entry.word)}' in ${where} '${esc(uLabel)}'`
        : `${where} '${esc(uLabel)}' contains a look-alike of keyword '${esc(entry.word)}'`;

      // A phishing term elsewhere in the name: not overlapping this occurrence, and not a
      // part of the keyword itself. For a keyword that needs corroboration, only a term in the
      // same label counts (`secure.trust-provider.com` is not `trust-secure.com`).
      if (termHits === null) {
        termHits = [];
        const th = termHits;
        this.termAutomaton.scan(key, (id, ts, te) => th.push(id, ts, te));
      }
      const labelEnd = start + keys[li].length;
      let term: string | undefined = edgeTerm;
      for (let k = 0; term === undefined && k < termHits.length; k += 3) {
        const [id, ts, te] = [termHits[k], termHits[k + 1], termHits[k + 2]];
        if (te > s && ts < e) continue;
        if (entry.skel.includes(this.termKeys[id])) continue;
        // ...unless the keyword is a whole label (`login.chase.evil.com`); the term a whole token.
        if (entry.corroborate && (!isTokenStart(key, ts) || !isTokenEnd(key, te))) continue;
        if (entry.corroborate && (ts < start || te > labelEnd) && !(ls === 0 && le === keys[li].length)) continue;
        term = this.termWords[id];
        break;
      }
      // What else corroborates a generic keyword: a look-alike spelling of it, or the brand's
      // domain written with a hyphen for the dot (`x-com-support`).
      let weak: string | undefined;
      if (entry.corroborate && term === undefined && literal && !this.domainWithHyphen(entry, keys[li], le)) {
        weak = `keyword '${esc(entry.word)}' is ${entry.specificity}, so it alerts only with corroboration`;
      } else if (term === undefined && literal) {
        const infra = infraAround(keys[li], ls, le);
        if (infra !== null) weak = `keyword '${esc(entry.word)}' has only infrastructure words around it (${infra.map((w) => `'${esc(w)}'`).join(', ')}), the way brands and their integrators name their own plumbing`;
        else if (li > 0 && isMachineEndpoint(keys[0])) weak = `the name is a machine endpoint ('${esc(view.uLabels[0])}.' in front), not a page anyone is lured to`;
        else if (!registrable && infraNamedLabel(n.parts.label)) weak = `keyword '${esc(entry.word)}' is in a subdomain of ${esc(n.parts.registrable ?? '')}, which is named like infrastructure (a CDN or asset host)`;
        else if (registrable && entry.isLabel && ls === 0 && le === keys[li].length) weak = `the registrable label is the brand label itself: the same evidence as the TLD swap`;
        else if (registrable) weak = this.swapWhy(n, entry.brand);
      }
      add(out, entry.brand, { technique: 'keyword', score: literal ? BASE_SCORES.keyword : BASE_SCORES.keywordLookalike, reason: `${esc(n.name)}: ${kwReason}`, rule: entry.rule, weak });
      if (term !== undefined) {
        add(out, entry.brand, {
          technique: 'combosquat',
          score: BASE_SCORES.combosquat,
          reason: `${esc(n.name)}: '${esc(entry.word)}' combined with phishing term '${esc(term)}'`,
          rule: entry.rule,
        });
      }
      if (registrable && entry.isLabel && li < keys.length) this.affixes(n, keys[li], ls, le, entry, out);
    }
  }

  /**
   * The phishing term that, with the keyword occurrence [s, e), makes up a whole hyphen/dot
   * token of `key` (`usps|parcel`, `secure|ups`), or undefined. Bounded by the token's length.
   */
  private edgeCompoundTerm(key: string, s: number, e: number): string | undefined {
    let ts = s;
    while (ts > 0 && key.charCodeAt(ts - 1) !== 0x2d && key.charCodeAt(ts - 1) !== 0x2e) ts--;
    let te = e;
    while (te < key.length && key.charCodeAt(te) !== 0x2d && key.charCodeAt(te) !== 0x2e) te++;
    const rest = ts === s ? key.slice(e, te) : te === e ? key.slice(ts, s) : '';
    return rest.length < EDGE_TERM_MIN_LENGTH ? undefined : this.termByKey.get(rest);
  }

  /** True when the keyword at label[.., e) is followed by "-" and the first label of one of its brand's suffixes ("x-com"). */
  private domainWithHyphen(entry: KeywordEntry, label: string, e: number): boolean {
    if (label.charCodeAt(e) !== 0x2d) return false;
    for (const d of this.table.brands[entry.brand].domains) {
      const first = d.suffix.split('.')[0];
      if (first !== '' && label.startsWith(first, e + 1) && (e + 1 + first.length === label.length || label.charCodeAt(e + 1 + first.length) === 0x2d)) return true;
    }
    return false;
  }

  /** A one-edit typo of a long brand label inside a longer label ("etheriumairdrop"). */
  private fuzzySubstrings(view: NameView, hits: readonly FuzzyHit[], out: BrandSignals): void {
    const n = view.n;
    for (const h of hits) {
      const t = this.typos.targets[h.tid];
      const li = countDots(view.ownKey, h.start);
      const uLabel = view.uLabels[li] ?? '';
      const variant = view.ownKey.slice(h.start, h.end);
      if (t.infra) {
        this.drop(t.brand, 'typosquat:embedded', t.rule, `'${esc(variant)}' in '${esc(uLabel)}' is one edit from '${esc(t.label)}', but ${this.exactOnlyWhy(t)}`);
        continue;
      }
      if (this.isOrdinaryVariant(variant, t)) {
        this.drop(t.brand, 'typosquat:embedded', t.rule, `'${esc(variant)}' in '${esc(uLabel)}' is one edit from '${esc(t.label)}' but ${this.ordinaryWhy(variant, t)}`);
        continue;
      }
      // Inside a longer label only a named typing or visual error counts: an arbitrary letter
      // changed inside a longer word is more often another word (`squaresp|ace` for `squareup`).
      const cls = classifyEdit(variant, t.key);
      if ((cls === null || cls.fuzzer === 'edit-distance') && [...t.label].length < this.detection.edit_distance.any_edit2_min_length) {
        this.drop(t.brand, 'typosquat:embedded', t.rule, `'${esc(variant)}' in '${esc(uLabel)}' is one edit from '${esc(t.label)}', but no typing or visual error explains the edit`);
        continue;
      }
      add(out, t.brand, {
        technique: 'typosquat:embedded',
        score: BASE_SCORES.embeddedTypo,
        reason: `${esc(n.name)}: label '${esc(uLabel)}' contains a one-edit variant of '${esc(t.label)}'`,
        rule: t.rule,
        weak: li === view.own - 1 ? this.swapWhy(n, t.brand) : undefined,
      });
      // A phishing term next to it makes it a combosquat as well.
      let term: string | undefined;
      this.termAutomaton.scan(view.ownKey, (id, ts, te) => {
        if (term === undefined && (te <= h.start || ts >= h.end) && !t.key.includes(this.termKeys[id])) term = this.termWords[id];
      });
      if (term !== undefined) {
        add(out, t.brand, {
          technique: 'combosquat',
          score: BASE_SCORES.combosquat,
          reason: `${esc(n.name)}: variant of '${esc(t.label)}' combined with phishing term '${esc(term)}'`,
          rule: t.rule,
        });
      }
    }
  }

  /**
   * Why a look-alike of one of brand `bi`'s labels in the registrable label is another name
   * made of words (segments.ts: `opensee` for `opensea`, `metamusk` for `metamask`), or
   * undefined. Plain ASCII letters only: digits and look-alike characters are corroboration
   * of their own. Candidates only.
   */
  private swapWhy(n: NormalizedName, bi: number): string | undefined {
    const label = n.parts.label;
    if (n.isIdn || label !== n.labelSkeleton) return undefined;
    for (const d of this.table.brands[bi].domains) {
      const swap = segmentSwap(label, d.labelSkel);
      if (swap !== null) {
        return `'${esc(label)}' is '${esc(d.uLabel)}' with the word '${esc(swap.from)}' replaced by '${esc(swap.to)}': another name made of words, not a typo`;
      }
    }
    return undefined;
  }

  /**
   * True when a typo variant of target `t` is itself ordinary: a word of the model's languages
   * or a common host token (`strip` for `stripe`, `mail` for `gmail`), or another protected label.
   * Only called on candidates.
   */
  private isOrdinaryVariant(variant: string, t: TypoTarget): boolean {
    if (isWord(variant)) return true;
    const other = this.typos.idsForKey(variant);
    return other !== undefined && other.some((id) => this.typos.targets[id].brand !== t.brand);
  }

  private ordinaryWhy(variant: string, t: TypoTarget): string {
    if (isWord(variant)) return `'${esc(variant)}' is an ordinary word`;
    const other = (this.typos.idsForKey(variant) ?? []).map((id) => this.typos.targets[id]).find((x) => x.brand !== t.brand);
    return `'${esc(variant)}' is the label of another protected brand (${esc(other ? this.table.brands[other.brand].name : '?')})`;
  }

  /** dnstwist `dictionary` and `various` shapes around a brand label inside the registrable label. */
  private affixes(n: NormalizedName, key: string, s: number, e: number, entry: KeywordEntry, out: BrandSignals): void {
    const before = key.slice(0, s).replace(/-$/, '');
    const after = key.slice(e).replace(/^-/, '');
    const other = before === '' ? after : after === '' ? before : null;
    if (other === null || other === '') return;
    const word = this.dictionary.get(other);
    if (word !== undefined) {
      add(out, entry.brand, {
        technique: 'typosquat:dictionary',
        score: BASE_SCORES.dictionary,
        reason: `${esc(n.name)}: brand label '${esc(entry.word)}' joined with the word '${esc(word)}'`,
        rule: entry.rule,
        weak: entry.corroborate
          ? `brand label '${esc(entry.word)}' is ${entry.specificity}`
          : INFRA_TOKEN_SET.has(other)
            ? `'${esc(word)}' is an infrastructure word (brands name their own CDNs and APIs this way)`
            : undefined,
      });
    }
    for (const d of this.table.brands[entry.brand].domains) {
      if (d.uLabel === entry.word && before === '' && (after === matchKey(d.suffix.replace(/\./g, '')) || after === matchKey(d.suffix.split('.').pop() ?? ''))) {
        add(out, entry.brand, {
          technique: 'typosquat:various',
          score: BASE_SCORES.fuzzer,
          reason: `${esc(n.name)}: brand domain ${esc(d.domain)} written without its dot`,
          rule: entry.rule,
          weak: d.uLabel.length <= this.detection.edit_distance.short_label_max_length ? `brand label '${esc(d.uLabel)}' is short` : undefined,
        });
        break;
      }
    }
  }

  /** Techniques on the registrable label: homograph, homoglyph, TLD swap, typosquats. */
  private registrableLabel(view: NameView, out: BrandSignals): void {
    const n = view.n;
    const own = view.own;
    const key = n.labelSkeleton;
    const uLabel = n.uLabel;
    const exact = this.typos.idsForKey(key);
    if (exact !== undefined) for (const tid of exact) this.sameKey(n, uLabel, this.typos.targets[tid], out);

    const cands = this.typos.index.candidates(key);
    if (cands !== null) {
      for (const tid of cands) {
        const t = this.typos.targets[tid];
        if (t.key === key) continue; // handled as same key
        const d = osaDistance(key, t.key, t.maxDist);
        if (d > t.maxDist) continue;
        this.nearKey(n, uLabel, key, tid, d, out);
      }
    }
    if (key.includes('-')) {
      this.tokens(n, uLabel, key, out);
      this.domainAsTokens(n, uLabel, key, out);
      const joined = key.replace(/-/g, '');
      for (const tid of this.typos.idsForKey(joined) ?? []) {
        const t = this.typos.targets[tid];
        if (t.key.includes('-') || t.short || t.infra) continue;
        add(out, t.brand, {
          technique: 'typosquat:hyphenation',
          score: BASE_SCORES.fuzzer,
          reason: `${esc(n.name)}: '${esc(uLabel)}' is '${esc(t.label)}' with hyphens inserted`,
          rule: t.rule,
          weak: t.generic ? `brand label '${esc(t.label)}' is ${t.domains[0].specificity}` : undefined,
        });
      }
    }
    if (own >= 2) {
      // dnstwist `subdomain`: a dot inserted into the brand label ("pay.pal.com").
      const ok = view.ownKey;
      const lastDot = ok.lastIndexOf('.');
      const prevDot = ok.lastIndexOf('.', lastDot - 1);
      const ids = lastDot < 0 ? undefined : this.typos.idsForKey(ok, prevDot + 1, lastDot, key);
      if (ids === undefined) return;
      const uLabels = view.uLabels;
      for (const tid of ids) {
        const t = this.typos.targets[tid];
        if (t.short || t.infra) continue;
        add(out, t.brand, {
          technique: 'typosquat:subdomain',
          score: BASE_SCORES.fuzzer,
          reason: `${esc(n.name)}: brand label '${esc(t.label)}' split by a dot into '${esc(uLabels[own - 2])}.${esc(uLabel)}'`,
          rule: t.rule,
          weak: t.generic ? `brand label '${esc(t.label)}' is ${t.domains[0].specificity}` : undefined,
        });
      }
    }
  }

  /**
   * A brand domain written with hyphens for its dots inside the registrable label (`x-com-support`,
   * `paypal-com-verify`): the full domain, so it counts for short labels too.
   */
  private domainAsTokens(n: NormalizedName, uLabel: string, key: string, out: BrandSignals): void {
    let from = 0;
    for (let i = key.indexOf('-'); i > 0; from = i + 1, i = key.indexOf('-', from)) {
      const ids = this.typos.idsForKey(key, from, i);
      if (ids === undefined) continue;
      for (const tid of ids) {
        const t = this.typos.targets[tid];
        const d = t.domains.find((x) => {
          const written = x.suffix.replace(/\./g, '-');
          return key.startsWith(written, i + 1) && (i + 1 + written.length === key.length || key.charCodeAt(i + 1 + written.length) === 0x2d);
        });
        if (d === undefined) continue;
        add(out, t.brand, {
          technique: 'typosquat:various',
          score: BASE_SCORES.fuzzer,
          reason: `${esc(n.name)}: brand domain ${esc(d.registrable)} written with hyphens in '${esc(uLabel)}'`,
          rule: t.rule,
          weak: t.short || t.generic ? `brand label '${esc(t.label)}' is ${t.domains[0].specificity}` : undefined,
        });
      }
    }
  }

  /**
   * Each hyphen-separated token of the registrable label against the protected labels
   * ("metemask-node" carries a typo of "metamask"): same key, or a named single error.
   */
  private tokens(n: NormalizedName, uLabel: string, key: string, out: BrandSignals): void {
    const keyTokens = key.split('-');
    const uTokens = uLabel.split('-');
    if (keyTokens.length !== uTokens.length || keyTokens.length > 8) return;
    for (let i = 0; i < keyTokens.length; i++) {
      const k = keyTokens[i];
      if (k.length < 4) continue;
      const cands = this.typos.index.candidates(k);
      if (cands === null) continue;
      for (const tid of cands) {
        const t = this.typos.targets[tid];
        if (t.key === k || osaDistance(k, t.key, 1) > 1) continue; // same key: keyword technique covers it
        const cls = classifyEdit(uTokens[i], t.label) ?? classifyGlyphs(uTokens[i], t.label);
        if (cls === null || cls.fuzzer === 'edit-distance') continue;
        if (cls.fuzzer !== 'homoglyph' && this.isOrdinaryVariant(k, t)) {
          this.drop(t.brand, `typosquat:${cls.fuzzer}`, t.rule, `part '${esc(uTokens[i])}' of '${esc(uLabel)}' is one edit from '${esc(t.label)}' but ${this.ordinaryWhy(k, t)}`);
          continue;
        }
        add(out, t.brand, {
          technique: `typosquat:${cls.fuzzer}`,
          score: BASE_SCORES.fuzzer,
          reason: `${esc(n.name)}: part '${esc(uTokens[i])}' of '${esc(uLabel)}' is '${esc(t.label)}' with ${cls.detail}`,
          rule: t.rule,
          weak: t.generic ? `brand label '${esc(t.label)}' is ${t.domains[0].specificity}` : undefined,
        });
      }
    }
  }

  private sameKey(n: NormalizedName, uLabel: string, t: TypoTarget, out: BrandSignals): void {
    const suffixes = t.domains.map((d) => d.suffix);
    if (uLabel === t.label) {
      // Same label: exempt when the suffix is the brand's own (handled before), so a swap.
      if (!suffixes.includes(n.parts.publicSuffix)) {
        if (t.short || t.infra) {
          this.drop(t.brand, 'tld-swap', t.rule, `brand label '${esc(t.label)}' under .${esc(n.parts.publicSuffix)}: ${this.exactOnlyWhy(t)}`);
          return;
        }
        add(out, t.brand, {
          technique: 'tld-swap',
          score: BASE_SCORES.tldSwap,
          reason: `${esc(n.name)}: brand label '${esc(t.label)}' under .${esc(n.parts.publicSuffix)} instead of ${t.domains.map((d) => esc(d.registrable)).join(', ')}`,
          rule: t.rule,
          weak: t.generic
            ? `brand label '${esc(t.label)}' is ${t.domains[0].specificity}: the same word under another suffix is usually someone else's`
            : LEGACY_GTLDS.has(n.parts.publicSuffix) && suffixes.some((x) => LEGACY_GTLDS.has(x))
              ? `.${esc(n.parts.publicSuffix)} next to ${t.domains.map((d) => esc(d.registrable)).join(', ')}: brands register their name under .com, .net and .org alike, so this is most often the brand's own`
              : undefined,
        });
      }
      return;
    }
    const target = `${t.label}.${t.domains[0].suffix}`;
    if (n.isIdn) {
      const scripts = n.labelScripts;
      const nonLatin = scripts.some((s) => s !== 'Latin');
      const cyrillicOnly = [...uLabel].every((ch) => ch.charCodeAt(0) < 0x80 || scriptOf(ch) === 'Cyrillic');
      const detail = describeLookalikes(uLabel);
      if (nonLatin || n.mixedScript) {
        add(out, t.brand, {
          technique: 'homograph',
          score: BASE_SCORES.homograph,
          reason: `${esc(n.name)} (${esc(uLabel)}): ${detail}; ${n.mixedScript ? `mixed scripts ${scripts.join('+')}; ` : ''}skeleton equals ${esc(target)}`,
          rule: t.rule,
        });
        if (cyrillicOnly) {
          add(out, t.brand, {
            technique: 'typosquat:cyrillic',
            score: BASE_SCORES.cyrillic,
            reason: `${esc(n.name)}: Cyrillic letters in place of Latin ones in '${esc(t.label)}'`,
            rule: t.rule,
          });
        }
      } else {
        add(out, t.brand, {
          technique: 'homograph',
          score: BASE_SCORES.diacriticHomograph,
          reason: `${esc(n.name)} (${esc(uLabel)}): ${detail}; same letters as ${esc(target)} but with diacritics`,
          rule: t.rule,
        });
      }
      return;
    }
    const cls = classifyEdit(uLabel, t.label);
    if (t.label.length === 1) {
      this.drop(t.brand, 'typosquat:homoglyph', t.rule, `'${esc(uLabel)}' stands for the one-letter label '${esc(t.label)}': a single character is no look-alike`);
      return;
    }
    add(out, t.brand, {
      technique: 'typosquat:homoglyph',
      score: BASE_SCORES.asciiHomoglyph,
      reason: `${esc(n.name)}: '${esc(uLabel)}' looks like '${esc(t.label)}'${cls ? ` (${cls.detail})` : ''}`,
      rule: t.rule,
    });
  }

  /** Plausible single typos per target, built on first use (distance-2 checks are rare). */
  private readonly typoCache = new Map<number, Map<string, string>>();

  /**
   * A label within the target's edit bound. One edit: named by its dnstwist fuzzer; an edit
   * no fuzzer names counts only on labels of any_edit1_min_length or more, where few real
   * words sit one edit away. Two edits: on labels shorter than any_edit2_min_length both
   * must be plausible typing or visual errors (each a dnstwist fuzzer). A variant that is an
   * ordinary word or another protected label is dropped (unless made of look-alike characters);
   * on a generic brand label only named errors count, and they need corroboration.
   */
  private nearKey(n: NormalizedName, uLabel: string, key: string, tid: number, dist: number, out: BrandSignals): void {
    const t = this.typos.targets[tid];
    if (isHyphenated(uLabel, t.label)) return; // reported by the hyphenation check
    const len = [...t.label].length;
    const cls = classifyEdit(uLabel, t.label) ?? classifyGlyphs(uLabel, t.label) ?? classifyEdit(key, t.key);
    const glyphs = cls !== null && cls.fuzzer === 'homoglyph';
    if (!glyphs && !n.isIdn && this.isOrdinaryVariant(key, t)) {
      this.drop(t.brand, `typosquat:${cls?.fuzzer ?? 'edit-distance'}`, t.rule, `'${esc(uLabel)}' is ${dist} edit${dist > 1 ? 's' : ''} from '${esc(t.label)}' but ${this.ordinaryWhy(key, t)}`);
      return;
    }
    const weak = t.generic
      ? `brand label '${esc(t.label)}' is ${t.domains[0].specificity}: its typos are often other words`
      : n.isIdn || glyphs
        ? undefined
        : (this.swapWhy(n, t.brand) ?? firstLetterWhy(uLabel, key, t, dist > 1 ? null : cls?.fuzzer ?? null) ?? stackedDigitWhy(uLabel, t));
    if (cls !== null && cls.fuzzer !== 'edit-distance') {
      add(out, t.brand, {
        technique: `typosquat:${cls.fuzzer}`,
        score: BASE_SCORES.fuzzer + (n.isIdn ? 10 : 0),
        reason: `${esc(n.name)}: '${esc(uLabel)}' is '${esc(t.label)}' with ${cls.detail}`,
        rule: t.rule,
        weak: glyphs ? undefined : weak,
      });
      return;
    }
    if (t.generic) {
      this.drop(t.brand, 'typosquat:edit-distance', t.rule, `'${esc(uLabel)}' is ${dist} edit${dist > 1 ? 's' : ''} from '${esc(t.label)}', an edit no typing or visual error explains, on a generic label`);
      return;
    }
    if (dist <= 1) {
      if (len < this.detection.edit_distance.any_edit1_min_length) return;
      add(out, t.brand, {
        technique: 'typosquat:edit-distance',
        score: BASE_SCORES.editDistance1,
        reason: `${esc(n.name)}: '${esc(uLabel)}' is 1 edit from '${esc(t.label)}'${cls ? ` (${cls.detail})` : ''}`,
        rule: t.rule,
        weak,
      });
      return;
    }
    let typos = this.typoCache.get(tid);
    if (typos === undefined) {
      typos = singleTypos(t.label);
      this.typoCache.set(tid, typos);
    }
    for (const [variant, first] of typos) {
      if (!withinOneEdit(uLabel, variant)) continue;
      const second = classifyEdit(uLabel, variant);
      if (second === null || second.fuzzer === 'edit-distance') continue;
      add(out, t.brand, {
        technique: `typosquat:${second.fuzzer}`,
        score: BASE_SCORES.editDistance2,
        reason: `${esc(n.name)}: '${esc(uLabel)}' is '${esc(t.label)}' with two errors (${first}, then ${second.fuzzer}: ${second.detail})`,
        rule: t.rule,
        weak,
      });
      return;
    }
    if (len >= this.detection.edit_distance.any_edit2_min_length) {
      add(out, t.brand, {
        technique: 'typosquat:edit-distance',
        score: BASE_SCORES.editDistance2,
        reason: `${esc(n.name)}: '${esc(uLabel)}' is 2 edits from '${esc(t.label)}'`,
        rule: t.rule,
        weak,
      });
    }
  }

  /** A brand label (or domain) used as a leading label of another registrable domain. */
  private embedding(view: NameView, out: BrandSignals): void {
    const key = view.ownKey;
    let seen: Set<readonly number[]> | null = null;
    const lastDot = key.lastIndexOf('.');
    let from = 0;
    let li = 0;
    while (from <= lastDot) {
      let to = key.indexOf('.', from);
      if (to < 0 || to > lastDot) to = lastDot;
      const ids = this.typos.idsForKey(key, from, to);
      if (ids !== undefined && !seen?.has(ids)) {
        (seen ??= new Set()).add(ids); // first occurrence only (bounded work on crafted names)
        this.embeddedLabel(view, li, ids, out);
      }
      from = to + 1;
      li++;
    }
  }

  private embeddedLabel(view: NameView, li: number, ids: readonly number[], out: BrandSignals): void {
    const n = view.n;
    const uLabels = view.uLabels;
    for (const tid of ids) {
      const t = this.typos.targets[tid];
      const following = uLabels.slice(li + 1, view.own).join('.');
      const dom = t.domains.find((d) => following === d.suffix || following.startsWith(`${d.suffix}.`));
      const infraHost = infraNamedLabel(n.parts.label) ? `${esc(n.parts.registrable ?? '')} is named like infrastructure (a CDN or asset host), where brands put their own names` : undefined;
      if (dom !== undefined) {
        add(out, t.brand, {
          technique: 'subdomain-embedding',
          score: BASE_SCORES.embeddingDomain,
          reason: `${esc(n.name)}: brand domain ${esc(dom.registrable)} embedded in front of ${esc(n.parts.registrable ?? '')}`,
          rule: t.rule,
          weak: infraHost,
        });
      } else if (t.short || t.infra) {
        this.drop(t.brand, 'subdomain-embedding', t.rule, `brand label '${esc(t.label)}' as a subdomain of ${esc(n.parts.registrable ?? '')}: ${this.exactOnlyWhy(t)}; only the full domain counts (${esc(t.domains[0].registrable)}.…)`);
      } else {
        add(out, t.brand, {
          technique: 'subdomain-embedding',
          score: BASE_SCORES.embeddingLabel,
          reason: `${esc(n.name)}: brand label '${esc(t.label)}' used as a subdomain of ${esc(n.parts.registrable ?? '')}`,
          rule: t.rule,
          weak: t.generic ? `brand label '${esc(t.label)}' is ${t.domains[0].specificity}: as a subdomain it names many things` : infraHost,
        });
      }
    }
  }
}
