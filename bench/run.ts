/**
 * `npm run bench`: every benchmark, a table of figures, and bench/results.json.
 * These are measurements, not tests: nothing here passes or fails. Durations can be shortened
 * with BENCH_SECONDS (end-to-end max phase, default 60), BENCH_RATE_SECONDS, BENCH_LITE_SECONDS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCheckBench } from './check-bench.js';
import { runCertBench } from './cert-bench.js';
import { runE2eBench } from './e2e-bench.js';
import { runStoreBench } from './pg-store-bench.js';
import { projectRoot } from './lookalike-data.js';
import { benchDatabase } from './lib/pg-database.js';

type Row = [string, string | number | null | undefined];

function table(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v ?? '-'}`);
}

function get(o: unknown, p: string): any {
  return p.split('.').reduce((x: any, k) => (x == null ? undefined : x[k]), o);
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
  };
  if (!only || only === 'check') {
    console.error('bench: check (matcher) ...');
    results.check = await runCheckBench();
    console.log(JSON.stringify(results.check, null, 1));
  }
  if (!only || only === 'cert') {
    console.error('bench: certificate readers ...');
    results.cert = await runCertBench();
    console.log(JSON.stringify(results.cert, null, 1));
  }
  if (!only || only === 'e2e') {
    console.error('bench: end to end, 1,000 brands ...');
    const e = await runE2eBench({ brandCount: 1000 });
    results.e2e = e;
    table('End to end, 1,000 brands (figures per CPU-second of the daemon process)', [
      ['cores', get(e, 'cores')],
      ['full stream, as fast as read: messages/CPU-s', get(e, 'max.messagesPerCpuSecond')],
      ['  messages/s (wall)', get(e, 'max.messagesPerSecond')],
      ['  CPU seconds per 1,000 messages', get(e, 'max.cpuSecondsPer1000')],
      ['  processed / sent', `${get(e, 'max.processed')} / ${get(e, 'max.sent')} in ${get(e, 'max.wallSeconds')} s`],
      ['  dropped by ctwatch (overload)', get(e, 'max.droppedOverload')],
      ['  RSS MB (now / peak since start)', `${get(e, 'max.rssMb')} / ${get(e, 'max.peakRssMb')}`],
      ['5,000 msg/s: p50 / p99 arrival → hit committed (ms, bucket bound)', `${get(e, 'rate.commitP50Ms')} / ${get(e, 'rate.commitP99Ms')}`],
      ['  CPU time stolen by the hypervisor during that phase', get(e, 'rate.machineStealShare')],
      ['  p50 / p99 send → webhook delivered (ms)', `${get(e, 'rate.webhookP50Ms')} / ${get(e, 'rate.webhookP99Ms')} (${get(e, 'rate.webhookDeliveries')} deliveries)`],
      ['lite stream, as fast as read: messages/CPU-s', get(e, 'lite.messagesPerCpuSecond')],
    ]);
    console.error('bench: start-up and memory, 10,000 brands ...');
    const big = await runE2eBench({ brandCount: 10_000, seconds: 0, rateSeconds: 15, liteSeconds: 0 });
    results.brands10k = big;
    table('10,000 brands', [
      ['start-up (spawn → feed connected), ms', get(big, 'startupMs')],
      ['RSS after start, MB', get(big, 'rssAfterStartMb')],
      ['RSS with the stream running (5,000 msg/s), MB', get(big, 'rate.rssMb')],
      ['  peak RSS since start (VmHWM), MB', get(big, 'rate.peakRssMb')],
      ['  p50 / p99 arrival → hit committed (ms, bucket bound)', `${get(big, 'rate.commitP50Ms')} / ${get(big, 'rate.commitP99Ms')}`],
      ['messages/CPU-s at 5,000 msg/s', get(big, 'rate.messagesPerCpuSecond')],
    ]);
  }
  if (!only || only === 'e2e' || only === 'e2e-pg') {
    console.error('bench: end to end on PostgreSQL, 1,000 brands ...');
    const db = await benchDatabase();
    if (!db.url) {
      results.e2ePostgres = { skipped: db.skipped };
      table('End to end on PostgreSQL', [['skipped', db.skipped]]);
    } else {
      try {
        const e = await runE2eBench({ brandCount: 1000, storeUrl: db.url, seconds: Math.min(30, Number(process.env.BENCH_SECONDS ?? 30)), liteSeconds: 0 });
        results.e2ePostgres = e;
        table('End to end on PostgreSQL (store.url; server on the same 2 cores), 1,000 brands', [
          ['full stream, as fast as read: messages/s (wall)', get(e, 'max.messagesPerSecond')],
          ['  messages/CPU-s of the daemon', get(e, 'max.messagesPerCpuSecond')],
          ['  processed / sent', `${get(e, 'max.processed')} / ${get(e, 'max.sent')} in ${get(e, 'max.wallSeconds')} s`],
          ['  dropped by ctwatch (overload)', get(e, 'max.droppedOverload')],
          ['5,000 msg/s: processed / sent', `${get(e, 'rate.processed')} / ${get(e, 'rate.sent')}`],
          ['  p50 / p99 arrival → hit committed (ms, bucket bound)', `${get(e, 'rate.commitP50Ms')} / ${get(e, 'rate.commitP99Ms')}`],
          ['  p50 / p99 send → webhook delivered (ms)', `${get(e, 'rate.webhookP50Ms')} / ${get(e, 'rate.webhookP99Ms')} (${get(e, 'rate.webhookDeliveries')} deliveries)`],
        ]);
      } finally {
        await db.drop();
      }
    }
  }
  if (!only || only === 'store') {
    console.error('bench: store writes, SQLite and PostgreSQL ...');
    const st = await runStoreBench();
    results.store = st;
    table('Store: candidate records/s through recordBatch (every record a candidate)', [
      ...st.runs.map((x): Row => [`${x.backend}, batches of ${x.batchSize}`, `${x.recordsPerSecond} (batch p50 ${x.p50BatchMs} ms, p99 ${x.p99BatchMs} ms)`]),
      ...(st.skipped ? [['postgres', `skipped: ${st.skipped}`] as Row] : []),
    ]);
  }
  const out = path.join(projectRoot, 'bench/results.json');
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}

await main();
