import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCtLogError } from '../../src/feed/ctlog/errors.js';
import { ed25519NoteVerifier, parseSignedNote, rfc6962NoteKeyId, rfc6962NoteVerifier, verifyCheckpoint } from '../../src/feed/ctlog/note.js';
import { parseLogKey, treeHeadSignatureInput, verifyGetSth } from '../../src/feed/ctlog/signature.js';
import { ICARUS_KEY, SKYLIGHT_KEY, TESSERACT_VKEY, fixture, fixtureJson } from './fixtures.js';
import { signCheckpoint, testLogKey } from './helpers/testlog.js';

const icarus = parseLogKey(ICARUS_KEY);

/** Flips one bit of byte `i` of a base64 field. */
function flip(b64: string, i: number): string {
  const b = Buffer.from(b64, 'base64');
  b[i]! ^= 0x01;
  return b.toString('base64');
}

describe('RFC 6962 STH signatures', () => {
  it.each(['get-sth_icarus_129596132.json', 'get-sth_icarus_129721434.json'])('accepts the real Icarus STH %s', (f) => {
    const sth = verifyGetSth(fixtureJson(`rfc6962/${f}`), icarus);
    expect(sth.treeSize).toBeGreaterThan(129_000_000);
  });

  const real = fixtureJson('rfc6962/get-sth_icarus_129721434.json');
  it.each([
    ['root hash byte 0', { sha256_root_hash: flip(real.sha256_root_hash, 0) }],
    ['root hash byte 31', { sha256_root_hash: flip(real.sha256_root_hash, 31) }],
    ['tree size', { tree_size: real.tree_size + 1 }],
    ['timestamp', { timestamp: real.timestamp - 1 }],
    ['signature byte 20', { tree_head_signature: flip(real.tree_head_signature, 20) }],
    ['signature last byte', { tree_head_signature: flip(real.tree_head_signature, Buffer.from(real.tree_head_signature, 'base64').length - 1) }],
  ])('rejects the Icarus STH with one changed %s', (_d, change) => {
    expect(() => verifyGetSth({ ...real, ...change }, icarus)).toThrow();
  });

  it('rejects a valid STH under another log key', () => {
    expect(() => verifyGetSth(real, parseLogKey(SKYLIGHT_KEY))).toThrow(/signature/);
  });

  it.each([
    ['dummy signature', fixtureJson('rfc6962/get-sth_4entries_testsig.json'), 'bad-signature'],
    ['not an object', 'x', 'bad-json'],
    ['negative size', { ...real, tree_size: -1 }, 'bad-json'],
    ['short root', { ...real, sha256_root_hash: 'AAAA' }, 'bad-json'],
    ['root not base64', { ...real, sha256_root_hash: 'bogus!' }, 'bad-base64'],
  ])('rejects %s with a coded error', (_d, body, code) => {
    let err: unknown;
    try {
      verifyGetSth(body, icarus);
    } catch (e) {
      err = e;
    }
    expect(isCtLogError(err)).toBe(true);
    expect((err as any).code).toBe(code);
  });

  it('verifies an RSA-signed STH', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = parseLogKey(publicKey.export({ format: 'der', type: 'spki' }).toString('base64'));
    const root = new Uint8Array(32).fill(7);
    const sig = sign('sha256', treeHeadSignatureInput(5, 10, root), privateKey);
    const ds = Buffer.concat([Buffer.from([4, 1, sig.length >> 8, sig.length & 0xff]), sig]);
    const body = { tree_size: 10, timestamp: 5, sha256_root_hash: Buffer.from(root).toString('base64'), tree_head_signature: ds.toString('base64') };
    expect(verifyGetSth(body, key).treeSize).toBe(10);
    expect(() => verifyGetSth({ ...body, tree_size: 11 }, key)).toThrow(/does not verify/);
  });

  it('refuses keys that are neither P-256 nor RSA', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() => parseLogKey(publicKey.export({ format: 'der', type: 'spki' }).toString('base64'))).toThrow(/not ECDSA P-256 or RSA/);
  });
});

