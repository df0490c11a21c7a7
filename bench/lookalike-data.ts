/**
 * Loading of the labelled look-alike set (brands.yaml, phishing.txt, legitimate.txt) and the
 * example brand config, shared by bench/eval-lookalikes.ts and bench/check-bench.ts.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { brandSchema, detectionSchema, type RulesConfig } from '../src/match/config-schema.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Project root from both bench/ (ts) and dist/bench/ (compiled). */
export const projectRoot = existsSync(join(here, '..', 'package.json')) ? join(here, '..') : join(here, '..', '..');

/** The shared look-alike folder if present, else the copy in test/fixtures/match. */
export function defaultLookalikeDir(): string {
  const shared = join(projectRoot, '..', 'shared', 'data', 'lookalikes');
  return existsSync(join(shared, 'phishing.txt')) ? shared : join(projectRoot, 'test', 'fixtures', 'match');
}

/** Non-empty, non-comment lines of a text file. */
export function readLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Rules with the brands of brands.yaml (plus extra brands), defaults elsewhere. */
export function rulesFromBrandsYaml(path: string, extraBrands: unknown[] = []): RulesConfig {
  const doc = parseYaml(readFileSync(path, 'utf8')) as { brands: unknown[] };
  return {
    watch: [],
    brands: [...extraBrands, ...doc.brands].map((b) => brandSchema.parse(b)),
    allow: [],
    detection: detectionSchema.parse(undefined),
  };
}

/** The example PayPal brand of the configuration reference. */
export const EXAMPLE_PAYPAL = { name: 'PayPal', domains: ['paypal.com', 'paypal.me'], keywords: ['paypal'] };

/** Benign CT names: the shared file if present, else the fixture copy. */
export function benignNamesPath(): string {
  const shared = join(projectRoot, '..', 'shared', 'data', 'benign', 'ct_names_navigli2025h2.txt');
  return existsSync(shared) ? shared : join(projectRoot, 'test', 'fixtures', 'match', 'ct_names_navigli2025h2.txt');
}
