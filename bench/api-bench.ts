/**
 * Dashboard API benchmark (issue 15, point 5): a temporary SQLite store filled with 1,000,000
 * hits (BENCH_API_HITS to change), the daemon started on it, and the filtered first page of
 * GET /api/v1/hits timed through real HTTP on 127.0.0.1, for several filters. Target: < 200 ms.
 * Prints figures; it is a measurement, not a test.
 *
 *   npm run build && node dist/bench/api-bench.js
 *
 * BENCH_API_DB=FILE keeps the filled database in FILE and reuses it on the next run (no refill).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/store/index.js';
import type { CandidateRecord } from '../src/store/types.js';
import type { Severity } from '../src/match/types.js';
import { buildConfig } from '../src/config/load.js';
import { silentLogger } from '../src/log/logger.js';
import { startApp } from '../src/app.js';
import { prng } from './lib/prng.js';
import { syntheticHit } from './lib/synthetic-hit.js';

const BRANDS = ['PayPal', 'Chase', 'Amazon', 'Apple', 'Microsoft', 'Netflix', 'Google', 'Facebook', 'Instagram', 'WellsFargo', 'BankOfAmerica', 'Coinbase', 'Binance', 'DHL', 'FedEx', 'USPS', 'Adobe', 'Dropbox', 'DocuSign', 'Ledger'];
const WORDS = ['login', 'secure', 'verify', 'account', 'support', 'update', 'billing', 'help', 'signin', 'auth', 'wallet', 'pay', 'service', 'online', 'portal', 'id', 'my', 'web', 'app', 'center'];
const TLDS = ['com', 'net', 'org', 'xyz', 'top', 'info', 'online', 'site', 'shop', 'app'];
const TECHNIQUES = ['keyword', 'combosquat', 'typosquat:omission', 'typosquat:replacement', 'homograph', 'tld-swap'];
const DAY = 86_400_000;
const RARE_TOKEN = 'zq7xw';

/** Severity by weight: low 40 %, medium 35 %, high 20 %, critical 5 %. */
function severityOf(x: number): Severity {
  return x < 0.4 ? 'low' : x < 0.75 ? 'medium' : x < 0.95 ? 'high' : 'critical';
}