describe('checkpoints (signed notes)', () => {
  const skylight = rfc6962NoteVerifier('rome2026h1.example.org', parseLogKey(SKYLIGHT_KEY));
  const skyNote = fixture('static-ct/skylight-testlog-rome2026h1/checkpoint').toString('utf8');

  it('accepts the real Sunlight (RFC 6962 note signature) checkpoint', () => {
    const cp = verifyCheckpoint(skyNote, skylight);
    expect(cp).toMatchObject({ origin: 'rome2026h1.example.org', treeSize: 300, timestamp: 1767139200000 });
  });

  it('derives the key ID the way static-ct-api says (SHA-256(name||0x0A||0x05||LogID)[:4])', () => {
    const sig = parseSignedNote(skyNote).signatures[0]!;
    expect(Buffer.from(rfc6962NoteKeyId('rome2026h1.example.org', parseLogKey(SKYLIGHT_KEY).logId)).equals(Buffer.from(sig.keyId))).toBe(true);
  });

  it.each(['checkpoint', 'checkpoint.0', 'checkpoint.7'])('accepts the TesseraCT Ed25519 checkpoint %s', (f) => {
    const cp = verifyCheckpoint(fixture(`static-ct/tesseract-testlog/${f}`).toString('utf8'), ed25519NoteVerifier(TESSERACT_VKEY));
    expect(cp.origin).toBe('example.com/log/testdata');
  });

  it.each([
    ['a changed tree size', skyNote.replace('\n300\n', '\n301\n'), 'bad-signature'],
    ['a changed root', skyNote.replace('lCkHUpkm', 'lCkHUpkn'), 'bad-signature'],
    ['another origin', skyNote.replaceAll('rome2026h1.example.org', 'rome2026h2.example.org'), 'bad-note'],
    ['no signature block', 'rome2026h1.example.org\n300\nlCkHUpkmVBEms2r2T1K6Og69+wUuuN3MIEW1/ezu2v0=\n', 'bad-note'],
    ['a foreign signature only', skyNote.replace(/\u2014 rome2026h1\.example\.org .*\n$/, '\u2014 rome2026h1.example.org AAAAAAAAAAAAAAA=\n'), 'no-signature'],
    ['an extension line', skyNote.replace('\n\n', '\nextra\n\n'), 'bad-note'],
    ['a bad size line', skyNote.replace('\n300\n', '\n0300\n'), 'bad-note'],
  ])('rejects the checkpoint with %s', (_d, note, code) => {
    let err: unknown;
    try {
      verifyCheckpoint(note, skylight);
    } catch (e) {
      err = e;
    }
    expect(isCtLogError(err)).toBe(true);
    expect((err as any).code).toBe(code);
  });

  it('ignores signatures from other keys and verifies the log one', () => {
    const note = skyNote + '\u2014 witness.example AAAAAAAAAAAAAAA=\n';
    expect(verifyCheckpoint(note, skylight).treeSize).toBe(300);
  });

  it('verifies a checkpoint signed by the test signer (used by the local static-ct server)', () => {
    const k = testLogKey();
    const note = signCheckpoint(k, 'log.test/2025', 12, new Uint8Array(32).fill(1), 1700000000000);
    expect(verifyCheckpoint(note, rfc6962NoteVerifier('log.test/2025', parseLogKey(k.keyB64))).treeSize).toBe(12);
  });

  it('rejects a tampered Ed25519 checkpoint', () => {
    const note = fixture('static-ct/tesseract-testlog/checkpoint').toString('utf8').replace('\n15\n', '\n16\n');
    expect(() => verifyCheckpoint(note, ed25519NoteVerifier(TESSERACT_VKEY))).toThrow(/does not verify/);
  });
});
