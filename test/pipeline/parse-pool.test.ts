/** The worker-thread parse pool returns exactly what the inline parse returns, in order. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../../src/pipeline/parse-pool.js';
import { parseCertificate } from '../../src/cert/full-parse.js';
import { navigliMessages, ROOT } from '../helpers/fixtures.js';

// The compiled worker (`npm test` builds first): worker threads run JavaScript, not TypeScript.
const WORKER = pathToFileURL(path.join(ROOT, 'dist/src/pipeline/parse-worker.js'));

describe('ParsePool', () => {
  const pool = new ParsePool(2, WORKER);
  afterAll(() => pool.close());

  it('parses in workers exactly as inline, in order, and reports bad DER per item', async () => {
    expect(pool.size).toBe(2);
    const ders = navigliMessages()
      .filter((m) => m.data?.leaf_cert?.as_der)
      .slice(0, 40)
      .map((m) => new Uint8Array(Buffer.from(m.data.leaf_cert.as_der, 'base64')));
    const bad = Uint8Array.of(0x30, 0x03, 0x02, 0x01);
    const results = await pool.parse([...ders, bad]);
    expect(results).toHaveLength(41);
    results.slice(0, 40).forEach((r, i) => {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.details).toEqual(parseCertificate(ders[i]!));
    });
    expect(results[40]).toMatchObject({ ok: false });
  });

  it('without a worker file it has no workers and parse() rejects (callers parse inline)', async () => {
    const none = new ParsePool(2, pathToFileURL('/nonexistent/parse-worker.js'));
    expect(none.size).toBe(0);
    await expect(none.parse([Uint8Array.of(1)])).rejects.toThrow(/closed/);
    await none.close();
  });

  it('rejects after close', async () => {
    const p = new ParsePool(1, WORKER);
    await p.close();
    await expect(p.parse([Uint8Array.of(1)])).rejects.toThrow(/closed/);
  });
});
