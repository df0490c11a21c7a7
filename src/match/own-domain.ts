/**
 * Own-domain watch items in certspotter syntax:
 *   "example.com"   matches the name example.com exactly;
 *   ".example.com"  matches example.com and every name under it.
 * A wildcard certificate name "*.P" matches when it covers a watched name: it is itself
 * under a ".D" item (P is D or under D), or it covers D or an item's domain directly
 * (D is one label under P).
 */
import type { WatchItemConfig } from './config-schema.js';
import { RulesInvalidError } from './errors.js';
import { normalizeConfiguredDomain } from './normalize.js';

/** One own-domain hit: the configured watch string and why it fired. */
export interface OwnDomainHit {
  watch: string;
  reason: string;
}

interface Item {
  configured: string;
  domain: string; // A-label form
  subdomains: boolean;
}

function push(map: Map<string, Item[]>, key: string, item: Item): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function parentOf(d: string): string | null {
  const i = d.indexOf('.');
  return i < 0 ? null : d.slice(i + 1);
}

const NO_HITS: readonly OwnDomainHit[] = Object.freeze([]);

/** Compiled watch list; `match` is pure and never throws. */
export class OwnDomainMatcher {
  private readonly exact = new Map<string, Item[]>();
  private readonly suffix = new Map<string, Item[]>();
  /** Items keyed by their domain's parent, for wildcard names that cover them. */
  private readonly byParent = new Map<string, Item[]>();
  readonly size: number;

  /** Throws RulesInvalidError (code RULES_INVALID) naming the first unusable item. */
  constructor(items: readonly WatchItemConfig[]) {
    items.forEach((w, i) => {
      const configured = w.domain;
      const subdomains = configured.startsWith('.');
      const domain = normalizeConfiguredDomain(subdomains ? configured.slice(1) : configured);
      if (domain === null) throw new RulesInvalidError(`watch[${i}].domain`, `${JSON.stringify(configured)} is not a domain`);
      const item: Item = { configured, domain, subdomains };
      push(subdomains ? this.suffix : this.exact, domain, item);
      const parent = parentOf(domain);
      if (parent !== null) push(this.byParent, parent, item);
    });
    this.size = items.length;
  }

  /**
   * Hits for one normalised host (A-label form, no wildcard prefix) at most once per item.
   * `wildcard` says whether the certificate name was "*.host".
   */
  match(host: string, wildcard: boolean): readonly OwnDomainHit[] {
    if (this.size === 0 || host === '') return NO_HITS;
    const hits: OwnDomainHit[] = [];
    const seen = new Set<Item>();
    const shown = wildcard ? `*.${host}` : host;
    const add = (item: Item, why: string): void => {
      if (seen.has(item)) return;
      seen.add(item);
      hits.push({ watch: item.configured, reason: why });
    };
    if (!wildcard) {
      for (const item of this.exact.get(host) ?? []) add(item, `${shown} is the watched name ${item.configured}`);
    }
    // The name itself or any parent of it under a ".D" item.
    for (let d: string | null = host; d !== null; d = parentOf(d)) {
      for (const item of this.suffix.get(d) ?? []) {
        add(item, d === host && !wildcard ? `${shown} is the watched domain ${item.configured}` : `${shown} is under the watched domain ${item.configured}`);
      }
    }
    if (wildcard) {
      for (const item of this.byParent.get(host) ?? []) add(item, `wildcard ${shown} covers the watched name ${item.configured}`);
    }
    return hits;
  }
}
