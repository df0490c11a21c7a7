/**
 * `check` throughput of the detection engine: names per second at 10, 1,000 and 10,000
 * protected brands, on a realistic mix of names (real CT names, real phishing names and
 * legitimate look-alikes), plus compile time and memory after compiling.
 *
 * runCheckBench() returns the figures and prints nothing (the top-level runner prints
 * them); run alone (`node dist/bench/check-bench.js`) it prints them as JSON.
 * Names per second are measured on CPU time of this process (process.cpuUsage), so other
 * load on the machine distorts them less; wall-clock figures are reported too. The mix is
 * about 30 % look-alikes (each hit costs more: reasons are built); `ct_only` is the real
 * CT names alone, closer to the firehose, where hits are rare.
 */
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileMatcher } from '../src/match/index.js';
import { detectionSchema, brandSchema } from '../src/match/config-schema.js';
import type { Matcher } from '../src/match/types.js';
import { syntheticBrands } from './brand-sets.js';
import { stealMeter } from './lib/proc.js';
import { benignNamesPath, defaultLookalikeDir, readLines, rulesFromBrandsYaml, EXAMPLE_PAYPAL } from './lookalike-data.js';

const SIZES = [10, 1_000, 10_000] as const;

function nameMix(): string[] {
  const dir = defaultLookalikeDir();
  const benign = readLines(benignNamesPath());
  const phishing = readLines(join(dir, 'phishing.txt'));
  const legit = readLines(join(dir, 'legitimate.txt'));
  // CT traffic is overwhelmingly benign: weight the benign names 4:1 against look-alikes.
  return [...benign, ...benign, ...benign, ...benign, ...phishing, ...legit];
}

const ROUNDS = 5;

/**
 * Names per CPU-second over ROUNDS rounds of whole passes after a warm-up: the median round is
 * the figure, the best round is reported beside it (on a shared virtual machine, other guests
 * slow some rounds down; CPU time does not exclude that, a median and a best show how much).
 */
function measure(
  matcher: Matcher,
  names: readonly string[],
  minCpuMs: number,
): { namesPerCpuSecond: number; namesPerCpuSecondBest: number; namesPerSecond: number; matchesPer1000: number; usPerName: number } {
  // Warm-up until the JIT has settled (whole passes, at least 0.5 s of CPU): the figure is the
  // steady state of a running daemon or a long `check`, not the first seconds of compilation.
  const warm0 = process.cpuUsage();
  do for (const n of names) matcher.matchName(n);
  while (process.cpuUsage(warm0).user + process.cpuUsage(warm0).system < 500_000);
  let count = 0;
  let matches = 0;
  let totalCpuMs = 0;
  const rates: number[] = [];
  const wall0 = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round++) {
    const cpu0 = process.cpuUsage();
    let roundCount = 0;
    let cpuMs = 0;
    while (cpuMs < minCpuMs / ROUNDS) {
      for (const n of names) matches += matcher.matchName(n).length;
      roundCount += names.length;
      const c = process.cpuUsage(cpu0);
      cpuMs = (c.user + c.system) / 1000;
    }
    count += roundCount;
    totalCpuMs += cpuMs;
    rates.push(roundCount / (cpuMs / 1000));
  }
  const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  rates.sort((x, y) => x - y);
  return {
    namesPerCpuSecond: Math.round(rates[Math.floor(ROUNDS / 2)]!),
    namesPerCpuSecondBest: Math.round(rates[ROUNDS - 1]!),
    namesPerSecond: Math.round(count / (wallMs / 1000)),
    matchesPer1000: Math.round((matches / count) * 1000 * 10) / 10,
    usPerName: Math.round(((totalCpuMs * 1000) / count) * 1000) / 1000,
  };
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/**
 * Compile time and memory of a fresh process holding 10,000 brands (nothing else loaded),
 * measured in a child process so that earlier rounds do not inflate its RSS.
 */
