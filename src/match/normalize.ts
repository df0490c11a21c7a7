/**
 * The one place where certificate names are normalised. Names are attacker-controlled:
 * every function here is pure and total (never throws, whatever the input).
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { splitDomain, type DomainParts } from './psl.js';
import { foldHostChars, matchKey } from './skeleton.js';
import { scriptsOf } from './scripts.js';

/** A certificate name, normalised for matching. */
export interface NormalizedName {
  /** Lower case, trailing dot removed: the form reported in Match.name. */
  name: string;
  /** True when the name was a wildcard ("*.example.com"). */
  wildcard: boolean;
  /** `name` without the leading "*." (for names over 253 characters: their last whole labels within 253). */
  host: string;
  /** IDNA (UTS #46) A-label form; equals `host` for plain ASCII names; "" when IDNA rejects it. */
  ascii: string;
  /** U-label form (punycode decoded); equals `host` when IDNA rejects it. */
  unicode: string;
  /** False when UTS #46 rejects the name (invalid punycode, forbidden code points, ...). */
  idnaValid: boolean;
  /** True when the Unicode form has a non-ASCII code point (an IDN). */
  isIdn: boolean;
  /** Public Suffix List split (private suffixes are boundaries), of the A-label form. */
  parts: DomainParts;
  /** Unicode form of the registrable label ("pаypal" for xn--pypal-4ve.com), or "". */
  uLabel: string;
  /** Match key of the Unicode host: lower-cased UTS #39 skeleton, diacritics removed (see matchKey). */
  skeleton: string;
  /** Match key of the registrable label (`uLabel`). */
  labelSkeleton: string;
  /** Scripts used by the registrable label (Common excluded). */
  labelScripts: string[];
  /** True when the registrable label mixes scripts (e.g. Latin + Cyrillic). */
  mixedScript: boolean;
}

const LATIN: readonly string[] = Object.freeze(['Latin']);
const NONE: readonly string[] = Object.freeze([]);

/** Longest host name DNS allows. */
const MAX_HOST = 253;
const NEEDS_LOWER = /[A-Z\u0080-\uffff]/;
const NON_ASCII = /[^\x00-\x7f]/;

/** The last-but-`skip` label of `s` (labels separated by '.'), or "" when absent. */
function labelFromEnd(s: string, skip: number): string {
  let end = s.length;
  for (let k = 0; k < skip; k++) {
    end = s.lastIndexOf('.', end - 1);
    if (end < 0) return '';
  }
  const start = s.lastIndexOf('.', end - 1) + 1;
  return s.slice(start, end);
}

/** Normalises a raw certificate name; see NormalizedName. Pure; never throws. */
export function normalizeName(raw: string): NormalizedName {
  let name = typeof raw === 'string' ? raw : String(raw);
  if (name.length > 1024) name = name.slice(0, 1024); // longer than any DNS name; bound the work
  // Most names arrive lower case already: a regex scan is cheaper than always lower-casing.
  if (NEEDS_LOWER.test(name)) name = name.toLowerCase();
  while (name.endsWith('.')) name = name.slice(0, -1);
  const wildcard = name.startsWith('*.');
  let host = wildcard ? name.slice(2) : name;
  if (host.length > MAX_HOST) {
    // Longer than DNS allows (253): it cannot resolve, so only its last whole labels matter;
    // this also bounds the work a crafted name can cause.
    const cut = host.indexOf('.', host.length - MAX_HOST);
    host = cut < 0 ? host.slice(host.length - MAX_HOST) : host.slice(cut + 1);
  }

  let ascii = host;
  let unicode = host;
  let idnaValid = true;
  // Plain: only [a-z0-9._-] and no "xn--" label, so no IDNA work is needed and the match key is
  // just the folding (computed in the same pass that checks the characters).
  const plainKey = host.includes('xn--') ? null : foldHostChars(host);
  const plain = plainKey !== null;
  if (!plain) {
    try {
      ascii = domainToASCII(host);
      idnaValid = ascii !== '';
      unicode = idnaValid ? domainToUnicode(ascii) || host : host;
    } catch {
      ascii = '';
      idnaValid = false;
      unicode = host;
    }
  }
  const isIdn = !plain && NON_ASCII.test(unicode);
  const parts = splitDomain(idnaValid ? ascii : host);
  let uLabel = parts.label;
  if (isIdn && parts.label !== '') {
    const labels = unicode.split('.');
    const suffixLabels = parts.publicSuffix === '' ? 0 : parts.publicSuffix.split('.').length;
    uLabel = labels[labels.length - suffixLabels - 1] ?? parts.label;
  }
  const labelScripts = isIdn ? scriptsOf(uLabel) : uLabel === '' ? NONE : /[a-z]/.test(uLabel) ? LATIN : NONE;
  const skeleton = plainKey ?? matchKey(unicode);
  let labelSkeleton: string;
  if (!isIdn && idnaValid && uLabel !== '') {
    // Plain ASCII: the skeleton keeps the dots, so the label's key is a slice of the host's.
    let suffixLabels = parts.publicSuffix === '' ? 0 : 1;
    for (let i = 0; i < parts.publicSuffix.length; i++) if (parts.publicSuffix.charCodeAt(i) === 0x2e) suffixLabels++;
    labelSkeleton = labelFromEnd(skeleton, suffixLabels);
  } else {
    labelSkeleton = matchKey(uLabel);
  }
  return {
    name,
    wildcard,
    host,
    ascii,
    unicode,
    idnaValid,
    isIdn,
    parts,
    uLabel,
    skeleton,
    labelSkeleton,
    labelScripts: labelScripts as string[],
    mixedScript: labelScripts.length > 1,
  };
}

/**
 * Normalises a configured domain (brand domain, watch item, allow entry) to its A-label
 * form. Returns null when it is not a usable domain name. Pure; never throws.
 */
export function normalizeConfiguredDomain(raw: string): string | null {
  let d = raw.trim().toLowerCase();
  while (d.endsWith('.')) d = d.slice(0, -1);
  if (d === '' || d.startsWith('.') || d.includes('..') || d.includes('*')) return null;
  let ascii: string;
  try {
    ascii = domainToASCII(d);
  } catch {
    return null;
  }
  if (ascii === '' || !/^[a-z0-9_.-]+$/.test(ascii)) return null;
  if (ascii.split('.').some((l) => l === '' || l.length > 63 || l.startsWith('-') || l.endsWith('-'))) return null;
  return ascii;
}
