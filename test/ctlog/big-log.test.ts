import { describe, expect, it } from 'vitest';
import { decodeDataTile, decodeRfc6962Entry } from '../../src/feed/ctlog/leaf.js';
import { CompactRange } from '../../src/feed/ctlog/merkle.js';
import { parseLogKey, verifyGetSth } from '../../src/feed/ctlog/signature.js';
import { fixture, fixtureJson, ICARUS_KEY } from './fixtures.js';
import { MemoryPositionStore } from '../../src/feed/ctlog/memory-store.js';
import { CtLogSource } from '../../src/feed/ctlog/source.js';
import { NAVIGLI } from './fixtures.js';
import { FakeClock, waitFor } from './helpers/clock.js';
import { startStaticServer } from './helpers/servers.js';
import { bigSyntheticLog } from './helpers/static-log.js';
import { testLogKey } from './helpers/testlog.js';

/**
 * Heavy: a 50,000-entry synthetic static-ct log read with 10 abrupt stops (the source is closed
 * right after a random batch, before its position is saved, which is what a SIGKILL at that point
 * leaves) and restarts on the same position store. Run with CTWATCH_BIG=1; prints figures.
 * The daemon-level SIGKILL test uses the same generator (helpers/static-log.ts bigSyntheticLog).
 */
describe.skipIf(!process.env.CTWATCH_BIG)('50,000-entry log, 10 interrupted runs', () => {
  it('processes every entry; only the batch in flight at a stop is seen twice', async () => {
    const N = 50_000;
    const origin = 'big.test.example';
    const key = testLogKey();
    const t0 = performance.now();
    const log = bigSyntheticLog(NAVIGLI, key, origin, N);
    const genMs = performance.now() - t0;
    const srv = await startStaticServer(log.files);
    const store = new MemoryPositionStore();
    const seen = new Uint32Array(N);
    let stops = 0;
    let delivered = 0;
    const t1 = performance.now();
    for (let run = 0; run <= 10; run++) {
      const stopAfter = run < 10 ? 1 + Math.floor(Math.random() * 20) : Infinity;
      let batches = 0;
      let stop!: () => void;
      const stopped = new Promise<void>((r) => (stop = r));
      const src: CtLogSource = new CtLogSource({
        logs: [{ kind: 'static', url: srv.url, submissionUrl: `https://${origin}/`, key: key.keyB64 }],
        positions: store,
        startAt: 'start',
        clock: new FakeClock(),
        limits: { minIntervalMs: 0, maxConcurrent: 4 },
        sink: async (events) => {
          for (const e of events) seen[e.index!]!++;
          delivered += events.length;
          if (++batches === stopAfter) {
            stops++;
            stop();
            throw new Error('killed'); // the position of this batch is never saved
          }
        },
      });
      await src.start();
      if (run < 10) await Promise.race([stopped, waitFor(() => store.load(srv.url)?.verifiedSize === N, 'done', 120_000)]);
      else await waitFor(() => store.load(srv.url)?.verifiedSize === N, 'done', 120_000);
      await src.close();
      if (store.load(srv.url)?.verifiedSize === N) break;
    }
    const readMs = performance.now() - t1;
    await srv.close();
    const missing = seen.filter((c) => c === 0).length;
    const twice = seen.filter((c) => c > 1).length;
    console.log(`generate ${N}: ${genMs.toFixed(0)} ms; read+verify with ${stops} stops: ${readMs.toFixed(0)} ms (${((delivered / readMs) * 1000).toFixed(0)} entries/s delivered); re-delivered ${twice}`);
    expect(missing).toBe(0);
    expect(twice).toBeLessThanOrEqual(stops * 256);
    expect(store.load(srv.url)).toMatchObject({ index: N, verifiedSize: N });
  }, 300_000);
});

describe.skipIf(!process.env.CTWATCH_BIG)('figures', () => {
  it('decode, hash and signature rates', () => {
    const tiles = ['000', '001', '002', '003'].map((t) => new Uint8Array(fixture(`static-ct/navigli2025h2/tile/data/${t}`)));
    let t = performance.now();
    let n = 0;
    for (let r = 0; r < 10; r++) for (const [i, tile] of tiles.entries()) n += decodeDataTile(tile, i * 256, 256).length;
    const tileRate = n / ((performance.now() - t) / 1000);
    const rfc = fixtureJson('rfc6962/get-entries_precert_and_x509.json').entries;
    t = performance.now();
    for (let i = 0; i < 5000; i++) decodeRfc6962Entry(i, rfc[i % 2].leaf_input, rfc[i % 2].extra_data);
    const rfcRate = 5000 / ((performance.now() - t) / 1000);
    const range = CompactRange.empty();
    const h = new Uint8Array(32);
    t = performance.now();
    for (let i = 0; i < 200_000; i++) range.append(h);
    const appendRate = 200_000 / ((performance.now() - t) / 1000);
    const key = parseLogKey(ICARUS_KEY);
    const sth = fixtureJson('rfc6962/get-sth_icarus_129721434.json');
    t = performance.now();
    for (let i = 0; i < 500; i++) verifyGetSth(sth, key);
    const sthRate = 500 / ((performance.now() - t) / 1000);
    console.log(`TileLeaf decode+leaf hash: ${tileRate.toFixed(0)} entries/s; RFC 6962 entry decode: ${rfcRate.toFixed(0)} entries/s; compact-range append: ${appendRate.toFixed(0)} leaves/s; STH verify (ECDSA P-256): ${sthRate.toFixed(0)}/s`);
    expect(n).toBe(10240);
  });
});
