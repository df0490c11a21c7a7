import { createHash } from 'node:crypto';
import { bindPrecertToTbs } from '../../cert/precert-tbs.js';
import { CtLogError } from './errors.js';
import { TlsReader, concatBytes, decodeBase64 } from './tls-reader.js';

/**
 * Pure decoders for CT log entries: RFC 6962 `get-entries` items (MerkleTreeLeaf + extra_data)
 * and static-ct-api data tiles (sequences of TileLeaf). Both produce the same DecodedEntry,
 * including the RFC 6962 leaf hash, so the Merkle code does not care which API a log speaks.
 */

export type EntryType = 'x509' | 'precert';

export interface DecodedEntry {
  /** Index of the entry in its log. */
  index: number;
  /** TimestampedEntry.timestamp, milliseconds since the epoch. */
  timestamp: number;
  entryType: EntryType;
  /**
   * Leaf certificate DER (x509), or the precertificate DER (precert, with its poison extension)
   * proven to carry the TBS the leaf hash covers (see cert/precert-tbs.ts): names and the
   * issuance key read from it come from hashed bytes.
   */
  der: Uint8Array;
  /** RFC 6962 chain certificates (issuer first), when the log API carries them (get-entries). */
  chain: Uint8Array[];
  /** SHA-256 fingerprints of the chain certificates (static-ct-api TileLeaf), empty for RFC 6962. */
  chainFingerprints: Uint8Array[];
  /** SHA-256(0x00 || MerkleTreeLeaf): the leaf's hash in the log's Merkle tree. */
  leafHash: Uint8Array;
  /**
   * Set when the entry hashed fine but must not be used: a precertificate whose TBS is not the
   * one the leaf hash covers ('precert-mismatch'). Its hash still counts in the tree.
   */
  rejected?: CtLogError;
}

const LOG_ENTRY_X509 = 0;
const LOG_ENTRY_PRECERT = 1;

interface TimestampedEntry {
  timestamp: number;
  entryType: EntryType;
  /** x509 only: the leaf certificate. */
  cert: Uint8Array | null;
  /** precert only: the hashed PreCert.tbs_certificate. */
  tbs: Uint8Array | null;
  extensions: Uint8Array;
}

/** Reads a TimestampedEntry (RFC 6962 §3.4) at the reader's position. */
function readTimestampedEntry(r: TlsReader): TimestampedEntry {
  const timestamp = r.u64('timestamp');
  const type = r.u16('entry_type');
  let cert: Uint8Array | null = null;
  let tbs: Uint8Array | null = null;
  let entryType: EntryType;
  if (type === LOG_ENTRY_X509) {
    entryType = 'x509';
    cert = r.vec(3, 'x509 signed_entry', 1);
  } else if (type === LOG_ENTRY_PRECERT) {
    entryType = 'precert';
    r.bytes(32, 'issuer_key_hash');
    tbs = r.vec(3, 'tbs_certificate', 1);
  } else {
    throw new CtLogError('bad-value', `unknown entry_type ${type}`);
  }
  const extensions = r.vec(2, 'extensions');
  return { timestamp, entryType, cert, tbs, extensions };
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/**
 * The precertificate DER bound to the hashed TBS, or the rejection ('precert-mismatch') when
 * the unhashed precertificate does not carry it. Pure.
 */
function bindPrecert(index: number, precert: Uint8Array, tbs: Uint8Array): { der: Uint8Array; rejected?: CtLogError } {
  const b = bindPrecertToTbs(precert, tbs);
  if (b.result !== 'mismatch') return { der: b.der };
  return { der: precert, rejected: new CtLogError('precert-mismatch', `entry ${index}: precertificate does not match the hashed tbs_certificate (${b.reason})`) };
}

/** RFC 6962 leaf hash of a serialized MerkleTreeLeaf. */
export function leafHashOf(merkleTreeLeaf: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), merkleTreeLeaf);
}

/** Splits an ASN.1CertChain body (sequence of uint24-length certificates). */
function readCertList(body: Uint8Array, what: string): Uint8Array[] {
  const r = new TlsReader(body, what);
  const out: Uint8Array[] = [];
  while (r.remaining > 0) out.push(r.vec(3, 'chain certificate', 1));
  return out;
}

/**
 * Decodes one RFC 6962 get-entries item.
 * Returns the entry (with `rejected` set for a precertificate that does not match its hashed
 * TBS); throws CtLogError ('bad-base64', 'truncated', 'trailing-data', 'bad-value')
 * on any malformed input. Pure.
 */
