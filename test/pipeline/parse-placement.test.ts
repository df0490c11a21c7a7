/**
 * Where a candidate's full parse runs: in a worker thread unless the caller says it has no
 * backlog, then on the calling thread (lower latency to commit). Both give the same stored hit.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../../src/pipeline/parse-pool.js';
import { decodeCertstreamText } from '../../src/feed/certstream-decode.js';
import { CertFactory, fullStreamMessage } from '../helpers/cert-factory.js';
import { ROOT, tmpDir } from '../helpers/fixtures.js';
import { paypalProcessor } from '../helpers/processor.js';

// The compiled worker (`npm test` builds first): worker threads run JavaScript, not TypeScript.
const WORKER = pathToFileURL(path.join(ROOT, 'dist/src/pipeline/parse-worker.js'));

describe('parse placement', () => {
  const pool = new ParsePool(1, WORKER);
  afterAll(() => pool.close());

  it.each([
    ['backlog (the default, e.g. a CT log read in batches): the worker parses', undefined, 1],
    ['no backlog: parsed here, the worker is not asked', true, 0],
  ])('%s', async (_label, parseHere, poolCalls) => {
    const dir = tmpDir();
    let calls = 0;
    const counting = Object.create(pool) as ParsePool;
    counting.parse = (ders) => {
      calls++;
      return pool.parse(ders);
    };
    const { processor, store } = paypalProcessor(dir, { parsePool: counting });
    const factory = await CertFactory.create();
    const iss = await factory.issue(['paypal-secure-login.com']);
    const r = decodeCertstreamText(fullStreamMessage(iss.final, iss.names, { log: 'https://log-a.example/', index: 1, precert: false }), { source: 'test', maxNames: 1000 });
    if (r.kind !== 'cert') throw new Error('fixture did not decode');
    await processor.processBatch([r.event], undefined, parseHere);
    expect(calls).toBe(poolCalls);
    const hits = store.hits.listHits();
    expect(hits).toHaveLength(1);
    // Stored with its details either way.
    expect(hits[0]!.issuer).toBeTruthy();
    store.close();
  });
});
