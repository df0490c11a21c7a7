/**
 * Certificate reader benchmark (issue 8): certificates per second and CPU time per certificate
 * for the fast name reader, the full @peculiar/x509 parse, node:crypto's X509Certificate, and
 * the issuance key, on real certificates: the valid fixtures plus the 1,024 real precertificates
 * of the Navigli 2025h2 replay (test/fixtures/certs/).
 *
 * Figures are given per CPU-second (process user+system time) as well as per wall-clock
 * second, so that load from other processes on the machine distorts them less.
 *
 * Run alone: `npm run build && node dist/bench/cert-bench.js` (prints JSON).
 */
import { X509Certificate as NodeX509 } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readCertNames, strictBase64Decode } from '../src/cert/fast-names.js';
import { parseCertificate } from '../src/cert/full-parse.js';
import { issuanceKeyFromDer } from '../src/cert/issuance-key.js';

/** The repository root: the nearest ancestor with package.json (works from bench/ and dist/bench/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the benchmark');
    dir = up;
  }
  return dir;
}

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/;

/** Loads the real DER corpus and the raw `as_der` strings of the replay. */
export function loadCorpus(): { ders: Uint8Array[]; asDer: string[]; validFiles: number } {
  const base = join(repoRoot(), 'test', 'fixtures', 'certs');
  const ders: Uint8Array[] = [];
  const validDir = join(base, 'valid');
  let validFiles = 0;
  for (const f of readdirSync(validDir).sort()) {
    const bytes = readFileSync(join(validDir, f));
    const m = PEM_RE.exec(bytes.toString('latin1'));
    ders.push(m ? new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')) : new Uint8Array(bytes));
    validFiles++;
  }
  const asDer: string[] = [];
  for (const line of readFileSync(join(base, 'derived_navigli2025h2_full-stream_replay.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const msg = JSON.parse(line) as { data?: { leaf_cert?: { as_der?: string } } };
    const b64 = msg.data?.leaf_cert?.as_der;
    if (!b64) continue;
    asDer.push(b64);
    const der = strictBase64Decode(b64);
    if (der) ders.push(der);
  }
  return { ders, asDer, validFiles };
}

export interface ReaderFigures {
  certs: number;
  wallSeconds: number;
  cpuSeconds: number;
  certsPerSecond: number;
  certsPerCpuSecond: number;
  cpuMicrosPerCert: number;
  failures: number;
}

/**
 * Runs `fn` over `items` round-robin until at least `minSeconds` of wall time have passed
 * (after one warm-up pass) and reports throughput. `fn` returns false on a failed item.
 */
function measure<T>(items: T[], fn: (x: T) => boolean, minSeconds: number): ReaderFigures {
  for (const x of items) fn(x); // warm-up: JIT, caches
  let n = 0;
  let failures = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    for (const x of items) {
      if (!fn(x)) failures++;
    }
    n += items.length;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    certs: n,
    wallSeconds: round(elapsed, 3),
    cpuSeconds: round(cpuSeconds, 3),
    certsPerSecond: Math.round(n / elapsed),
    certsPerCpuSecond: Math.round(n / cpuSeconds),
    cpuMicrosPerCert: round((cpuSeconds * 1e6) / n, 2),
    failures: failures / (n / items.length),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Measures every reader; resolves to a JSON-serialisable record for the top-level runner. */
export async function runCertBench(opts: { seconds?: number } = {}): Promise<Record<string, unknown>> {
  const seconds = opts.seconds ?? 2;
  const { ders, asDer, validFiles } = loadCorpus();
  const fast = measure(ders, (d) => readCertNames(d) !== null, seconds);
  const key = measure(
    ders,
    (d) => {
      issuanceKeyFromDer(d);
      return true;
    },
    seconds,
  );
  const base64 = measure(asDer, (s) => strictBase64Decode(s) !== null, seconds);
  const nodeCrypto = measure(
    ders,
    (d) => {
      try {
        return typeof new NodeX509(d).subjectAltName !== 'number';
      } catch {
        return false;
      }
    },
    seconds,
  );
  const peculiar = measure(
    ders,
    (d) => {
      try {
        return parseCertificate(d).dnsNames.length >= 0;
      } catch {
        return false;
      }
    },
    seconds * 2,
  );
  return {
    corpus: { certificates: ders.length, validFixtures: validFiles, navigliPrecerts: asDer.length },
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    readers: {
      'fast readCertNames': fast,
      'node:crypto X509Certificate + subjectAltName': nodeCrypto,
      '@peculiar/x509 parseCertificate (all CertDetails)': peculiar,
      'issuanceKeyFromDer': key,
      'strictBase64Decode (as_der)': base64,
    },
    speedup: {
      fastVsPeculiar: round(fast.certsPerCpuSecond / peculiar.certsPerCpuSecond, 1),
      fastVsNodeCrypto: round(fast.certsPerCpuSecond / nodeCrypto.certsPerCpuSecond, 1),
    },
  };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  runCertBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
