/**
 * Locates the fields of a certificate's TBSCertificate (RFC 5280 §4.1) by offset, without
 * decoding them. Shared by the fast name reader (subject, extensions) and the issuance key
 * (extensions, issuer).
 */
import { newTlv, readTlv, TAG, type Tlv } from './der.js';

/** Offsets into the certificate DER; every range is [start, end). */
export interface TbsLayout {
  /** The whole TBSCertificate element (header included). */
  tbsStart: number;
  tbsValueStart: number;
  tbsEnd: number;
  /** The issuer Name element (header included). */
  issuerStart: number;
  issuerEnd: number;
  /** The subject Name element (header included) and its content. */
  subjectStart: number;
  subjectValueStart: number;
  subjectEnd: number;
  /** The [3] extensions wrapper (header included), or -1 when absent. */
  extsWrapperStart: number;
  /** Content of the inner `SEQUENCE OF Extension`, or -1 when absent. */
  extsValueStart: number;
  extsEnd: number;
}

/**
 * Returns the layout of `der` when it is exactly one DER Certificate
 * (SEQUENCE { tbs SEQUENCE, sigAlg SEQUENCE, signature BIT STRING }, no trailing bytes) whose
 * TBSCertificate has the RFC 5280 field order; otherwise null. Never throws.
 */
export function locateTbs(der: Uint8Array, t: Tlv = newTlv()): TbsLayout | null {
  const n = der.length;
  if (!readTlv(der, 0, n, t) || t.tag !== TAG.SEQUENCE || t.end !== n) return null;
  const certEnd = t.end;
  if (!readTlv(der, t.valueStart, certEnd, t) || t.tag !== TAG.SEQUENCE) return null;
  const tbsStart = t.start;
  const tbsValueStart = t.valueStart;
  const tbsEnd = t.end;
  // signatureAlgorithm and signatureValue must follow and fill the Certificate exactly.
  if (!readTlv(der, tbsEnd, certEnd, t) || t.tag !== TAG.SEQUENCE) return null;
  if (!readTlv(der, t.end, certEnd, t) || t.tag !== TAG.BIT_STRING || t.end !== certEnd) return null;
  return layoutOfTbs(der, tbsStart, tbsValueStart, tbsEnd, t);
}

/**
 * Returns the layout of `tbs` when it is exactly one DER TBSCertificate (as RFC 6962 logs
 * store for precertificate entries), otherwise null. Never throws.
 */
export function locateBareTbs(tbs: Uint8Array, t: Tlv = newTlv()): TbsLayout | null {
  if (!readTlv(tbs, 0, tbs.length, t) || t.tag !== TAG.SEQUENCE || t.end !== tbs.length) return null;
  return layoutOfTbs(tbs, 0, t.valueStart, t.end, t);
}

function layoutOfTbs(der: Uint8Array, tbsStart: number, tbsValueStart: number, tbsEnd: number, t: Tlv): TbsLayout | null {
  let p = tbsValueStart;
  // version [0] EXPLICIT (optional)
  if (!readTlv(der, p, tbsEnd, t)) return null;
  if (t.tag === TAG.CTX0_CONS) {
    p = t.end;
    if (!readTlv(der, p, tbsEnd, t)) return null;
  }
  if (t.tag !== TAG.INTEGER) return null; // serialNumber
  if (!readTlv(der, t.end, tbsEnd, t) || t.tag !== TAG.SEQUENCE) return null; // signature
  if (!readTlv(der, t.end, tbsEnd, t) || t.tag !== TAG.SEQUENCE) return null; // issuer
  const issuerStart = t.start;
  const issuerEnd = t.end;
  if (!readTlv(der, t.end, tbsEnd, t) || t.tag !== TAG.SEQUENCE) return null; // validity
  if (!readTlv(der, t.end, tbsEnd, t) || t.tag !== TAG.SEQUENCE) return null; // subject
  const subjectStart = t.start;
  const subjectValueStart = t.valueStart;
  const subjectEnd = t.end;
  if (!readTlv(der, t.end, tbsEnd, t) || t.tag !== TAG.SEQUENCE) return null; // subjectPublicKeyInfo
  p = t.end;
  let extsWrapperStart = -1;
  let extsValueStart = -1;
  let extsEnd = -1;
  // Optional trailing fields, each at most once and in order: [1], [2], [3].
  let lastOrder = 0;
  while (p < tbsEnd) {
    if (!readTlv(der, p, tbsEnd, t)) return null;
    let order: number;
    if (t.tag === TAG.CTX1_PRIM) order = 1;
    else if (t.tag === TAG.CTX2_PRIM) order = 2;
    else if (t.tag === TAG.CTX3_CONS) order = 3;
    else return null;
    if (order <= lastOrder) return null;
    lastOrder = order;
    if (order === 3) {
      extsWrapperStart = t.start;
      const wrapperEnd = t.end;
      if (!readTlv(der, t.valueStart, wrapperEnd, t) || t.tag !== TAG.SEQUENCE || t.end !== wrapperEnd) return null;
      extsValueStart = t.valueStart;
      extsEnd = t.end;
    }
    p = t.end;
  }
  return {
    tbsStart,
    tbsValueStart,
    tbsEnd,
    issuerStart,
    issuerEnd,
    subjectStart,
    subjectValueStart,
    subjectEnd,
    extsWrapperStart,
    extsValueStart,
    extsEnd,
  };
}
