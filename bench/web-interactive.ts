/**
 * Issue 15: "with 1,000,000 hits in the store ... the page is interactive in under 1 s".
 * Seeds a fresh SQLite store with N hits (default 1,000,000; `--hits N`), starts the real daemon
 * on it (`ctwatch run`, nothing to replay), and measures in Debian's Chromium, for each view, the
 * time from navigation start until the view's data is on screen and the page answers input
 * (table rows or chart bars present, then one task round-trip). Prints the figures; not a test.
 * Usage: npm run build && node dist/bench/web-interactive.js [--hits 1000000] [--keep DIR]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openStore } from '../src/store/index.js';
import type { CandidateRecord } from '../src/store/types.js';
import type { Severity } from '../src/match/types.js';
import { syntheticHit } from './lib/synthetic-hit.js';
import { freePort } from '../test/helpers/ports.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('--hits') ?? 1_000_000);
const TOKEN = 'bench-token-0123456789abcdef';
const BRANDS = ['PayPal', 'Avito', 'Sberbank', 'BlaBlaCar', 'Contoso', 'Fabrikam', 'Northwind', 'Tailspin'];
const SEVS: Severity[] = ['low', 'medium', 'high', 'critical'];
const TECHS = ['keyword', 'combosquat', 'subdomain-embedding', 'typosquat:omission', 'homoglyph'];

function record(i: number, now: number): CandidateRecord {
  const brand = BRANDS[i % BRANDS.length];
  const name = `${brand.toLowerCase()}-login-${i}.example-${i % 97}.top`;
  const seenAt = now - Math.floor((i / N) * 90 * 86_400_000);
  return syntheticHit(i, {
    name,
    brand,
    seenAt,
    precert: i % 2 === 0,
    technique: TECHS[i % TECHS.length]!,
    severity: SEVS[(i >> 3) % 4]!,
    score: 30 + ((i * 7) % 70),
    reason: `${name}: keyword '${brand.toLowerCase()}' combined with phishing term 'login'`,
    registrable: `example-${i % 97}.top`,
  });
}

const dir = arg('--keep') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ctwatch-webbench-'));
fs.mkdirSync(dir, { recursive: true });
const db = path.join(dir, 'ctwatch.db');
if (!fs.existsSync(db)) {
  const t0 = Date.now();
  const store = openStore(db, { realertAfterMs: 30 * 86_400_000 });
  const now = Date.now();
  for (let i = 0; i < N; i += 5_000) {
    const batch: CandidateRecord[] = [];
    for (let j = i; j < Math.min(N, i + 5_000); j++) batch.push(record(j, now));
    store.hits.recordBatch(batch, () => []);
  }
  store.close();
  console.log(`seeded ${N.toLocaleString('en-US')} hits in ${((Date.now() - t0) / 1000).toFixed(1)} s (${db})`);
}
fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
const port = await freePort();
const config = path.join(dir, 'ctwatch.yaml');
fs.writeFileSync(
  config,
  JSON.stringify({
    feed: { replay: path.join(dir, 'empty.jsonl'), replay_then_idle: true },
    store: { path: db },
    http: { listen: `127.0.0.1:${port}`, token: TOKEN },
    log: { level: 'warn' },
    brands: BRANDS.map((b) => ({ name: b, domains: [`${b.toLowerCase()}.com`], keywords: [b.toLowerCase()] })),
    notifiers: [],
    routes: [],
  }),
);
const daemon = spawn(process.execPath, [path.join(ROOT, 'bin/ctwatch.js'), 'run', '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/livez`)).ok) break;
  } catch {
    /* starting */
  }
  if (i > 600) throw new Error('daemon did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await chromium.launch({
  executablePath: process.env.CTWATCH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync'],
});
const VIEWS: [string, string, string][] = [
  ['overview', '/#/', 'svg.chart rect.bar'],
  ['hits (first page)', '/#/hits', 'table.hits tbody tr'],
  ['hits filtered (brand + severity high)', '/#/hits?brand=Avito&severity=high', 'table.hits tbody tr'],
  ['hits text search', '/#/hits?q=paypal-login-4242', 'table.hits tbody tr'],
  ['hit detail', '/#/hits/4242', 'ul.reasons li'],
];
try {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${base}/?token=${TOKEN}`);
  await page.waitForSelector('main h1');
  console.log(`\n${N.toLocaleString('en-US')} hits; ms from navigation start (median of 5 loads, min-max):`);
  console.log(`  ${'view'.padEnd(40)} ${'interactive'.padStart(18)} ${'data on screen'.padStart(20)}`);
  const median = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return `${xs[2].toFixed(0)} (${xs[0].toFixed(0)}-${xs[4].toFixed(0)})`;
  };
  for (const [label, view, selector] of VIEWS) {
    const shell: number[] = [];
    const data: number[] = [];
    for (let r = 0; r < 5; r++) {
      await page.goto('about:blank');
      await page.goto(base + view, { waitUntil: 'commit' });
      // Interactive: the app has rendered its shell (navigation, headings, filters) and the main
      // thread is free (one macrotask later), so it answers input.
      await page.waitForSelector('main h1', { timeout: 30_000 });
      shell.push(await page.evaluate(() => new Promise<number>((res) => setTimeout(() => res(performance.now()), 0))));
      await page.waitForSelector(selector, { timeout: 30_000 });
      data.push(await page.evaluate(() => new Promise<number>((res) => setTimeout(() => res(performance.now()), 0))));
    }
    console.log(`  ${label.padEnd(40)} ${median(shell).padStart(18)} ${median(data).padStart(20)}`);
  }
} finally {
  await browser.close();
  daemon.kill('SIGTERM');
  if (!arg('--keep')) fs.rmSync(dir, { recursive: true, force: true });
}
