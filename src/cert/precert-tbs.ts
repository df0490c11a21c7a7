/**
 * Binds a CT log's precertificate entry to the bytes its Merkle leaf hash covers.
 *
 * A precert entry's leaf (RFC 6962 §3.4 PreCert, static-ct-api TileLeaf) hashes only the
 * TBSCertificate the log derived from the precertificate (poison extension removed, and for a
 * Precertificate Signing Certificate the issuer name and AKI rewritten to the CA's, §3.2). The
 * precertificate itself travels beside it (`extra_data` pre_certificate, TileLeaf
 * pre_certificate) unhashed: whoever serves the log can swap it, names included, while every
 * proof still verifies. So the names must come from the hashed TBS. `bindPrecertToTbs`
 * returns a precertificate DER whose TBS is the hashed TBS (with the poison put back), cheaply:
 *   - 'same': the precertificate's TBS minus its poison is the hashed TBS byte for byte (every
 *     ordinary precertificate); the precertificate DER is returned as is, nothing allocated.
 *   - 'rebuilt': they differ only in the issuer name and the AKI extension (a Precertificate
 *     Signing Certificate); a DER is rebuilt from the hashed TBS plus the precertificate's
 *     poison, signature algorithm and signature value, so names, issuer and issuance key all
 *     come from hashed bytes (the signature no longer verifies; nothing downstream checks it).
 *   - 'mismatch': anything else (names, validity, key, serial... differ, or either side is
 *     not strict DER): the entry must be rejected.
 * Pure, never throws.
 */
import { bytesEqual, encodeLength, newTlv, OID, readTlv, TAG, type Tlv } from './der.js';
import { locateBareTbs, locateTbs, type TbsLayout } from './tbs-layout.js';

export type PrecertBinding = { result: 'same' | 'rebuilt'; der: Uint8Array } | { result: 'mismatch'; reason: string };

interface Ext {
  start: number;
  end: number;
  poison: boolean;
  aki: boolean;
}

/** The extension elements of a TBS, in order; null when not strict DER. */
function extensionsOf(der: Uint8Array, layout: TbsLayout, t: Tlv): Ext[] | null {
  const out: Ext[] = [];
  if (layout.extsValueStart < 0) return out;
  let p = layout.extsValueStart;
  while (p < layout.extsEnd) {
    if (!readTlv(der, p, layout.extsEnd, t) || t.tag !== TAG.SEQUENCE) return null;
    const start = t.start;
    const end = t.end;
    if (!readTlv(der, t.valueStart, end, t) || t.tag !== TAG.OID) return null;
    out.push({ start, end, poison: bytesEqual(der, t.valueStart, t.end, OID.ctPoison), aki: bytesEqual(der, t.valueStart, t.end, OID.authorityKeyIdentifier) });
    p = end;
  }
  return out;
}

function rangeEqual(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  return Buffer.compare(a.subarray(as, ae), b.subarray(bs, be)) === 0;
}

/**
 * The common case without allocating: the precertificate's TBS content up to the extensions
 * equals the leaf's, and its extensions with the (single) poison cut out equal the leaf's.
 */
function sameMinusPoison(pre: Uint8Array, P: TbsLayout, tbs: Uint8Array, L: TbsLayout, t: Tlv): boolean {
  if (P.extsValueStart < 0 || L.extsValueStart < 0) return false;
  if (!rangeEqual(pre, P.tbsValueStart, P.extsWrapperStart, tbs, L.tbsValueStart, L.extsWrapperStart)) return false;
  let poisonStart = -1;
  let poisonEnd = -1;
  for (let p = P.extsValueStart; p < P.extsEnd; ) {
    if (!readTlv(pre, p, P.extsEnd, t) || t.tag !== TAG.SEQUENCE) return false;
    const end = t.end;
    if (!readTlv(pre, t.valueStart, end, t) || t.tag !== TAG.OID) return false;
    if (bytesEqual(pre, t.valueStart, t.end, OID.ctPoison)) {
      if (poisonStart >= 0) return false;
      poisonStart = p;
      poisonEnd = end;
    }
    p = end;
  }
  if (poisonStart < 0) return false;
  const headLen = poisonStart - P.extsValueStart;
  return (
    rangeEqual(pre, P.extsValueStart, poisonStart, tbs, L.extsValueStart, L.extsValueStart + headLen) &&
    rangeEqual(pre, poisonEnd, P.extsEnd, tbs, L.extsValueStart + headLen, L.extsEnd)
  );
}

