/**
 * Store write speed (issue 16): candidate records per second through StoreBackend.recordBatch,
 * the PostgreSQL backend beside the SQLite adapter, on the same generated records.
 *
 * Every record here is a candidate (a certificate with at least one match), which is the
 * expensive case: on the real stream only a small share of messages are candidates, so a store
 * that takes N candidate records/s carries a stream of many times N messages/s. Records are
 * shaped like the stream's: about half are the second sighting of an issuance (precertificate,
 * then final certificate; another log), a third have two matching names, some are own-domain.
 *
 * Run alone: `npm run build && node dist/bench/pg-store-bench.js` (PostgreSQL at
 * 127.0.0.1:5432, database `test`, or CTWATCH_BENCH_PG_URL; STORE_BENCH_RECORDS, default 20,000).
 * It works in a schema of its own and drops it afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { StoreBackend } from '../src/store/backend.js';
import { openPgBackend } from '../src/store/pg/index.js';
import { openSqliteBackend } from '../src/store/sqlite-backend.js';
import type { CandidateMatch, CandidateRecord, RouteFn } from '../src/store/types.js';

const DAY = 86_400_000;

export interface StoreBenchRun {
  backend: string;
  batchSize: number;
  instances: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  p50BatchMs: number;
  p99BatchMs: number;
  hits: number;
  sightings: number;
}

export interface StoreBenchResult {
  runs: StoreBenchRun[];
  skipped?: string;
}

/** Deterministic stream-shaped candidate records (see the header). */
export function candidateRecords(n: number, seed = 1): CandidateRecord[] {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const brands = Array.from({ length: 1000 }, (_, i) => `brand${i}`);
  const t0 = Date.UTC(2026, 0, 1);
  const out: CandidateRecord[] = [];
  let issued = 0;
  for (let i = 0; i < n; i++) {
    // About half the records are a second sighting of a recent issuance.
    const again = issued > 0 && rnd() < 0.5;
    const id = again ? Math.max(0, issued - 1 - Math.floor(rnd() * 200)) : issued++;
    let r = id * 2654435761;
    const idr = () => ((r = (Math.imul(r, 1103515245) + 12345) >>> 0), r / 2 ** 32);
    const brand = brands[Math.floor(idr() * brands.length)]!;
    const own = idr() < 0.15;
    const label = `${brand}-${['login', 'secure', 'verify', 'account', 'support'][Math.floor(idr() * 5)]}-${id % 5000}`;
    const names = own ? [`host${id % 3000}.example.com`] : [`${label}.com`, ...(idr() < 0.33 ? [`www.${label}.com`] : [])];
    const matches: CandidateMatch[] = names.map((name) =>
      own
        ? { name, brand: null, watch: '.example.com', technique: 'own-domain', techniques: ['own-domain'], severity: 'low', score: 20, reason: 'watched domain', registrable: 'example.com' }
        : {
            name,
            brand,
            watch: null,
            technique: 'combosquat',
            techniques: ['combosquat', 'keyword'],
            severity: 'high',
            score: 75,
            reason: `"${brand}" with "login"`,
            registrable: `${label}.com`,
          },
    );
    const seenAt = t0 + Math.floor(i / 10) * 1000;
    out.push({
      issuance: {
        issuanceKey: `k${id.toString(16).padStart(12, '0')}`,
        sha256: `${(id * 7919).toString(16).padStart(64, '0')}`,
        serial: id.toString(16),
        issuer: "C=US, O=Let's Encrypt, CN=R11",
        subject: `CN=${names[0]}`,
        notBefore: t0,
        notAfter: t0 + 90 * DAY,
        precert: !again,
        names,
        logUrl: `https://ct.example/log${i % 4}/`,
        logIndex: i,
        source: 'bench',
        seenAt,
      },
      matches,
    });
  }
  return out;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 10) / 10;
}

const route: RouteFn = (h) => (h.severity === 'low' ? ['mail'] : ['hook', 'mail']);

/**
 * Records each lane's records in batches, the lanes at once: one lane per instance (each given the
 * whole stream), or several lanes on one backend (batches in flight together, as the intake
 * allows with an async store).
 */
