/**
 * Recall and false-positive rate of the detection engine on the labelled look-alike set.
 *
 *   npm run build && node dist/bench/eval-lookalikes.js [DIR] [--verbose]
 *
 * DIR holds brands.yaml, phishing.txt and legitimate.txt (default: ../shared/data/lookalikes,
 * else test/fixtures/match). Every phishing name that raises at least one match counts as
 * detected; every legitimate name that raises one is a false positive. The CT benign names
 * are run with the same brands plus the example PayPal brand.
 *
 * Brand attribution (which phishing names aim at one of the protected brands) is decided by
 * attributeToBrand() below, an analysis independent of the engine's techniques: a name is
 * attributable when, after IDNA decoding, the confusable skeleton and removal of hyphens and
 * dots, one of its labels contains a protected brand label or comes within a small edit
 * distance of it (substring edit distance <= 1 for labels of 6+ characters, <= 2 for 10+).
 */
import { join } from 'node:path';
import { compileMatcher, normalizeName } from '../src/match/index.js';
import { matchKey } from '../src/match/skeleton.js';
import { defaultLookalikeDir, readLines, rulesFromBrandsYaml, EXAMPLE_PAYPAL, benignNamesPath } from './lookalike-data.js';
import { fileURLToPath } from 'node:url';

/**
 * Smallest edit distance between `pat` and any substring of `text` (free start and end).
 * The engine has no such function on purpose (it searches one edit by halves, see
 * src/match/fuzzy-substring.ts); deciding which names a brand is aimed at must not depend on the
 * code being measured anyway.
 */
export function substringDistance(pat: string, text: string): number {
  const m = pat.length;
  let prev = new Array<number>(text.length + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(text.length + 1);
    cur[0] = i;
    for (let j = 1; j <= text.length; j++) {
      const cost = pat[i - 1] === text[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return Math.min(...prev);
}

/** The brand labels of the look-alike set: registrable labels of the brand domains. */
export function brandLabels(rules: ReturnType<typeof rulesFromBrandsYaml>): string[] {
  const out = new Set<string>();
  for (const b of rules.brands) for (const d of b.domains) out.add(normalizeName(d).parts.label);
  return [...out].filter((l) => l !== '');
}

/** The brand label a phishing name aims at, or null (see the file comment). */
export function attributeToBrand(name: string, labels: readonly string[]): string | null {
  const n = normalizeName(name);
  const own = n.parts.subdomain === '' ? n.uLabel : `${n.unicode.slice(0, n.unicode.length - n.parts.publicSuffix.length - 1)}`;
  const text = matchKey(own).replace(/[-.]/g, '');
  for (const b of labels) {
    const key = matchKey(b);
    if (text.includes(key)) return b;
    if (b.length >= 6 && substringDistance(key, text) <= (b.length >= 10 ? 2 : 1)) return b;
  }
  return null;
}

export interface EvalResult {
  phishing: number;
  detected: number;
  recall: number;
  attributable: number;
  attributableDetected: number;
  attributableRecall: number;
  otherRecall: number;
  legitimate: number;
  falsePositives: number;
  falsePositiveRate: number;
  benignNames: number;
  benignAlerts: number;
  missedAttributable: string[];
  falsePositiveNames: string[];
  benignAlertLines: string[];
  byTechnique: Record<string, number>;
}

/** Runs the evaluation on DIR. Pure apart from reading files. */
export function evaluate(dir: string): EvalResult {
  const rules = rulesFromBrandsYaml(join(dir, 'brands.yaml'));
  const matcher = compileMatcher(rules);
  const labels = brandLabels(rules);
  const phishing = readLines(join(dir, 'phishing.txt'));
  const legit = readLines(join(dir, 'legitimate.txt'));
  let detected = 0;
  let attributable = 0;
  let attributableDetected = 0;
  const missedAttributable: string[] = [];
  const byTechnique: Record<string, number> = {};
  for (const name of phishing) {
    const hits = matcher.matchName(name);
    const hit = hits.length > 0;
    if (hit) {
      detected++;
      for (const h of hits) byTechnique[h.technique] = (byTechnique[h.technique] ?? 0) + 1;
    }
    if (attributeToBrand(name, labels) !== null) {
      attributable++;
      if (hit) attributableDetected++;
      else missedAttributable.push(name);
    }
  }
  const falsePositiveNames: string[] = [];
  for (const name of legit) {
    const hits = matcher.matchName(name);
    if (hits.length > 0) falsePositiveNames.push(`${name}  <- ${hits.map((h) => `${h.brand} ${h.technique} ${h.score}: ${h.reason}`).join(' | ')}`);
  }
  const benignMatcher = compileMatcher(rulesFromBrandsYaml(join(dir, 'brands.yaml'), [EXAMPLE_PAYPAL]));
  const benign = readLines(benignNamesPath());
  const benignAlertLines: string[] = [];
  for (const name of benign) {
    for (const h of benignMatcher.matchName(name)) benignAlertLines.push(`${h.brand} ${h.technique} ${h.severity} ${h.score}: ${h.reason}`);
  }
  const other = phishing.length - attributable;
  return {
    phishing: phishing.length,
    detected,
    recall: detected / phishing.length,
    attributable,
    attributableDetected,
    attributableRecall: attributableDetected / Math.max(1, attributable),
    otherRecall: other === 0 ? 0 : (detected - attributableDetected) / other,
    legitimate: legit.length,
    falsePositives: falsePositiveNames.length,
    falsePositiveRate: falsePositiveNames.length / Math.max(1, legit.length),
    benignNames: benign.length,
    benignAlerts: benignAlertLines.length,
    missedAttributable,
    falsePositiveNames,
    benignAlertLines,
    byTechnique,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const dir = args.find((a) => !a.startsWith('--')) ?? defaultLookalikeDir();
  const r = evaluate(dir);
  console.log(`look-alike set: ${dir}`);
  console.log(`recall (all phishing):        ${r.detected}/${r.phishing} = ${pct(r.recall)}`);
  console.log(`recall (brand-attributable):  ${r.attributableDetected}/${r.attributable} = ${pct(r.attributableRecall)}`);
  console.log(`recall (not attributable):    ${r.detected - r.attributableDetected}/${r.phishing - r.attributable} = ${pct(r.otherRecall)}`);
  console.log(`false positives (legitimate): ${r.falsePositives}/${r.legitimate} = ${pct(r.falsePositiveRate)}`);
  console.log(`CT benign names: ${r.benignAlerts} alerts on ${r.benignNames} names`);
  console.log(`strongest technique of detected phishing names: ${JSON.stringify(r.byTechnique)}`);
  if (verbose) {
    console.log('\n# false positives');
    for (const l of r.falsePositiveNames) console.log(l);
    console.log('\n# missed brand-attributable');
    for (const l of r.missedAttributable) console.log(l);
    console.log('\n# CT benign alerts');
    for (const l of r.benignAlertLines) console.log(l);
  }
}
