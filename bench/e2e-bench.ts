/**
 * End to end: a CertStream server on loopback (this process) pushes full-stream messages built
 * from 1,034 real certificates (Navigli 2025h2), plus generated look-alike certificates, to the
 * real daemon (a child process) running with 1,000 brands and a webhook notifier.
 *
 * Phase "max": pushed as fast as the daemon reads them (the socket's own backpressure), for
 *   BENCH_SECONDS (default 60): messages per CPU-second of the daemon, drops, RSS.
 * Phase "rate": 5,000 messages per second for BENCH_RATE_SECONDS (default 20): p50/p99 from
 *   arrival to hit committed (the daemon's histogram) and from the server's send to webhook delivery.
 * Phase "lite": the same certificates without as_der (names only), as fast as read.
 *
 * BENCH_ENRICH=slow: enrichment on with every look-up slow (a DNS server on loopback that never
 * answers, an RDAP server that answers after 5 s, all timeouts 5 s), to show that enrichment never
 * slows ingest (issue 17). Default off.
 *
 * CPU is read from /proc for the daemon alone, so the figures are per CPU-second of ctwatch,
 * not distorted by this process or other load.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { WebSocketServer, type WebSocket } from 'ws';
import { stringify } from 'yaml';
import { syntheticBrands } from './brand-sets.js';
import { projectRoot } from './lookalike-data.js';
import { cpuSeconds, histogramBuckets, metricValue, rssMb, scrape, stealMeter } from './lib/proc.js';
import { CertFactory, fullStreamMessage } from '../test/helpers/cert-factory.js';

interface Template {
  head: string;
  tail: string;
}

const LOG = 'https://bench-log.example/';

/** Splits each message at its cert_index so the bench can stamp a fresh index cheaply. */
function templates(lines: string[]): Template[] {
  return lines.map((l) => {
    const m = JSON.parse(l);
    m.data.cert_index = 987654321;
    m.data.source = { name: 'bench', url: LOG };
    const s = JSON.stringify(m);
    const at = s.indexOf('987654321');
    return { head: s.slice(0, at), tail: s.slice(at + 9) };
  });
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * `storeUrl`: run the daemon on that PostgreSQL database (store.url) instead of a SQLite file;
 * the figures are then the shared store's.
 */
export async function runE2eBench(opts: { seconds?: number; rateSeconds?: number; liteSeconds?: number; brandCount?: number; storeUrl?: string } = {}): Promise<Record<string, unknown>> {
  const brandCount = opts.brandCount ?? 1000;
  const seconds = opts.seconds ?? Number(process.env.BENCH_SECONDS ?? 60);
  const rateSeconds = opts.rateSeconds ?? Number(process.env.BENCH_RATE_SECONDS ?? 20);
  const liteSeconds = opts.liteSeconds ?? Number(process.env.BENCH_LITE_SECONDS ?? 15);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctwatch-bench-'));
  const real = fs.readFileSync(path.join(projectRoot, 'data/demo/navigli2025h2-full-stream.jsonl'), 'utf8').split('\n').filter((l) => l.includes('certificate_update'));

  // Look-alike certificates (1 in 100 messages in the rate phase): fresh issuances, so every one is a new hit.
  const factory = await CertFactory.create();
  // Separate sets: the rate phase needs issuances never seen before, or they would be sightings
  // of hits from the max phase and no alert would go out.
  const makeLookalikes = async (prefix: string, count: number) => {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const names = [`paypal-${prefix}-login-${i}.com`];
      const iss = await factory.issue(names);
      out.push(fullStreamMessage(iss.final, names, { log: LOG, index: 987654321, precert: false }));
    }
    return out;
  };
  const lookalikes = await makeLookalikes('max', 300);
  const fresh = await makeLookalikes('rate', Math.ceil((rateSeconds * 5000) / 100) + 50);
  const realT = templates(real);
  const lookT = templates(lookalikes);
  const freshT = templates(fresh);
  const liteT = templates(
    real.map((l) => {
      const m = JSON.parse(l);
      delete m.data.leaf_cert.as_der;
      return JSON.stringify(m);
    }),
  );

  // Webhook receiver: delivery latency from the server's send time, by cert index.
  const sentAt = new Map<number, number>();
  const deliveryMs: number[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        const idx = JSON.parse(body).cert?.index;
        const t = sentAt.get(idx);
        if (t !== undefined) deliveryMs.push(performance.now() - t);
      } catch {
        // not a hit
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let client: WebSocket | null = null;
  wss.on('connection', (ws) => (client = ws));

  // Enrichment with every look-up slow: a DNS server that never answers, an RDAP server that
  // answers after 5 s (the timeouts), so every job takes the longest it can.
  const enrichMode = process.env.BENCH_ENRICH ?? 'off';
  const silentDns = dgram.createSocket('udp4');
  const slowRdap = http.createServer((_req, res) => {
    const t = setTimeout(() => res.writeHead(200, { 'content-type': 'application/rdap+json' }).end('{}'), 5_000);
    res.on('close', () => clearTimeout(t));
  });
  let enrich: Record<string, unknown> | undefined;
  if (enrichMode === 'slow') {
    await new Promise<void>((r) => silentDns.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => slowRdap.listen(0, '127.0.0.1', () => r()));
    const bootstrap = path.join(dir, 'rdap-dns.json');
    fs.writeFileSync(bootstrap, JSON.stringify({ version: '1.0', services: [[['com'], [`http://127.0.0.1:${(slowRdap.address() as AddressInfo).port}/`]]] }));
    enrich = {
      enabled: true,
      dns_servers: [`127.0.0.1:${(silentDns.address() as AddressInfo).port}`],
      dns_timeout: 5,
      dns_tries: 1,
      rdap_bootstrap_file: bootstrap,
      rdap_timeout: 5,
      rdap_min_interval: 0,
      web_timeout: 5,
    };
  }

  // 999 synthetic brands and PayPal. The look-alikes make 1 message in 100 a candidate (a full
  // @peculiar/x509 parse and a commit), far more than real CT traffic produces for 1,000 brands.
  const brands = [...syntheticBrands(brandCount - 1), { name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }];
  const configFile = path.join(dir, 'bench.yaml');
  fs.writeFileSync(
    configFile,
    stringify({
      feed: { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/full-stream`, stale_after: 600 },
      store: { path: path.join(dir, 'bench.db'), ...(opts.storeUrl ? { url: opts.storeUrl } : {}) },
      http: { listen: '127.0.0.1:0' },
      log: { level: 'warn' },
      ...(process.env.BENCH_PARSE_WORKERS !== undefined ? { performance: { parse_workers: Number(process.env.BENCH_PARSE_WORKERS) } } : {}),
      brands,
      notifiers: [{ id: 'siem', type: 'webhook', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }],
      routes: [{ notifiers: ['siem'] }],
      ...(enrich ? { enrich } : {}),
    }),
  );
  const t0 = performance.now();
  // BENCH_NODE_ARGS: extra node flags for experiments (e.g. "--trace-gc").
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, 'bin/ctwatch.js'), 'run', '--config', configFile], { stdio: ['ignore', 'pipe', 'inherit'], env: {
      ...process.env,
      CTWATCH_LOG_LEVEL: 'info',
      // As the systemd unit, the container image and `npm start` run it (see docs/operations.md).
      MALLOC_ARENA_MAX: '2',
      NODE_OPTIONS: '--max-semi-space-size=4 --max-old-space-size=1024',
      ...(process.env.BENCH_CHILD_ENV ? JSON.parse(process.env.BENCH_CHILD_ENV) : {}),
    },
  });
  let childOut = '';
  child.stdout!.on('data', (d) => {
    childOut += d;
    if (process.env.BENCH_CHILD_LOG) fs.appendFileSync(process.env.BENCH_CHILD_LOG, d); // experiments: keep the daemon's output
  });
  while (!client) await sleep(10);
  const startupMs = Math.round(performance.now() - t0);
  const httpPort = Number(/"http":"127\.0\.0\.1:(\d+)"/.exec(childOut)?.[1]);
  const base = `http://127.0.0.1:${httpPort}`;
  const pid = child.pid!;
  const ws = client as WebSocket;

  let index = 1;
  /** Pushes from `pick` until `untilMs`; `rate` 0 = as fast as the socket takes them. */
  async function push(pick: (i: number) => Template, durationMs: number, rate: number): Promise<number> {
    const end = performance.now() + durationMs;
    let sent = 0;
    const startT = performance.now();
    while (performance.now() < end) {
      if (ws.bufferedAmount > 4 * 1024 * 1024) {
        await sleep(1);
        continue;
      }
      if (rate > 0) {
        const due = Math.floor(((performance.now() - startT) / 1000) * rate);
        if (sent >= due) {
          await sleep(1);
          continue;
        }
      }
      const burst = rate > 0 ? Math.min(64, Math.floor(((performance.now() - startT) / 1000) * rate) - sent) : 256;
      for (let k = 0; k < burst; k++) {
        const t = pick(sent);
        const i = index++;
        sentAt.set(i, performance.now());
        ws.send(t.head + i + t.tail);
        sent++;
      }
      await new Promise((r) => setImmediate(r));
    }
    return sent;
  }

  /** Waits until the daemon has processed what it was sent and delivered what it queued. */
  async function settle(): Promise<void> {
    let last = -1;
    for (let k = 0; k < 600; k++) {
      const m = await scrape(base);
      const pending = metricValue(m, 'ctwatch_outbox', 'status="pending"');
      const depth = metricValue(m, 'ctwatch_queue_depth');
      const seen = metricValue(m, 'ctwatch_messages_total');
      if (pending === 0 && depth === 0 && seen === last) return;
      last = seen;
      await sleep(100);
    }
  }

  async function measure(name: string, pick: (i: number) => Template, durationMs: number, rate: number) {
    await settle();
    const before = await scrape(base);
    const cpu0 = cpuSeconds(pid);
    const steal = stealMeter();
    const w0 = performance.now();
    const sent = await push(pick, durationMs, rate);
    // Let the daemon finish what it has received.
    let after = await scrape(base);
    const target = metricValue(before, 'ctwatch_messages_total') + sent;
    for (let k = 0; k < 200 && metricValue(after, 'ctwatch_messages_total') < target; k++) {
      await sleep(50);
      after = await scrape(base);
    }
    await sleep(200);
    after = await scrape(base);
    const cpu = cpuSeconds(pid) - cpu0;
    const stealShare = steal();
    const wall = (performance.now() - w0) / 1000;
    const delta = (metric: string, labels = '') => metricValue(after, metric, labels) - metricValue(before, metric, labels);
    const processed = delta('ctwatch_certificates_total');
    const received = delta('ctwatch_messages_total');
    const dropped = delta('ctwatch_dropped_total', 'reason="overload"');
    return {
      phase: name,
      sent,
      received,
      processed,
      droppedOverload: dropped,
      // Certificates the fast reader could not read (each then fully parsed on the main thread).
      fastPathFallbacks: delta('ctwatch_fast_names_total', 'result="fallback"'),
      wallSeconds: Math.round(wall * 10) / 10,
      messagesPerSecond: Math.round(processed / wall),
      cpuSeconds: Math.round(cpu * 100) / 100,
      messagesPerCpuSecond: Math.round(processed / cpu),
      cpuSecondsPer1000: Math.round((cpu / processed) * 1000 * 1000) / 1000,
      // Share of the machine's CPU time taken by the hypervisor during the phase (context for tails).
      machineStealShare: stealShare,
      rssMb: rssMb(pid),
      peakRssMb: rssMb(pid, true),
      heapUsedMb: Math.round(metricValue(after, 'ctwatch_nodejs_heap_size_used_bytes') / 2 ** 20),
      heapTotalMb: Math.round(metricValue(after, 'ctwatch_nodejs_heap_size_total_bytes') / 2 ** 20),
      externalMb: Math.round(metricValue(after, 'ctwatch_nodejs_external_memory_bytes') / 2 ** 20),
      metrics: after,
    };
  }

  // Warm-up (JIT, caches), then the phases.
  const mixed = (i: number) => (i % 100 === 50 ? lookT[Math.floor(i / 100) % lookT.length]! : realT[i % realT.length]!);
  const rssAfterStart = rssMb(pid);
  // Warm-up with the candidate path too (full parse, commit, webhook), so that the phases below
  // measure a running daemon rather than the JIT compiling that path on its first candidates.
  await measure('warmup', mixed, 3_000, 0);
  const max = seconds > 0 ? await measure('max', mixed, seconds * 1000, 0) : null;
  await sleep(1000);
  await settle();
  deliveryMs.length = 0;
  const commitBefore = await scrape(base);
  const rate = await measure('rate', (i) => (i % 100 === 50 ? freshT[Math.floor(i / 100) % freshT.length]! : realT[i % realT.length]!), rateSeconds * 1000, 5000);
  await settle();
  await sleep(1000);
  const lite = liteSeconds > 0 ? await measure('lite', (i) => liteT[i % liteT.length]!, liteSeconds * 1000, 0) : null;

  // Commit latency over the rate phase: difference of the cumulative histograms.
  const hist = diffHistogram(commitBefore, rate.metrics, 'ctwatch_commit_latency_seconds');
  deliveryMs.sort((a, b) => a - b);
  const q = (xs: number[], p: number) => (xs.length ? Math.round(xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! * 10) / 10 : null);

  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  wss.close();
  receiver.close();
  if (enrichMode === 'slow') {
    silentDns.close();
    slowRdap.closeAllConnections();
    slowRdap.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const strip = ({ metrics: _m, ...r }: { metrics: string } & Record<string, unknown>) => r;
  return {
    store: opts.storeUrl ? 'postgres' : 'sqlite',
    enrich: enrichMode,
    enrichJobs: metricValue(rate.metrics, 'ctwatch_enrich_jobs_total'),
    enrichDropped: metricValue(rate.metrics, 'ctwatch_enrich_dropped_total'),
    cores: os.cpus().length,
    brands: brands.length,
    startupMs,
    rssAfterStartMb: rssAfterStart,
    max: max && strip(max),
    rate: {
      ...strip(rate),
      commitP50Ms: hist ? hist.p50 * 1000 : null,
      commitP99Ms: hist ? hist.p99 * 1000 : null,
      commitShareWithin: hist?.buckets ?? null,
      webhookDeliveries: deliveryMs.length,
      webhookP50Ms: q(deliveryMs, 0.5),
      webhookP99Ms: q(deliveryMs, 0.99),
    },
    lite: lite && strip(lite),
  };
}

/** p50/p99 upper bounds from the difference of two scrapes of one histogram. */
function diffHistogram(before: string, after: string, name: string): { p50: number; p99: number; buckets: Record<string, number> } | null {
  const earlier = new Map(histogramBuckets(before, name).map((b) => [b.le, b.count]));
  const buckets = histogramBuckets(after, name).map((b) => ({ le: b.le, n: b.count - (earlier.get(b.le) ?? 0) }));
  const total = buckets.at(-1)?.n ?? 0;
  if (!total) return null;
  const at = (p: number) => buckets.find((x) => x.n >= p * total)!.le;
  // Share of events at or under each bucket bound, e.g. { "0.05": 0.995 }.
  const shares = Object.fromEntries(buckets.map((x) => [String(x.le), Math.round((x.n / total) * 10000) / 10000]));
  return { p50: at(0.5), p99: at(0.99), buckets: shares };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runE2eBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
