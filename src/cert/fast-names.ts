/**
 * The fast, exact name reader for the hot path: every full-stream message's DER goes through
 * here, so it must cost microseconds, not the milliseconds of a full @peculiar/x509 parse.
 *
 * Contract (the safety property): `readCertNames` returns exactly the DNS names and poison flag
 * that `parseCertificate` (full-parse.ts) returns, or null. Null means "not sure" and the
 * caller runs the full parse, so null is always safe and a wrong non-null answer never is.
 * It therefore gives up on anything unusual instead of guessing: non-DER lengths, unexpected
 * tags, trailing bytes, duplicate SAN extensions, SAN entries the library rejects (otherName,
 * x400Address, ediPartyName), or CN string types it renders oddly (UniversalString) or not at
 * all. The differential test
 * (test/cert/fast-names-differential.test.ts) holds it to this on real, generated and mutated
 * certificates.
 */
import { Buffer } from 'node:buffer';
import { bytesEqual, newTlv, OID, readTlv, TAG, type Tlv } from './der.js';
import { locateTbs, type TbsLayout } from './tbs-layout.js';

export interface FastCertNames {
  /** Same as CertDetails.dnsNames: SAN dNSNames, then subject CNs not already present. */
  dnsNames: string[];
  /** Same as CertDetails.precert: the CT poison extension is present. */
  precert: boolean;
}

/** asn1js's UTF8String decoding (via pvtsutils): strict UTF-8, else the octets as latin1. */
function asn1jsUtf8(latin1: string): string {
  try {
    return decodeURIComponent(escape(latin1));
  } catch {
    return latin1;
  }
}

/** GeneralName tags (RFC 5280 §4.2.1.6, IMPLICIT context tags). */
const GN_OTHER_NAME = 0xa0;
const GN_DNS_NAME = 0x82;
/** GeneralName alternatives @peculiar/x509 decodes (and so may be skipped here). */
const GN_SKIPPABLE = new Set([0x81 /* rfc822Name */, 0x86 /* URI */, 0x87 /* iPAddress */, 0x88 /* registeredID */, 0xa4 /* directoryName */]);

/**
 * Reads the names of a DER certificate or precertificate. Returns the names and poison flag,
 * or null whenever the input is not certainly read the way parseCertificate reads it.
 * Never throws, pure, allocation-light (one layout object plus the result strings).
 */
export function readCertNames(der: Uint8Array): FastCertNames | null {
  try {
    return read(der);
  } catch {
    // Defensive: the walker is bounds-checked and should not throw; if it ever does,
    // "not sure" is the safe answer.
    return null;
  }
}

function read(der: Uint8Array): FastCertNames | null {
  const t = newTlv();
  const layout = locateTbs(der, t);
  if (!layout) return null;
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const names: string[] = [];
  let precert = false;
  if (layout.extsValueStart >= 0) {
    const r = readExtensions(buf, layout, t, names);
    if (r < 0) return null;
    precert = r === 1;
  }
  if (!readSubjectCommonNames(buf, layout, t, names)) return null;
  return { dnsNames: names, precert };
}

/** Walks the extensions; appends SAN dNSNames. Returns -1 (unsure), 0, or 1 (poison seen). */
function readExtensions(buf: Buffer, layout: TbsLayout, t: Tlv, names: string[]): number {
  let poison = false;
  let sanSeen = false;
  let p = layout.extsValueStart;
  const end = layout.extsEnd;
  while (p < end) {
    if (!readTlv(buf, p, end, t) || t.tag !== TAG.SEQUENCE) return -1;
    const extEnd = t.end;
    if (!readTlv(buf, t.valueStart, extEnd, t) || t.tag !== TAG.OID) return -1;
    const oidStart = t.valueStart;
    const oidEnd = t.end;
    if (!readTlv(buf, oidEnd, extEnd, t)) return -1;
    if (t.tag === TAG.BOOLEAN) {
      if (t.end - t.valueStart !== 1) return -1;
      if (!readTlv(buf, t.end, extEnd, t)) return -1;
    }
    if (t.tag !== TAG.OCTET_STRING || t.end !== extEnd) return -1;
    if (bytesEqual(buf, oidStart, oidEnd, OID.subjectAltName)) {
      if (sanSeen) return -1; // the library would only read the first one
      sanSeen = true;
      if (!readSanDnsNames(buf, t.valueStart, t.end, t, names)) return -1;
    } else if (bytesEqual(buf, oidStart, oidEnd, OID.ctPoison)) {
      poison = true;
    }
    p = extEnd;
  }
  return poison ? 1 : 0;
}