function fill(file: string, count: number, now: number): { seconds: number; rareToken: string } {
  const store = openStore(file, { realertAfterMs: 0, now: () => now });
  const rnd = prng(15);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  // Brands by a Zipf-like weight: the first is the most common.
  const brand = () => BRANDS[Math.min(BRANDS.length - 1, Math.floor(BRANDS.length * rnd() ** 2))]!;
  const rareToken = RARE_TOKEN;
  const t0 = performance.now();
  const batch = 10_000;
  for (let done = 0; done < count; done += batch) {
    const records: CandidateRecord[] = [];
    for (let i = done; i < Math.min(count, done + batch); i++) {
      const b = brand();
      // One in 20,000 names carries a rare token (a search that must reach back through the index).
      const word = i % 20_000 === 7 ? rareToken : pick(WORDS);
      const name = `${b.toLowerCase()}-${word}-${i.toString(36)}.${pick(TLDS)}`;
      const seenAt = now - Math.floor(((count - i) / count) * 365 * DAY);
      const sev = severityOf(rnd());
      const tech = pick(TECHNIQUES);
      records.push(
        syntheticHit(i, {
          name,
          brand: b,
          seenAt,
          precert: true,
          technique: tech,
          severity: sev,
          score: { low: 30, medium: 55, high: 75, critical: 92 }[sev] + Math.floor(rnd() * 5),
          reason: `${name}: contains the keyword "${b.toLowerCase()}"`,
          registrable: name,
        }),
      );
    }
    store.hits.recordBatch(records, () => []);
  }
  // Triage some: 7 % acknowledged, 3 % false positive (one UPDATE; triage history is not needed here).
  store.db.exec(`UPDATE hits SET status = CASE WHEN id % 100 < 7 THEN 'acknowledged' ELSE 'false_positive' END WHERE id % 100 < 10`);
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  return { seconds, rareToken };
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_API_HITS ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctwatch-api-bench-'));
  const keep = process.env.BENCH_API_DB;
  const file = keep ?? path.join(dir, 'bench.db');
  const now = Date.now();
  const token = 'bench-token-0123456789abcdef';
  try {
    let filled = { seconds: 0, rareToken: RARE_TOKEN };
    if (keep && fs.existsSync(keep)) {
      console.log(`reusing ${keep}`);
    } else {
      console.error(`api-bench: filling ${count.toLocaleString('en')} hits ...`);
      filled = fill(file, count, now);
      const size = fs.statSync(file).size;
      console.log(`filled ${count.toLocaleString('en')} hits in ${filled.seconds.toFixed(1)} s (${Math.round(count / filled.seconds).toLocaleString('en')}/s), database ${(size / 1e6).toFixed(0)} MB`);
    }

    fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
    const loaded = buildConfig({ feed: { replay: path.join(dir, 'empty.jsonl') }, store: { path: file }, http: { listen: '127.0.0.1:0', token } }, {});
    const app = await startApp(loaded, { log: silentLogger() });
    const base = `http://127.0.0.1:${app.http.address.port}`;
    const queries: [string, string][] = [
      ['no filter', ''],
      ['brand', 'brand=Chase'],
      ['brand+severity', 'brand=Chase&severity=high'],
      ['rare brand+critical', 'brand=Ledger&severity=critical'],
      ['status', 'status=false_positive'],
      ['severity critical', 'severity=critical'],
      ['technique+since 7d', 'technique=homograph&since=7d'],
      ['q common (paypal)', 'q=paypal'],
      ['q medium (wallet-1)', 'q=wallet-1'],
      ['q rare token', `q=${filled.rareToken}`],
      ['q no match', 'q=nomatchxyz'],
      ['q 3 chars', 'q=zzz'],
      ['q old only (wallet-1a)', 'q=wallet-1a'],
      ['q common, other brand', 'q=paypal&brand=Chase'],
      ['q + brand + severity', 'q=login&brand=Apple&severity=high'],
      ['sort score', 'sort=score'],
      ['sort severity asc', 'sort=severity&order=asc'],
    ];
    const timeOne = async (qs: string) => {
      const t0 = performance.now();
      const r = await fetch(`${base}/api/v1/hits?limit=50&${qs}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await r.json()) as { hits: unknown[]; next: string | null };
      return { ms: performance.now() - t0, n: body.hits.length, next: body.next, status: r.status };
    };
    console.log(`\nGET /api/v1/hits?limit=50 first page through HTTP (${count.toLocaleString('en')} hits), ms: first call, then median and max of 5`);
    console.log(`  ${'filter'.padEnd(24)} ${'first'.padStart(7)} ${'median'.padStart(7)} ${'max'.padStart(7)}  rows`);
    const rows: Record<string, unknown>[] = [];
    for (const [label, qs] of queries) {
      const first = await timeOne(qs);
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) runs.push((await timeOne(qs)).ms);
      runs.sort((a, b) => a - b);
      const median = runs[2]!;
      const max = runs[4]!;
      rows.push({ label, qs, first_ms: +first.ms.toFixed(1), median_ms: +median.toFixed(1), max_ms: +max.toFixed(1), rows: first.n });
      console.log(`  ${label.padEnd(24)} ${first.ms.toFixed(1).padStart(7)} ${median.toFixed(1).padStart(7)} ${max.toFixed(1).padStart(7)}  ${first.n}${first.status !== 200 ? ` (HTTP ${first.status})` : ''}`);
      // A deep page costs what the first costs (keyset): follow the cursor 20 pages for one query.
    }
    let cursor: string | null = null;
    const pageMs: number[] = [];
    for (let p = 0; p < 20; p++) {
      const t0 = performance.now();
      const r = await fetch(`${base}/api/v1/hits?limit=50&brand=Chase${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await r.json()) as { next: string | null };
      pageMs.push(performance.now() - t0);
      cursor = body.next;
      if (!cursor) break;
    }
    console.log(`\n  brand=Chase, 20 pages following the cursor: max ${Math.max(...pageMs).toFixed(1)} ms per page`);
    // The other views' requests (the overview loads several at once).
    console.log(`\nother endpoints (${count.toLocaleString('en')} hits), ms: first call, then median of 5`);
    for (const p of ['/api/v1/stats/daily?days=30', '/api/v1/rules', '/api/v1/feeds', '/api/v1/inventory', '/api/v1/hits/1']) {
      const once = async () => {
        const t0 = performance.now();
        const r = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } });
        await r.text();
        return performance.now() - t0;
      };
      const first = await once();
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) runs.push(await once());
      runs.sort((a, b) => a - b);
      console.log(`  ${p.padEnd(30)} ${first.toFixed(1).padStart(7)} ${runs[2]!.toFixed(1).padStart(7)}`);
    }
    const worst = Math.max(...rows.map((r) => r.max_ms as number));
    console.log(`\nworst first-page time ${worst.toFixed(1)} ms (target < 200 ms)`);
    await app.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
