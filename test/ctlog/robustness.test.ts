import { describe, expect, it } from 'vitest';
import { isCtLogError } from '../../src/feed/ctlog/errors.js';
import { decodeDataTile, decodeRfc6962Entry } from '../../src/feed/ctlog/leaf.js';
import { parseSignedNote, verifyCheckpoint, rfc6962NoteVerifier } from '../../src/feed/ctlog/note.js';
import { parseLogKey } from '../../src/feed/ctlog/signature.js';
import { fixture, fixtureJson, SKYLIGHT_KEY } from './fixtures.js';

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(b: Uint8Array, r: () => number): Uint8Array {
  const out = Uint8Array.from(b);
  const kind = Math.floor(r() * 3);
  if (kind === 0) for (let i = 0; i < 4; i++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
  if (kind === 1) return out.subarray(0, Math.floor(r() * out.length));
  if (kind === 2) out[Math.floor(r() * Math.min(out.length, 40))] = 0xff; // lengths and types live up front
  return out;
}

/** Either returns or throws a CtLogError: never another exception. */
function total(f: () => unknown): 'ok' | 'error' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!isCtLogError(e)) throw e;
    expect(e.code).toBeTruthy();
    return 'error';
  }
}

describe('decoders are total on mutated real input', () => {
  const entries = fixtureJson('rfc6962/get-entries_precert_and_x509.json').entries;
  it.each([1, 2, 3, 4, 5])('RFC 6962 entries, seed %i (300 mutations)', (seed) => {
    const r = rng(seed);
    let errors = 0;
    for (let i = 0; i < 300; i++) {
      const e = entries[i % 2];
      const leaf = mutate(Buffer.from(e.leaf_input, 'base64'), r);
      const extra = mutate(Buffer.from(e.extra_data, 'base64'), r);
      if (total(() => decodeRfc6962Entry(i, Buffer.from(leaf).toString('base64'), Buffer.from(extra).toString('base64'))) === 'error') errors++;
    }
    expect(errors).toBeGreaterThan(0);
  });

  const tile = new Uint8Array(fixture('static-ct/navigli2025h2/tile/data/003.p/10'));
  it.each([1, 2, 3])('data tiles, seed %i (200 mutations)', (seed) => {
    const r = rng(seed);
    let errors = 0;
    for (let i = 0; i < 200; i++) if (total(() => decodeDataTile(mutate(tile, r), 768, 10)) === 'error') errors++;
    expect(errors).toBeGreaterThan(0);
  });

  const note = fixture('static-ct/skylight-testlog-rome2026h1/checkpoint');
  const verifier = rfc6962NoteVerifier('rome2026h1.example.org', parseLogKey(SKYLIGHT_KEY));
  it.each([1, 2, 3])('checkpoints, seed %i (200 mutations)', (seed) => {
    const r = rng(seed);
    let rejected = 0;
    for (let i = 0; i < 200; i++) {
      const m = Buffer.from(mutate(note, r)).toString('utf8');
      total(() => parseSignedNote(m));
      // A mutation that leaves the note valid can only be one that kept the signed tree head.
      if (total(() => expect(verifyCheckpoint(m, verifier)).toMatchObject({ treeSize: 300, timestamp: 1767139200000 })) === 'error') rejected++;
    }
    expect(rejected).toBeGreaterThan(150);
  });
});