/** Reads `GeneralNames` filling exactly [start, end); appends non-empty dNSNames. */
function readSanDnsNames(buf: Buffer, start: number, end: number, t: Tlv, names: string[]): boolean {
  if (!readTlv(buf, start, end, t) || t.tag !== TAG.SEQUENCE || t.end !== end) return false;
  let p = t.valueStart;
  while (p < end) {
    if (!readTlv(buf, p, end, t)) return false;
    const tag = t.tag;
    if (tag === GN_DNS_NAME) {
      // IA5String: the library maps each octet to one UTF-16 code unit (latin1).
      if (t.end > t.valueStart) names.push(buf.toString('latin1', t.valueStart, t.end));
    } else if (tag === GN_OTHER_NAME || !GN_SKIPPABLE.has(tag)) {
      return false; // otherName (only GUID/UPN accepted by the library), x400, ediParty, unknown
    }
    p = t.end;
  }
  return true;
}

/** Appends subject CN values not already present. Returns false when unsure. */
function readSubjectCommonNames(buf: Buffer, layout: TbsLayout, t: Tlv, names: string[]): boolean {
  const end = layout.subjectEnd;
  let p = layout.subjectValueStart;
  // Small lists (nearly all certificates) are searched linearly; a hostile certificate with
  // thousands of SANs and CNs gets a set, so the check stays linear overall.
  let seen: Set<string> | null = null;
  while (p < end) {
    if (!readTlv(buf, p, end, t) || t.tag !== TAG.SET) return false;
    const setEnd = t.end;
    let q = t.valueStart;
    while (q < setEnd) {
      if (!readTlv(buf, q, setEnd, t) || t.tag !== TAG.SEQUENCE) return false;
      const atvEnd = t.end;
      if (!readTlv(buf, t.valueStart, atvEnd, t) || t.tag !== TAG.OID) return false;
      const isCn = bytesEqual(buf, t.valueStart, t.end, OID.commonName);
      if (!readTlv(buf, t.end, atvEnd, t) || t.end !== atvEnd) return false;
      if (isCn) {
        const cn = decodeDirectoryString(buf, t);
        if (cn === null) return false;
        if (cn !== '') {
          if (seen === null && names.length > 16) seen = new Set(names);
          if (seen === null ? !names.includes(cn) : !seen.has(cn)) {
            names.push(cn);
            seen?.add(cn);
          }
        }
      }
      q = atvEnd;
    }
    p = setEnd;
  }
  return true;
}

/** Decodes a CN value exactly as the library does, or returns null for anything else. */
function decodeDirectoryString(buf: Buffer, t: Tlv): string | null {
  const s = t.valueStart;
  const e = t.end;
  switch (t.tag) {
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.TELETEX_STRING:
    case TAG.VISIBLE_STRING: // read by full-parse.ts itself, also as latin1
    case TAG.NUMERIC_STRING:
      return buf.toString('latin1', s, e); // one octet, one code unit, as asn1js does
    case TAG.UTF8_STRING: {
      const raw = buf.toString('latin1', s, e);
      for (let i = s; i < e; i++) {
        // Non-ASCII: decode exactly as asn1js does (decodeURIComponent over the octets, and the
        // raw octets as latin1 when that fails), so odd input gives the same string, not a guess.
        if (buf[i]! >= 0x80) return asn1jsUtf8(raw);
      }
      return raw;
    }
    case TAG.BMP_STRING: {
      if ((e - s) % 2 !== 0) return null;
      let out = '';
      for (let i = s; i < e; i += 2) out += String.fromCharCode((buf[i]! << 8) | buf[i + 1]!);
      return out;
    }
    default:
      return null;
  }
}

/**
 * Decodes standard, padded base64 (RFC 4648 §4) or returns null when `s` is not exactly that:
 * wrong length, characters outside the alphabet, whitespace, base64url, misplaced padding.
 * Node's own decoder silently skips invalid characters (and accepts the base64url alphabet), so
 * a corrupted `as_der` would otherwise decode to plausible garbage. "" decodes to an empty
 * array. Pure.
 *
 * How, cheaply (about 1 µs for a 2 KB certificate instead of 7 µs with a regular expression):
 * every skipped or misplaced character makes Node's output shorter than the 3 bytes per
 * 4 characters (minus padding) that a valid string yields, so an exact length check after
 * decoding catches it; the only characters Node accepts beyond the standard alphabet are
 * "-" and "_", which are rejected up front. A test holds this against a regular expression.
 */
export function strictBase64Decode(s: string): Uint8Array | null {
  if (typeof s !== 'string' || s.length % 4 !== 0) return null;
  if (s.indexOf('-') !== -1 || s.indexOf('_') !== -1) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const b = Buffer.from(s, 'base64');
  if (b.length !== (s.length / 4) * 3 - pad) return null;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
