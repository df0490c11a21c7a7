/**
 * Config schemas for the rule sections (watch, brands, allow, detection). Owned by the
 * match stage; src/config/schema.ts composes them into the whole config.
 * Every option has a default, so `{ name: PayPal, domains: [paypal.com], keywords: [paypal] }`
 * is a complete brand; objects are strict so unknown keys fail.
 */
import { z } from 'zod';

export const keywordSchema = z.union([
  z.string().min(1),
  z.strictObject({
    word: z.string().min(1),
    /**
     * How the keyword may appear in a label: anywhere (`substring`), as a whole label or a
     * whole hyphen-separated token of one (`label`), at the start (`prefix`) or end (`suffix`)
     * of a label or token. Absent: `substring` for distinctive keywords, `label` for generic
     * ones (short, ordinary words, common morphemes; see docs/detection.md "Specificity").
     */
    match: z.enum(['substring', 'label', 'prefix', 'suffix']).optional(),
    /**
     * A match on a generic keyword alerts only with corroboration (a phishing term in the same
     * label, a suspicious TLD or hosting platform, a look-alike spelling, another technique).
     * false: alert on the keyword alone. Absent: true for generic keywords, false otherwise.
     */
    corroborate: z.boolean().optional(),
  }),
]);

export const brandSchema = z.strictObject({
  name: z.string().min(1),
  domains: z.array(z.string().min(1)).default([]),
  keywords: z.array(keywordSchema).default([]),
  /** Use the labels of `domains` as keywords too (default: detection.label_keywords.enabled). */
  label_keywords: z.boolean().optional(),
  /** Look for typosquats, homographs and TLD swaps of `domains` (absent = true). */
  typosquats: z.boolean().optional(),
  /** SHA-256 (hex) of the brand's favicon files: enrichment raises a live look-alike serving one. */
  favicons: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 in hex (64 hex digits)')).max(100).optional(),
});

export const watchItemSchema = z.strictObject({
  /** certspotter syntax: "example.com" exactly, ".example.com" the domain and every subdomain. */
  domain: z.string().min(1),
  /** Expected issuers (case-insensitive substrings of the issuer DN); empty = any issuer. */
  issuers: z.array(z.string().min(1)).default([]),
});

const labelKeywordsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Distinctive domain labels at least this long match as substrings ("paypal" in "mypaypalhelp"). */
    substring_min_length: z.number().int().min(1).default(6),
    /** Shorter labels match only as whole labels or hyphen tokens ("chase-login", not "purchase"). */
    token_min_length: z.number().int().min(1).default(3),
  })
  .default({ enabled: true, substring_min_length: 6, token_min_length: 3 });

const editDistanceSchema = z
  .strictObject({
    /** Registrable labels at least this long are checked at edit distance 1. */
    distance1_min_length: z.number().int().min(1).default(5),
    /** Registrable labels at least this long are checked at edit distance 2. */
    distance2_min_length: z.number().int().min(1).default(9),
    /**
     * One edit that no dnstwist fuzzer names (e.g. an arbitrary letter inserted) counts only
     * for labels at least this long; shorter ones need a named typing or visual error.
     */
    any_edit1_min_length: z.number().int().min(1).default(7),
    /** Two arbitrary edits count for labels at least this long; shorter need two named errors. */
    any_edit2_min_length: z.number().int().min(1).default(12),
    /**
     * Brand labels this short (or shorter) get only exact-label techniques: homograph, look-alike
     * characters, and the full brand domain embedded in another name (`x.com.evil.top`); no TLD
     * swap, no bare-label embedding (`x.example.net`). 0 = every technique for every label.
     */
    short_label_max_length: z.number().int().min(0).default(3),
  })
  .default({ distance1_min_length: 5, distance2_min_length: 9, any_edit1_min_length: 7, any_edit2_min_length: 12, short_label_max_length: 3 });

export const detectionSchema = z
  .strictObject({
    label_keywords: labelKeywordsSchema,
    edit_distance: editDistanceSchema,
    /** Replaces the shipped phishing-term list used by `combosquat` (null = shipped list). */
    phishing_terms: z.array(z.string().min(1)).nullable().default(null),
    /** Added to the phishing-term list in use. */
    extra_phishing_terms: z.array(z.string().min(1)).default([]),
    /** Replaces the shipped suspicious-TLD list (null = shipped list). */
    suspicious_tlds: z.array(z.string().min(1)).nullable().default(null),
    /** Replaces the shipped free-hosting-platform suffix list (null = shipped list). */
    hosting_platforms: z.array(z.string().min(1)).nullable().default(null),
    /**
     * Replaces the shipped list of CDN, DNS and analytics provider domains (null = shipped list):
     * a brand name under one of them (`walmart.com.akadns.net`) is the brand's own traffic routed
     * through its provider, not impersonation, and is not a hit (`check --explain` says so).
     */
    infrastructure: z.array(z.string().min(1)).nullable().default(null),
    /** Added to the infrastructure list in use. */
    extra_infrastructure: z.array(z.string().min(1)).default([]),
    /** Matches scoring below this are dropped (0 = keep every match). */
    min_score: z.number().int().min(0).max(100).default(0),
  })
  .default({
    label_keywords: { enabled: true, substring_min_length: 6, token_min_length: 3 },
    edit_distance: { distance1_min_length: 5, distance2_min_length: 9, any_edit1_min_length: 7, any_edit2_min_length: 12, short_label_max_length: 3 },
    phishing_terms: null,
    extra_phishing_terms: [],
    suspicious_tlds: null,
    hosting_platforms: null,
    infrastructure: null,
    extra_infrastructure: [],
    min_score: 0,
  });

export type BrandConfig = z.infer<typeof brandSchema>;
export type WatchItemConfig = z.infer<typeof watchItemSchema>;
export type DetectionConfig = z.infer<typeof detectionSchema>;

/** The detection section as written (every field optional); compileMatcher applies defaults. */
export type DetectionConfigInput = z.input<typeof detectionSchema>;

/** Everything the matcher is compiled from. */
export interface RulesConfig {
  watch: WatchItemConfig[];
  brands: BrandConfig[];
  allow: string[];
  /** Parsed or not: compileMatcher parses it again (idempotent) to apply defaults. */
  detection?: DetectionConfigInput | DetectionConfig;
}