/**
 * Checks `precertDer` against the hashed `tbs` of its log entry; see the module comment.
 * Returns the DER to read names and the issuance key from, or 'mismatch' with a reason that
 * names the differing field (never its content).
 */
export function bindPrecertToTbs(precertDer: Uint8Array, tbs: Uint8Array): PrecertBinding {
  try {
    return bind(precertDer, tbs);
  } catch {
    return { result: 'mismatch', reason: 'unreadable' };
  }
}

function bind(pre: Uint8Array, tbs: Uint8Array): PrecertBinding {
  const t = newTlv();
  const P = locateTbs(pre, t);
  if (!P) return { result: 'mismatch', reason: 'precertificate is not a DER certificate' };
  const L = locateBareTbs(tbs, t);
  if (!L) return { result: 'mismatch', reason: 'leaf tbs_certificate is not a DER TBSCertificate' };
  if (sameMinusPoison(pre, P, tbs, L, t)) return { result: 'same', der: pre };
  // The slow path says what differs, and accepts a Precertificate Signing Certificate's rewrite.
  // Up to the issuer: version, serial, signature algorithm.
  if (!rangeEqual(pre, P.tbsValueStart, P.issuerStart, tbs, L.tbsValueStart, L.issuerStart)) return { result: 'mismatch', reason: 'serial or algorithm differ' };
  const sameIssuer = rangeEqual(pre, P.issuerStart, P.issuerEnd, tbs, L.issuerStart, L.issuerEnd);
  // Validity, subject, key, unique ids: everything between the issuer and the extensions.
  const pEnd = P.extsWrapperStart < 0 ? P.tbsEnd : P.extsWrapperStart;
  const lEnd = L.extsWrapperStart < 0 ? L.tbsEnd : L.extsWrapperStart;
  if (!rangeEqual(pre, P.issuerEnd, pEnd, tbs, L.issuerEnd, lEnd)) return { result: 'mismatch', reason: 'validity, subject or key differ' };
  const pExts = extensionsOf(pre, P, t);
  const lExts = extensionsOf(tbs, L, t);
  if (!pExts || !lExts) return { result: 'mismatch', reason: 'extensions are not DER' };
  const poisons = pExts.filter((e) => e.poison);
  if (poisons.length !== 1) return { result: 'mismatch', reason: 'precertificate has no single poison extension' };
  if (lExts.some((e) => e.poison)) return { result: 'mismatch', reason: 'leaf tbs_certificate carries the poison' };
  const pKept = pExts.filter((e) => !e.poison);
  const extsEqual = (skipAki: boolean): boolean => {
    const a = skipAki ? pKept.filter((e) => !e.aki) : pKept;
    const b = skipAki ? lExts.filter((e) => !e.aki) : lExts;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!rangeEqual(pre, a[i]!.start, a[i]!.end, tbs, b[i]!.start, b[i]!.end)) return false;
    return true;
  };
  if (sameIssuer && extsEqual(false)) return { result: 'same', der: pre };
  // A Precertificate Signing Certificate: only the issuer and the AKI may differ (RFC 6962 §3.2).
  if (!extsEqual(true)) return { result: 'mismatch', reason: 'extensions differ' };
  return { result: 'rebuilt', der: rebuild(pre, P, tbs, L, lExts, poisons[0]!) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function header(tag: number, len: number): Uint8Array {
  return Uint8Array.from([tag, ...encodeLength(len)]);
}

/** Certificate { hashed TBS with the poison appended, precert's signatureAlgorithm and signature }. */
function rebuild(pre: Uint8Array, P: TbsLayout, tbs: Uint8Array, L: TbsLayout, lExts: Ext[], poison: Ext): Uint8Array {
  const extElems = [...lExts.map((e) => tbs.subarray(e.start, e.end)), pre.subarray(poison.start, poison.end)];
  const extsLen = extElems.reduce((n, e) => n + e.length, 0);
  const seq = header(TAG.SEQUENCE, extsLen);
  const wrapper = header(TAG.CTX3_CONS, seq.length + extsLen);
  const before = tbs.subarray(L.tbsValueStart, L.extsWrapperStart < 0 ? L.tbsEnd : L.extsWrapperStart);
  const tbsContent = concat([before, wrapper, seq, ...extElems]);
  const newTbs = concat([header(TAG.SEQUENCE, tbsContent.length), tbsContent]);
  const sigPart = pre.subarray(P.tbsEnd); // signatureAlgorithm and signatureValue
  return concat([header(TAG.SEQUENCE, newTbs.length + sigPart.length), newTbs, sigPart]);
}
