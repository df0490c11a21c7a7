/**
 * Compiled brand rules: which names belong to the brand (never hits), and the
 * per-technique look-up structures. Matching walks the name once and reads hash maps and
 * automata; it never loops over brands.
 */
import type { BrandConfig, DetectionConfig } from './config-schema.js';
import { RulesInvalidError } from './errors.js';
import { normalizeConfiguredDomain } from './normalize.js';
import { splitDomain } from './psl.js';
import { matchKey } from './skeleton.js';
import { inAlphabet } from './aho-corasick.js';
import { domainToUnicode } from 'node:url';
import { assessSpecificity, type TokenSpecificity } from './specificity.js';
import { INFRA_LABEL_ENDINGS } from './data/lists.js';

export type KeywordMode = 'substring' | 'label' | 'prefix' | 'suffix';

/** One keyword of one brand. */
export interface KeywordEntry {
  brand: number;
  word: string; // as configured, lower case
  skel: string; // skeleton of word
  mode: KeywordMode;
  /** True when derived from a brand domain's label rather than configured. */
  implicit: boolean;
  /** True when the word is the label of one of the brand's domains ("paypal" for paypal.com). */
  isLabel: boolean;
  /** True when the mode was configured (`match:`), not chosen from the specificity. */
  explicitMode: boolean;
  /** Generic (short, an ordinary word, a morpheme) or distinctive; see specificity.ts. */
  generic: boolean;
  /** Why generic or distinctive (one phrase). */
  specificity: string;
  /** A match alerts only with corroboration (generic keywords unless `corroborate: false`). */
  corroborate: boolean;
  /** Rule id for explanations and metrics: `keyword:WORD`. */
  rule: string;
}

/** One protected domain of one brand. */
export interface BrandDomain {
  brand: number;
  domain: string; // A-label form, as configured
  registrable: string; // its registrable domain (or the domain itself when it is a suffix)
  label: string; // registrable label, A-label form
  uLabel: string; // registrable label, Unicode form
  labelSkel: string; // skeleton of uLabel
  suffix: string; // public suffix of the registrable domain
  /** The registrable label is generic (short, an ordinary word, a morpheme): see specificity.ts. */
  generic: boolean;
  specificity: string;
  /** The label names infrastructure (ends in cdn, img, static, ...): nobody types it. */
  infra: boolean;
}

/** True when a brand-domain label ends with an infrastructure word (INFRA_LABEL_ENDINGS). */
export function isInfraLabel(label: string): boolean {
  const l = label.replace(/[0-9]+$/, '');
  return INFRA_LABEL_ENDINGS.some((w) => l.endsWith(w) && l.length > w.length);
}

export interface CompiledBrand {
  name: string;
  domains: BrandDomain[];
  /** Look for typosquats, homographs and TLD swaps of the domains. */
  typosquats: boolean;
}

/** Compile-time view of the brand section, shared by the technique modules. */
export class BrandTable {
  readonly brands: CompiledBrand[] = [];
  /** Registrable domains (and allow entries) whose names are never brand hits. */
  readonly exempt = new Set<string>();
  readonly keywords: KeywordEntry[] = [];

