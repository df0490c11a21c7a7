/** Builds a compiled matcher from plain rule objects, applying the schemas' defaults. */
import { compileMatcher } from '../../src/match/index.js';
import { brandSchema, watchItemSchema, detectionSchema } from '../../src/match/config-schema.js';
import type { Matcher } from '../../src/match/types.js';

export interface PlainRules {
  watch?: unknown[];
  brands?: unknown[];
  allow?: string[];
  detection?: unknown;
}

export function matcherFor(rules: PlainRules): Matcher {
  return compileMatcher({
    watch: (rules.watch ?? []).map((w) => watchItemSchema.parse(w)),
    brands: (rules.brands ?? []).map((b) => brandSchema.parse(b)),
    allow: rules.allow ?? [],
    detection: detectionSchema.parse(rules.detection),
  });
}

export const PAYPAL = { name: 'PayPal', domains: ['paypal.com', 'paypal.me'], keywords: ['paypal'] };
