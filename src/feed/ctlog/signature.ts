import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { CtLogError } from './errors.js';
import { TlsReader, concatBytes, decodeBase64, uintBytes } from './tls-reader.js';

/**
 * RFC 6962 signature checks with node:crypto: the log key (SubjectPublicKeyInfo DER from the
 * log list), its LogID, and DigitallySigned TreeHeadSignature verification (ECDSA P-256 or RSA,
 * both SHA-256 as RFC 6962 §2.1.4 allows).
 */

export interface LogKey {
  /** Parsed public key. */
  key: KeyObject;
  /** SHA-256 of the SubjectPublicKeyInfo DER (RFC 6962 §3.2). */
  logId: Uint8Array;
  kind: 'ecdsa' | 'rsa';
}

/**
 * Parses a base64 SubjectPublicKeyInfo (as in log_list.json `key`).
 * Throws 'bad-base64' or 'unsupported-key' (not EC P-256 / RSA, or unparsable).
 */
export function parseLogKey(keyB64: string): LogKey {
  const der = decodeBase64(keyB64, 'log key');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (e) {
    throw new CtLogError('unsupported-key', 'log key is not a SubjectPublicKeyInfo', { cause: e });
  }
  let kind: LogKey['kind'];
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') kind = 'ecdsa';
  else if (key.asymmetricKeyType === 'rsa') kind = 'rsa';
  else throw new CtLogError('unsupported-key', `log key type ${key.asymmetricKeyType ?? 'unknown'} is not ECDSA P-256 or RSA`);
  return { key, logId: new Uint8Array(createHash('sha256').update(der).digest()), kind };
}

/** Serialized TreeHeadSignature (RFC 6962 §3.5): the bytes an STH signature covers. */
export function treeHeadSignatureInput(timestamp: number, treeSize: number, rootHash: Uint8Array): Uint8Array {
  if (rootHash.length !== 32) throw new CtLogError('bad-value', 'root hash is not 32 bytes');
  // version v1 (0), signature_type tree_hash (1)
  return concatBytes(Uint8Array.of(0, 1), uintBytes(timestamp, 8), uintBytes(treeSize, 8), rootHash);
}

const HASH_SHA256 = 4;
const SIG_RSA = 1;
const SIG_ECDSA = 3;

/**
 * Verifies a serialized DigitallySigned struct over `data` with the log key.
 * Returns nothing; throws 'bad-signature' (wrong algorithm for the key, or not valid),
 * 'truncated'/'trailing-data' (malformed struct).
 */
export function verifyDigitallySigned(logKey: LogKey, data: Uint8Array, digitallySigned: Uint8Array): void {
  const r = new TlsReader(digitallySigned, 'DigitallySigned');
  const hashAlg = r.u8('hash_algorithm');
  const sigAlg = r.u8('signature_algorithm');
  const sig = r.vec(2, 'signature', 1);
  r.end();
  if (hashAlg !== HASH_SHA256) throw new CtLogError('bad-signature', `unsupported hash algorithm ${hashAlg}`);
  const want = logKey.kind === 'ecdsa' ? SIG_ECDSA : SIG_RSA;
  if (sigAlg !== want) throw new CtLogError('bad-signature', `signature algorithm ${sigAlg} does not match the ${logKey.kind} log key`);
  let ok: boolean;
  try {
    ok = cryptoVerify('sha256', data, logKey.key, sig);
  } catch (e) {
    throw new CtLogError('bad-signature', 'signature could not be checked', { cause: e });
  }
  if (!ok) throw new CtLogError('bad-signature', 'tree head signature does not verify');
}

/** A signed tree head, from get-sth or a checkpoint, after its signature was checked. */
export interface SignedTreeHead {
  treeSize: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  rootHash: Uint8Array;
  /** The signed text as served (get-sth JSON or checkpoint note), kept as evidence of misbehaviour. */
  signed?: string;
}

function safeInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new CtLogError('bad-json', `get-sth: ${field} is not a non-negative integer`);
  return v;
}

/**
 * Parses and verifies a get-sth JSON body (already JSON.parse'd).
 * Returns the tree head; throws 'bad-json' / 'bad-base64' for a malformed body and
 * 'bad-signature' when the signature does not verify with `logKey`.
 */
export function verifyGetSth(body: unknown, logKey: LogKey): SignedTreeHead {
  if (typeof body !== 'object' || body === null) throw new CtLogError('bad-json', 'get-sth: body is not an object');
  const b = body as Record<string, unknown>;
  const treeSize = safeInt(b.tree_size, 'tree_size');
  const timestamp = safeInt(b.timestamp, 'timestamp');
  const rootHash = decodeBase64(b.sha256_root_hash, 'sha256_root_hash');
  if (rootHash.length !== 32) throw new CtLogError('bad-json', 'get-sth: sha256_root_hash is not 32 bytes');
  const sig = decodeBase64(b.tree_head_signature, 'tree_head_signature');
  verifyDigitallySigned(logKey, treeHeadSignatureInput(timestamp, treeSize, rootHash), sig);
  return { treeSize, timestamp, rootHash };
}
