import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { CtLogError } from './errors.js';
import { type LogKey, type SignedTreeHead, treeHeadSignatureInput, verifyDigitallySigned } from './signature.js';
import { TlsReader, bytesEqual, decodeBase64 } from './tls-reader.js';

/**
 * C2SP signed notes (c2sp.org/signed-note) carrying tlog checkpoints (c2sp.org/tlog-checkpoint),
 * as served by static-ct-api logs at <monitoring prefix>/checkpoint.
 */

export interface NoteSignature {
  name: string;
  keyId: Uint8Array; // 4 bytes
  sig: Uint8Array; // the signature bytes after the key ID
}

export interface SignedNote {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

const SIG_PREFIX = '\u2014 ';
const MAX_NOTE = 1 << 20;

/** Splits a signed note into text and signature lines; throws 'bad-note' if malformed. */
export function parseSignedNote(note: string): SignedNote {
  if (note.length > MAX_NOTE) throw new CtLogError('bad-note', 'note too large');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new CtLogError('bad-note', 'note has no signature block');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new CtLogError('bad-note', 'malformed signature line');
    const rest = line.slice(SIG_PREFIX.length);
    const sp = rest.indexOf(' ');
    if (sp <= 0 || rest.indexOf(' ', sp + 1) >= 0) throw new CtLogError('bad-note', 'malformed signature line');
    const name = rest.slice(0, sp);
    const raw = decodeBase64(rest.slice(sp + 1), 'note signature');
    if (raw.length < 5) throw new CtLogError('bad-note', 'note signature too short');
    signatures.push({ name, keyId: raw.subarray(0, 4), sig: raw.subarray(4) });
  }
  if (signatures.length === 0) throw new CtLogError('bad-note', 'note has no signatures');
  return { text, signatures };
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  extensions: string[];
}

/** Parses a checkpoint body (the signed text). Throws 'bad-note' if malformed. */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CtLogError('bad-note', 'checkpoint has fewer than 3 lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new CtLogError('bad-note', 'checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new CtLogError('bad-note', 'checkpoint tree size is not a decimal integer');
  }
  const rootHash = decodeBase64(rootLine, 'checkpoint root hash');
  if (rootHash.length !== 32) throw new CtLogError('bad-note', 'checkpoint root hash is not 32 bytes');
  return { origin, treeSize: Number(sizeLine), rootHash, extensions };
}

/** How to recognise and check the log's own signature on a checkpoint. */
export type CheckpointVerifier =
  | { type: 'rfc6962'; name: string; logKey: LogKey }
  | { type: 'ed25519'; name: string; keyId: Uint8Array; key: KeyObject };

function keyId(name: string, typeByte: number, keyMaterial: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(name, 'utf8').update(Uint8Array.of(0x0a, typeByte)).update(keyMaterial).digest()).subarray(0, 4);
}

/** static-ct-api key ID: SHA-256(name || 0x0A || 0x05 || LogID)[:4]. */
export function rfc6962NoteKeyId(name: string, logId: Uint8Array): Uint8Array {
  return keyId(name, 0x05, logId);
}

/** Verifier for a static-ct-api log: the RFC 6962 key, with the origin as key name. */
export function rfc6962NoteVerifier(origin: string, logKey: LogKey): CheckpointVerifier {
  return { type: 'rfc6962', name: origin, logKey };
}

/**
 * Verifier from a signed-note verifier key string "name+hexid+base64(0x01||ed25519 key)".
 * Throws 'unsupported-key' if the string is malformed or its ID does not match.
 */
export function ed25519NoteVerifier(vkey: string): CheckpointVerifier {
  // The base64 key may itself contain '+': split on the first two only.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey);
  if (!m) throw new CtLogError('unsupported-key', 'malformed note verifier key');
  const [, name, hexId, b64] = m as unknown as [string, string, string, string];
  const raw = decodeBase64(b64, 'note verifier key');
  if (raw.length !== 33 || raw[0] !== 0x01) throw new CtLogError('unsupported-key', 'note verifier key is not Ed25519');
  const id = keyId(name, 0x01, raw.subarray(1));
  if (Buffer.from(id).toString('hex') !== hexId) throw new CtLogError('unsupported-key', 'note verifier key ID does not match');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw.subarray(1)).toString('base64url') }, format: 'jwk' });
  return { type: 'ed25519', name, keyId: id, key };
}

export interface VerifiedCheckpoint extends SignedTreeHead {
  origin: string;
}

/**
 * Verifies a checkpoint (signed note) with the log's verifier; the origin line must equal the
 * verifier's key name. Signatures by other keys are ignored, as the spec requires.
 * Returns the tree head (timestamp is 0 for Ed25519 notes, which carry none);
 * throws 'bad-note' (malformed), 'no-signature' (no signature from this key),
 * 'bad-signature' (it does not verify).
 */
export function verifyCheckpoint(note: string, verifier: CheckpointVerifier): VerifiedCheckpoint {
  const { text, signatures } = parseSignedNote(note);
  const cp = parseCheckpointText(text);
  if (cp.origin !== verifier.name) throw new CtLogError('bad-note', 'checkpoint origin does not match the log');
  const expectedId = verifier.type === 'rfc6962' ? rfc6962NoteKeyId(verifier.name, verifier.logKey.logId) : verifier.keyId;
  const mine = signatures.filter((s) => s.name === verifier.name && bytesEqual(s.keyId, expectedId));
  if (mine.length === 0) throw new CtLogError('no-signature', 'checkpoint has no signature from the log key');
  let lastErr: unknown;
  for (const s of mine) {
    try {
      if (verifier.type === 'rfc6962') {
        if (cp.extensions.length > 0) throw new CtLogError('bad-note', 'RFC 6962 note signatures forbid extension lines');
        const r = new TlsReader(s.sig, 'RFC6962NoteSignature');
        const timestamp = r.u64('timestamp');
        const ds = r.bytes(r.remaining, 'signature');
        verifyDigitallySigned(verifier.logKey, treeHeadSignatureInput(timestamp, cp.treeSize, cp.rootHash), ds);
        return { origin: cp.origin, treeSize: cp.treeSize, rootHash: cp.rootHash, timestamp };
      }
      if (!cryptoVerify(null, Buffer.from(text, 'utf8'), verifier.key, s.sig)) throw new CtLogError('bad-signature', 'checkpoint signature does not verify');
      return { origin: cp.origin, treeSize: cp.treeSize, rootHash: cp.rootHash, timestamp: 0 };
    } catch (e) {
      lastErr = e;
    }
  }
  if (lastErr instanceof CtLogError) throw lastErr;
  throw new CtLogError('bad-signature', 'checkpoint signature does not verify', { cause: lastErr });
}

/** Checkpoint origin for a submission URL: scheme-less, no trailing slashes. */
export function originFromSubmissionUrl(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
}

/** Builds a checkpoint note signed RFC 6962-style (for tests and the synthetic log generator). */
export function formatCheckpointText(origin: string, treeSize: number, rootHash: Uint8Array): string {
  return `${origin}\n${treeSize}\n${Buffer.from(rootHash).toString('base64')}\n`;
}

