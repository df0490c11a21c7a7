/**
 * Config schemas for the rule sections (watch, brands, allow, detection). Owned by the
 * match stage; src/config/schema.ts composes them into the whole config.
 */
import { z } from 'zod';

export const keywordSchema = z.union([
  z.string().min(1),
  z.strictObject({
    word: z.string().min(1),
    /** How the keyword may appear in a label. */
    match: z.enum(['substring', 'label', 'prefix', 'suffix']).default('substring'),
  }),
]);

export const brandSchema = z.strictObject({
  name: z.string().min(1),
  domains: z.array(z.string().min(1)).default([]),
  keywords: z.array(keywordSchema).default([]),
});

export const watchItemSchema = z.strictObject({
  /** certspotter syntax: "example.com" exactly, ".example.com" the domain and every subdomain. */
  domain: z.string().min(1),
  /** Expected issuers (case-insensitive substrings of the issuer DN); empty = any issuer. */
  issuers: z.array(z.string().min(1)).default([]),
});

export const detectionSchema = z.strictObject({}).default({});

export type BrandConfig = z.infer<typeof brandSchema>;
export type WatchItemConfig = z.infer<typeof watchItemSchema>;
export type DetectionConfig = z.infer<typeof detectionSchema>;

/** Everything the matcher is compiled from. */
export interface RulesConfig {
  watch: WatchItemConfig[];
  brands: BrandConfig[];
  allow: string[];
  detection: DetectionConfig;
}