  /** Throws RulesInvalidError naming the first bad item. */
  constructor(brands: readonly BrandConfig[], allow: readonly string[], detection: DetectionConfig) {
    const pending: { entry: KeywordEntry; corroborate: boolean | undefined }[] = [];
    brands.forEach((b, bi) => {
      const compiled: CompiledBrand = { name: b.name, domains: [], typosquats: b.typosquats !== false };
      b.domains.forEach((raw, di) => {
        const domain = normalizeConfiguredDomain(raw.startsWith('*.') ? raw.slice(2) : raw.startsWith('.') ? raw.slice(1) : raw);
        if (domain === null) throw new RulesInvalidError(`brands[${bi}].domains[${di}]`, `${JSON.stringify(raw)} is not a domain`);
        const parts = splitDomain(domain);
        const registrable = parts.registrable ?? domain;
        const label = parts.registrable ? parts.label : domain.split('.')[0];
        const uLabel = toUnicodeLabel(label);
        compiled.domains.push({ brand: bi, domain, registrable, label, uLabel, labelSkel: matchKey(uLabel), suffix: parts.publicSuffix, generic: false, specificity: '', infra: isInfraLabel(matchKey(uLabel)) });
        this.exempt.add(registrable);
      });
      const words = new Set<string>();
      b.keywords.forEach((k, ki) => {
        const word = (typeof k === 'string' ? k : k.word).trim().toLowerCase();
        if (word === '' || word.includes('.')) {
          throw new RulesInvalidError(`brands[${bi}].keywords[${ki}]`, `${JSON.stringify(word)} must be a non-empty word without dots`);
        }
        words.add(word);
        const explicit = typeof k === 'string' ? undefined : k.match;
        const corroborate = typeof k === 'string' ? undefined : k.corroborate;
        pending.push({
          entry: { brand: bi, word, skel: matchKey(word), mode: explicit ?? 'substring', implicit: false, isLabel: compiled.domains.some((d) => d.uLabel === word), explicitMode: explicit !== undefined, generic: false, specificity: '', corroborate: false, rule: `keyword:${word}` },
          corroborate,
        });
      });
      if (b.label_keywords ?? detection.label_keywords.enabled) {
        for (const d of compiled.domains) {
          const word = d.uLabel;
          if (words.has(word) || word.length < detection.label_keywords.token_min_length) continue;
          words.add(word);
          // Short distinctive labels match as whole tokens only (config label_keywords).
          const mode: KeywordMode = word.length >= detection.label_keywords.substring_min_length ? 'substring' : 'label';
          pending.push({
            entry: { brand: bi, word, skel: d.labelSkel, mode, implicit: true, isLabel: true, explicitMode: mode === 'label', generic: false, specificity: '', corroborate: false, rule: `keyword:${word}` },
            corroborate: undefined,
          });
        }
      }
      this.brands.push(compiled);
    });
    // Specificity of every keyword and brand label, measured in one pass over the word model.
    const allDomains = this.brands.flatMap((b) => b.domains);
    const spec = assessSpecificity([...pending.map((p) => p.entry.skel), ...allDomains.map((d) => d.labelSkel)]);
    pending.forEach((p, i) => {
      const e = p.entry;
      const sp: TokenSpecificity = spec[i];
      e.generic = sp.generic;
      e.specificity = sp.why;
      // Generic keywords match as whole tokens unless a mode was configured.
      if (e.generic && !e.explicitMode) e.mode = 'label';
      e.corroborate = p.corroborate ?? e.generic;
      this.keywords.push(e);
    });
    allDomains.forEach((d, i) => {
      const sp = spec[pending.length + i];
      d.generic = sp.generic;
      d.specificity = sp.why;
    });
    allow.forEach((raw, ai) => {
      const domain = normalizeConfiguredDomain(raw.startsWith('*.') ? raw.slice(2) : raw.startsWith('.') ? raw.slice(1) : raw);
      if (domain === null) throw new RulesInvalidError(`allow[${ai}]`, `${JSON.stringify(raw)} is not a domain`);
      this.exempt.add(domain);
    });
    for (const d of this.exempt) if (splitDomain(d).registrable !== d) this.exemptDeep = true;
  }

  /** True when some exempt entry is not itself a registrable domain (then every parent is checked). */
  private exemptDeep = false;

  /**
   * True when `host` (A-label form) is an exempt domain or under one. `registrable` is the
   * host's registrable domain when known: if every exempt entry is a registrable domain, one
   * look-up of it decides.
   */
  isExempt(host: string, registrable: string | null = null): boolean {
    if (this.exempt.size === 0) return false;
    if (!this.exemptDeep && registrable !== null) return this.exempt.has(registrable);
    for (let d = host; ; ) {
      if (this.exempt.has(d)) return true;
      const i = d.indexOf('.');
      if (i < 0) return false;
      d = d.slice(i + 1);
    }
  }
}

/** Unicode form of one A-label (the label itself when it does not decode). */
function toUnicodeLabel(label: string): string {
  if (!label.startsWith('xn--')) return label;
  try {
    return domainToUnicode(label) || label;
  } catch {
    return label;
  }
}

/**
 * Keyword patterns for the engine's automaton, plus the keywords it cannot hold (characters
 * outside its alphabet).
 */
export class KeywordIndex {
  /** Distinct keyword skeletons; pattern id = index. */
  readonly patterns: string[] = [];
  /** Pattern id -> keyword entries (several brands may share one keyword). */
  readonly byPattern: KeywordEntry[][] = [];
  /** Keywords whose skeleton is outside the automaton alphabet: checked with includes(). */
  readonly slow: KeywordEntry[] = [];

  constructor(entries: readonly KeywordEntry[]) {
    const ids = new Map<string, number>();
    const patterns = this.patterns;
    for (const e of entries) {
      if (!inAlphabet(e.skel)) {
        this.slow.push(e);
        continue;
      }
      let id = ids.get(e.skel);
      if (id === undefined) {
        id = patterns.length;
        ids.set(e.skel, id);
        patterns.push(e.skel);
        this.byPattern.push([]);
      }
      this.byPattern[id].push(e);
    }
  }
}