export function decodeRfc6962Entry(index: number, leafInputB64: unknown, extraDataB64: unknown): DecodedEntry {
  try {
    const leafInput = decodeBase64(leafInputB64, 'leaf_input');
    const extra = decodeBase64(extraDataB64, 'extra_data');
    const r = new TlsReader(leafInput, 'MerkleTreeLeaf');
    const version = r.u8('version');
    if (version !== 0) throw new CtLogError('bad-value', `unknown MerkleTreeLeaf version ${version}`);
    const leafType = r.u8('leaf_type');
    if (leafType !== 0) throw new CtLogError('bad-value', `unknown MerkleLeafType ${leafType}`);
    const te = readTimestampedEntry(r);
    r.end();

    const x = new TlsReader(extra, 'extra_data');
    let der: Uint8Array;
    let chain: Uint8Array[];
    if (te.entryType === 'x509') {
      der = te.cert!;
      chain = readCertList(x.vec(3, 'certificate_chain'), 'certificate_chain');
    } else {
      der = x.vec(3, 'pre_certificate', 1);
      chain = readCertList(x.vec(3, 'precertificate_chain'), 'precertificate_chain');
    }
    x.end();
    const out: DecodedEntry = { index, timestamp: te.timestamp, entryType: te.entryType, der, chain, chainFingerprints: [], leafHash: leafHashOf(leafInput) };
    if (te.tbs) Object.assign(out, bindPrecert(index, der, te.tbs));
    return out;
  } catch (e) {
    throw wrap(e, `entry ${index}`);
  }
}

/** Re-throws CtLogErrors with the entry index in the message; anything else becomes 'bad-value'. */
function wrap(e: unknown, where: string): CtLogError {
  if (e instanceof CtLogError) return new CtLogError(e.code, `${where}: ${e.message}`, { cause: e });
  return new CtLogError('bad-value', `${where}: ${String(e)}`, { cause: e });
}

/** Reads the static-ct-api leaf_index extension (type 0, uint40) if present; null if absent. */
function leafIndexExtension(ext: Uint8Array): number | null {
  const r = new TlsReader(ext, 'CtExtensions');
  let found: number | null = null;
  while (r.remaining > 0) {
    const type = r.u8('extension_type');
    const data = r.vec(2, 'extension_data');
    if (type === 0) {
      if (data.length !== 5) throw new CtLogError('bad-value', 'leaf_index extension is not 5 bytes');
      found = new TlsReader(data, 'leaf_index').uint(5, 'leaf_index');
    }
  }
  return found;
}

/**
 * Decodes a static-ct-api data tile: a sequence of TileLeaf structures whose first entry has
 * index `firstIndex`. `expectedCount` (1..256) is the tile's width; the tile must hold exactly
 * that many entries. When a leaf carries the leaf_index extension it must equal its position.
 * Returns the entries in order (a precertificate that does not match its hashed TBS is returned
 * with `rejected` set, so the rest of the tile is still read); throws CtLogError on any
 * malformed input. Pure.
 */
export function decodeDataTile(tile: Uint8Array, firstIndex: number, expectedCount: number): DecodedEntry[] {
  const r = new TlsReader(tile, 'data tile');
  const out: DecodedEntry[] = [];
  const prefix = Uint8Array.of(0, 0, 0); // leaf-hash prefix, MerkleTreeLeaf version v1, leaf_type timestamped_entry
  while (r.remaining > 0) {
    const index = firstIndex + out.length;
    try {
      if (out.length >= expectedCount) throw new CtLogError('trailing-data', `more than ${expectedCount} entries in tile`);
      const start = r.offset;
      const te = readTimestampedEntry(r);
      const teBytes = tile.subarray(start, r.offset);
      const der = te.entryType === 'precert' ? r.vec(3, 'pre_certificate', 1) : te.cert!;
      const fps = r.vec(2, 'certificate_chain');
      if (fps.length % 32 !== 0) throw new CtLogError('bad-value', 'certificate_chain is not a list of 32-byte fingerprints');
      const chainFingerprints: Uint8Array[] = [];
      for (let o = 0; o < fps.length; o += 32) chainFingerprints.push(fps.subarray(o, o + 32));
      const li = leafIndexExtension(te.extensions);
      if (li !== null && li !== index) throw new CtLogError('bad-value', `leaf_index extension says ${li}`);
      const entry: DecodedEntry = {
        index,
        timestamp: te.timestamp,
        entryType: te.entryType,
        der,
        chain: [],
        chainFingerprints,
        leafHash: sha256(concatBytes(prefix, teBytes)),
      };
      if (te.tbs) Object.assign(entry, bindPrecert(index, der, te.tbs));
      out.push(entry);
    } catch (e) {
      throw wrap(e, `entry ${index}`);
    }
  }
  if (out.length !== expectedCount) {
    throw new CtLogError('truncated', `data tile at ${firstIndex} holds ${out.length} entries, expected ${expectedCount}`);
  }
  return out;
}
