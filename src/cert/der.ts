/**
 * A minimal, strict DER element reader shared by the fast name reader and the issuance key.
 *
 * Why hand-written: the hot path reads every certificate of the firehose, and a general ASN.1
 * library allocates an object tree per certificate (about 4 ms each with @peculiar/x509). Here a
 * single mutable cursor is reused and nothing is allocated while walking.
 *
 * Strictness is the safety property: anything that is not plain DER (multi-byte tags,
 * indefinite or non-minimal lengths, elements overrunning their parent) makes `readTlv`
 * return false, and callers treat that as "not sure" and fall back to the full parser.
 */

/** One decoded element header; reused by callers to avoid allocation. */
export interface Tlv {
  /** The single identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  valueStart: number;
  /** Offset just past the last content octet. */
  end: number;
}

export function newTlv(): Tlv {
  return { tag: 0, start: 0, valueStart: 0, end: 0 };
}

/**
 * Reads the element starting at `pos`, which must end at or before `limit`.
 * Returns true and fills `out` on success; returns false (out is then unspecified) on any
 * deviation from DER: high tag numbers, indefinite length, non-minimal length, lengths
 * of more than 4 octets, or an element that does not fit before `limit`. Never throws.
 */
export function readTlv(buf: Uint8Array, pos: number, limit: number, out: Tlv): boolean {
  if (pos + 2 > limit) return false;
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) return false; // high-tag-number form: never used in certificates
  let lenByte = buf[pos + 1]!;
  let p = pos + 2;
  let len: number;
  if (lenByte < 0x80) {
    len = lenByte;
  } else {
    const n = lenByte & 0x7f;
    // 0x80 is indefinite length (BER only); more than 4 octets cannot fit a certificate.
    if (n === 0 || n > 4 || p + n > limit) return false;
    if (buf[p] === 0) return false; // non-minimal: leading zero octet
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    if (len < 0x80) return false; // non-minimal: should have used the short form
    p += n;
  }
  if (p + len > limit) return false;
  out.tag = tag;
  out.start = pos;
  out.valueStart = p;
  out.end = p + len;
  return true;
}

/** True when buf[start, end) equals the bytes of `pattern`. */
export function bytesEqual(buf: Uint8Array, start: number, end: number, pattern: Uint8Array): boolean {
  if (end - start !== pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) if (buf[start + i] !== pattern[i]) return false;
  return true;
}

/** DER length octets for `len` (definite, minimal). */
export function encodeLength(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  let n = len;
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

/**
 * Tags used when walking certificates. Typed as plain numbers (not literals) so that comparing
 * a reused Tlv's tag does not narrow it for the rest of the function.
 */
export const TAG: Readonly<Record<
  | 'BOOLEAN' | 'INTEGER' | 'BIT_STRING' | 'OCTET_STRING' | 'OID' | 'UTF8_STRING' | 'PRINTABLE_STRING'
  | 'TELETEX_STRING' | 'IA5_STRING' | 'BMP_STRING' | 'SEQUENCE' | 'SET' | 'CTX0_CONS' | 'CTX1_PRIM'
  | 'CTX2_PRIM' | 'CTX3_CONS' | 'NUMERIC_STRING' | 'VISIBLE_STRING',
  number
>> = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  VISIBLE_STRING: 0x1a,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** TBSCertificate version: [0] EXPLICIT. */
  CTX0_CONS: 0xa0,
  /** TBSCertificate issuerUniqueID / subjectUniqueID: [1] / [2] IMPLICIT BIT STRING. */
  CTX1_PRIM: 0x81,
  CTX2_PRIM: 0x82,
  /** TBSCertificate extensions: [3] EXPLICIT. */
  CTX3_CONS: 0xa3,
};

/** Content octets of the OIDs ctwatch cares about. */
export const OID = {
  /** 2.5.4.3 id-at-commonName */
  commonName: Uint8Array.of(0x55, 0x04, 0x03),
  /** 2.5.29.17 id-ce-subjectAltName */
  subjectAltName: Uint8Array.of(0x55, 0x1d, 0x11),
  /** 2.5.29.35 id-ce-authorityKeyIdentifier */
  authorityKeyIdentifier: Uint8Array.of(0x55, 0x1d, 0x23),
  /** 2.5.29.37 id-ce-extKeyUsage */
  extKeyUsage: Uint8Array.of(0x55, 0x1d, 0x25),
  /** 1.3.6.1.4.1.11129.2.4.3 CT precertificate poison (RFC 6962 §3.1) */
  ctPoison: Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x03),
  /** 1.3.6.1.4.1.11129.2.4.2 CT embedded SCT list (RFC 6962 §3.3) */
  ctSctList: Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02),
  /** 1.3.6.1.4.1.11129.2.4.4 CT Precertificate Signing Certificate EKU (RFC 6962 §3.1) */
  ctPrecertSigning: Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x04),
} as const;
