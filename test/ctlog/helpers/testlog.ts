import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { rfc6962NoteKeyId, formatCheckpointText } from '../../../src/feed/ctlog/note.js';
import { parseLogKey, treeHeadSignatureInput } from '../../../src/feed/ctlog/signature.js';
import { uintBytes } from '../../../src/feed/ctlog/tls-reader.js';

/** A throwaway ECDSA P-256 log key for test-signed tree heads. */
export interface TestLogKey {
  privateKey: KeyObject;
  /** Base64 SubjectPublicKeyInfo, as in a log list. */
  keyB64: string;
  logId: Uint8Array;
}

export function testLogKey(): TestLogKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyB64 = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return { privateKey, keyB64, logId: parseLogKey(keyB64).logId };
}

/** DigitallySigned (sha256, ecdsa) over a TreeHeadSignature. */
export function signTreeHead(k: TestLogKey, timestamp: number, treeSize: number, root: Uint8Array): Buffer {
  const sig = sign('sha256', treeHeadSignatureInput(timestamp, treeSize, root), k.privateKey);
  return Buffer.concat([Buffer.from([4, 3, sig.length >> 8, sig.length & 0xff]), sig]);
}

/** A get-sth JSON body signed by `k`. */
export function signedSth(k: TestLogKey, treeSize: number, root: Uint8Array, timestamp = Date.now()): Record<string, unknown> {
  return {
    tree_size: treeSize,
    timestamp,
    sha256_root_hash: Buffer.from(root).toString('base64'),
    tree_head_signature: signTreeHead(k, timestamp, treeSize, root).toString('base64'),
  };
}

/** A static-ct-api checkpoint with an RFC 6962 note signature by `k`. */
export function signCheckpoint(k: TestLogKey, origin: string, treeSize: number, root: Uint8Array, timestamp = Date.now()): string {
  const body = Buffer.concat([Buffer.from(uintBytes(timestamp, 8)), signTreeHead(k, timestamp, treeSize, root)]);
  const sig = Buffer.concat([Buffer.from(rfc6962NoteKeyId(origin, k.logId)), body]).toString('base64');
  return `${formatCheckpointText(origin, treeSize, root)}\n\u2014 ${origin} ${sig}\n`;
}