async function run(label: string, lanes: { backend: StoreBackend; recs: CandidateRecord[] }[], batchSize: number): Promise<StoreBenchRun> {
  const batchMs: number[] = [];
  const start = process.hrtime.bigint();
  await Promise.all(
    lanes.map(async ({ backend, recs }) => {
      for (let i = 0; i < recs.length; i += batchSize) {
        const t = process.hrtime.bigint();
        await backend.hits.recordBatch(recs.slice(i, i + batchSize), route);
        batchMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const c = await lanes[0]!.backend.hits.counts();
  const records = lanes.reduce((n, l) => n + l.recs.length, 0);
  return {
    backend: label,
    batchSize,
    instances: new Set(lanes.map((l) => l.backend)).size,
    records,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSecond: Math.round(records / seconds),
    p50BatchMs: pct(batchMs, 50),
    p99BatchMs: pct(batchMs, 99),
    hits: c.hits,
    sightings: c.sightings,
  };
}

/** `recs` dealt into `n` lanes in order (record i to lane floor(i / chunk) mod n), as an intake would. */
function deal(recs: CandidateRecord[], n: number, chunk: number): CandidateRecord[][] {
  const lanes: CandidateRecord[][] = Array.from({ length: n }, () => []);
  recs.forEach((r, i) => lanes[Math.floor(i / chunk) % n]!.push(r));
  return lanes;
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function runStoreBench(opts: { records?: number; batchSizes?: number[] } = {}): Promise<StoreBenchResult> {
  const n = opts.records ?? Number(process.env.STORE_BENCH_RECORDS ?? 20_000);
  const batchSizes = opts.batchSizes ?? [50, 250];
  const recs = candidateRecords(n);
  const runs: StoreBenchRun[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctwatch-store-bench-'));
  const realertAfterMs = 30 * DAY;
  try {
    for (const size of batchSizes) {
      const b = openSqliteBackend(path.join(dir, `sqlite-${size}.db`), { realertAfterMs });
      runs.push(await run('sqlite', [{ backend: b, recs }], size));
      await b.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.CTWATCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (!(await reachable(url))) return { runs, skipped: 'PostgreSQL unreachable at the bench URL' };
  const schemas: string[] = [];
  try {
    for (const size of batchSizes) {
      const schema = `ctw_bench_${process.pid}_${size}`;
      schemas.push(schema);
      const b = await openPgBackend({ url, schema, realertAfterMs });
      runs.push(await run('postgres', [{ backend: b, recs }], size));
      await b.close();
    }
    // Four batches in flight on one instance (one pooled connection each).
    {
      const size = batchSizes[0]!;
      const schema = `ctw_bench_${process.pid}_lanes`;
      schemas.push(schema);
      const b = await openPgBackend({ url, schema, realertAfterMs });
      runs.push(await run('postgres, 4 batches in flight', deal(recs, 4, size).map((r) => ({ backend: b, recs: r })), size));
      await b.close();
    }
    // Two instances reading the same stream (CertStream on every instance): the database dedups.
    const size = batchSizes[batchSizes.length - 1]!;
    const schema = `ctw_bench_${process.pid}_two`;
    schemas.push(schema);
    const two = [await openPgBackend({ url, schema, realertAfterMs, instanceId: 'a' }), await openPgBackend({ url, schema, realertAfterMs, instanceId: 'b' })];
    runs.push(await run('postgres, 2 instances, same stream', two.map((backend) => ({ backend, recs })), size));
    for (const b of two) await b.close();
  } finally {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await c.end();
  }
  return { runs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runStoreBench();
  console.log(`Store: candidate records/s through recordBatch (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'})`);
  for (const x of r.runs) {
    console.log(
      `  ${x.backend.padEnd(36)} batch ${String(x.batchSize).padStart(4)}  ${String(x.recordsPerSecond).padStart(7)} records/s  ` +
        `(${x.records} in ${x.seconds} s; batch p50 ${x.p50BatchMs} ms, p99 ${x.p99BatchMs} ms; ${x.hits} hits, ${x.sightings} sightings)`,
    );
  }
  if (r.skipped) console.log(`  postgres: skipped (${r.skipped})`);
}
