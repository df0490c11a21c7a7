/**
 * Hostile issuer DN benchmark (issue 14): one full-stream message whose certificate's issuer DN
 * is 1 MiB (a Buypass-like prefix and no "go" word, the worst case for a backtracking pattern),
 * decoded, matched, parsed and committed through the real Processor into a real SQLite file.
 * Prints the CPU milliseconds for the message (median of several runs, after a warm-up).
 *
 * Run alone: `npm run build && node dist/bench/issuer-bench.js` (prints JSON).
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { Store } from '../src/store/index.js';
import { MAX_CERT_DER_BYTES } from '../src/cert/full-parse.js';
import { Processor } from '../src/pipeline/processor.js';
import { decodeCertstreamText } from '../src/feed/certstream-decode.js';
import { CertFactory, fullStreamMessage } from '../test/helpers/cert-factory.js';
import { paypalProcessor } from '../test/helpers/processor.js';

/** An issuer DN of about `bytes` characters that a backtracking `buypass.*\bgo\b` scans quadratically. */
export function hostileIssuer(bytes: number): string {
  // Split into attributes of 32 KiB: ASN.1 libraries decode one string with a call whose
  // argument count is bounded, and a real attacker would split it the same way.
  const chunk = 'buypass '.repeat(4096);
  const ous: string[] = [];
  for (let n = 0; n < bytes; n += chunk.length) ous.push(`OU=${chunk}`);
  return `C=NO, O=Buypass AS, ${ous.join(', ')}, CN=Buypass Class 2 CA`;
}

/**
 * CPU milliseconds to decode, match, parse and commit one message whose issuer DN has
 * `issuerBytes` characters, in the DER and in the message's `issuer.aggregated` field.
 */
async function measureSize(processor: Processor, store: Store, issuerBytes: number): Promise<Record<string, unknown>> {
  const dn = hostileIssuer(issuerBytes);
  const factory = await CertFactory.create(dn);
  const runs: number[] = [];
  let storedIssuerChars = 0;
  let derBytes = 0;
  for (let i = 0; i < 6; i++) {
    const iss = await factory.issue([`paypal-secure-login${issuerBytes}-${i}.com`]);
    derBytes = iss.final.length;
    const msg = JSON.parse(fullStreamMessage(iss.final, iss.names, { log: 'https://log-a.example/', index: i, precert: false }));
    msg.data.leaf_cert.issuer = { aggregated: dn };
    const text = JSON.stringify(msg);
    const c0 = process.cpuUsage();
    const r = decodeCertstreamText(text, { source: 'bench', maxNames: 1000 });
    if (r.kind !== 'cert') throw new Error('message did not decode');
    const res = await processor.processBatch([r.event], undefined, true);
    const c = process.cpuUsage(c0);
    if (!res || res.newHits !== 1) throw new Error('expected one new hit');
    if (i > 0) runs.push((c.user + c.system) / 1000);
    storedIssuerChars = store.hits.listHits({ limit: 1 })[0]!.issuer!.length;
  }
  runs.sort((a, b) => a - b);
  return {
    issuerDnChars: dn.length,
    derBytes,
    fullParse: derBytes <= MAX_CERT_DER_BYTES ? 'yes' : 'no (DER over the 1 MiB parse cap: the message fields are used)',
    cpuMsPerMessage: { median: +runs[Math.floor(runs.length / 2)]!.toFixed(1), max: +runs.at(-1)!.toFixed(1) },
    storedIssuerChars,
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctwatch-issuer-bench-'));
  const { processor, store } = paypalProcessor(dir);
  const results = [];
  // Exactly 1 MiB, and the largest issuer whose certificate still gets the full parse.
  for (const bytes of [1024 * 1024, 1024 * 1024 - 32 * 1024]) results.push(await measureSize(processor, store, bytes));
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ bench: 'hostile issuer DN, one full-stream message', cpus: os.cpus().length, results }, null, 2) + '\n');
}

await main();