function freshProcess10k(): Record<string, number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const script = `
    const t0 = process.hrtime.bigint();
    const { compileMatcher } = await import(${JSON.stringify(new URL('../src/match/index.js', import.meta.url).href)});
    const { detectionSchema } = await import(${JSON.stringify(new URL('../src/match/config-schema.js', import.meta.url).href)});
    const { syntheticBrands } = await import(${JSON.stringify(new URL('./brand-sets.js', import.meta.url).href)});
    const brands = syntheticBrands(10000);
    const t1 = process.hrtime.bigint();
    const m = compileMatcher({ watch: [], brands, allow: [], detection: detectionSchema.parse(undefined) });
    const t2 = process.hrtime.bigint();
    m.matchName('paypal-login.com');
    globalThis.gc?.();
    const mem = process.memoryUsage();
    console.log(JSON.stringify({ load: Number(t1 - t0) / 1e6, compile: Number(t2 - t1) / 1e6, rss: mem.rss, heap: mem.heapUsed }));`;
  try {
    const outText = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: here, encoding: 'utf8' });
    const r = JSON.parse(outText.trim().split('\n').pop() ?? '{}') as { load: number; compile: number; rss: number; heap: number };
    return {
      fresh_10000_compile_ms: Math.round(r.compile),
      fresh_10000_startup_ms: Math.round(r.load + r.compile),
      fresh_10000_rss_mb: mb(r.rss),
      fresh_10000_heap_mb: mb(r.heap),
    };
  } catch {
    return {};
  }
}

/** Runs the benchmark; returns a flat record of figures. Prints nothing. */
export async function runCheckBench(options: { minCpuMs?: number } = {}): Promise<Record<string, unknown>> {
  const minCpuMs = options.minCpuMs ?? 2_500;
  const names = nameMix();
  const ctNames = readLines(benignNamesPath());
  const real = rulesFromBrandsYaml(join(defaultLookalikeDir(), 'brands.yaml'), [EXAMPLE_PAYPAL]).brands;
  const gc = (globalThis as { gc?: () => void }).gc;
  const out: Record<string, unknown> = { names_in_mix: names.length };
  const steal = stealMeter();
  const perName: Record<number, number> = {};
  for (const size of SIZES) {
    const brands = [...real, ...syntheticBrands(size - real.length).map((b) => brandSchema.parse(b))].slice(0, size);
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const matcher = compileMatcher({ watch: [], brands, allow: [], detection: detectionSchema.parse(undefined) });
    const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
    gc?.();
    const mem = process.memoryUsage();
    const r = measure(matcher, names, minCpuMs);
    const ct = measure(matcher, ctNames, minCpuMs / 2);
    out[`brands_${size}_ct_only_names_per_cpu_s`] = ct.namesPerCpuSecond;
    out[`brands_${size}_ct_only_names_per_cpu_s_best`] = ct.namesPerCpuSecondBest;
    perName[size] = r.usPerName;
    out[`brands_${size}_names_per_cpu_s`] = r.namesPerCpuSecond;
    out[`brands_${size}_names_per_cpu_s_best`] = r.namesPerCpuSecondBest;
    out[`brands_${size}_names_per_s_wall`] = r.namesPerSecond;
    out[`brands_${size}_us_per_name`] = r.usPerName;
    out[`brands_${size}_matches_per_1000_names`] = r.matchesPer1000;
    out[`brands_${size}_compile_ms`] = Math.round(compileMs);
    out[`brands_${size}_heap_delta_mb`] = mb(mem.heapUsed - heapBefore);
    out[`brands_${size}_rss_mb`] = mb(mem.rss);
  }
  // CPU time the hypervisor gave to other machines meanwhile: per-CPU-second figures drop with it.
  out.machine_steal_share = steal();
  out.cost_ratio_10000_vs_10 = Math.round((perName[10_000] / perName[10]) * 100) / 100;
  Object.assign(out, freshProcess10k());
  out.gc_exposed = gc !== undefined;
  return out;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCheckBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
