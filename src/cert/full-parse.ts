/**
 * Full certificate parse with @peculiar/x509: the slow (about 4 ms), complete path, run only for
 * candidates whose names matched, to fill a hit's details.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { X509Certificate, SubjectAlternativeNameExtension } from '@peculiar/x509';
import type { CertDetails } from './types.js';
import { CertParseError } from './errors.js';
import { newTlv, readTlv, TAG } from './der.js';
import { issuanceKeyFromDer, issuanceKeyFromFields } from './issuance-key.js';

/** OID of the CT precertificate poison extension (RFC 6962 §3.1). */
export const CT_POISON_OID = '1.3.6.1.4.1.11129.2.4.3';
const SAN_OID = '2.5.29.17';
const CN_OID = '2.5.4.3';

/**
 * Largest DER accepted. Real certificates are a few KB (the biggest multi-SAN ones stay well
 * under 100 KB); refusing absurd inputs up front bounds the library's time and memory.
 */
export const MAX_CERT_DER_BYTES = 1 << 20;

export { CertParseError };

/**
 * Parses one DER certificate (or precertificate) and returns every CertDetails field.
 *
 * dnsNames: SAN dNSName values, then subject CN values not already present, in certificate
 * order, exactly as encoded (no case folding, no IDNA: normalising is the matcher's job).
 * Empty strings are left out. A CN whose value is not a string type (the library would render
 * it as hex) is left out too: it is not a name. serialHex: lower-case hex of the serial's
 * content octets without leading zero octets ("0" for zero).
 *
 * Throws CertParseError (code CERT_PARSE, cause = library error) for anything it cannot parse,
 * including input larger than MAX_CERT_DER_BYTES. Pure, no I/O; same input, same output.
 * asn1js's resource limits (depth, node count) bound the work on hostile DER.
 */
export function parseCertificate(der: Uint8Array): CertDetails {
  if (!(der instanceof Uint8Array) || der.length === 0) {
    throw new CertParseError('certificate DER is empty');
  }
  if (der.length > MAX_CERT_DER_BYTES) {
    throw new CertParseError(`certificate DER is too large (${der.length} bytes)`);
  }
  let cert: X509Certificate;
  try {
    // Copy into a fresh ArrayBuffer: the library reads the whole underlying buffer of some views.
    // (Uint8Array.prototype.slice, not Buffer's: Buffer#slice is a view into the shared pool.)
    cert = new X509Certificate(Uint8Array.prototype.slice.call(der).buffer);
  } catch (err) {
    throw new CertParseError('certificate does not parse', { cause: err });
  }
  try {
    return detailsOf(cert, der);
  } catch (err) {
    if (err instanceof CertParseError) throw err;
    throw new CertParseError('certificate fields do not parse', { cause: err });
  }
}

/**
 * The parts of the library's ASN.1 model read here. `asn` is a protected member of
 * X509Certificate; reading it avoids a second parse of the DER just to get the raw serial and
 * the subject's typed attribute values (the public Name API renders non-string values as hex,
 * indistinguishable from a string CN that starts with '#'). The tests pin this down.
 */
interface CertAsnView {
  tbsCertificate: {
    serialNumber: ArrayBuffer;
    subject: Iterable<Iterable<{ type: string; value: { anyValue?: ArrayBuffer | null; toString(): string } }>>;
  };
}

function asnOf(cert: X509Certificate): CertAsnView {
  return (cert as unknown as { asn: CertAsnView }).asn;
}

function detailsOf(cert: X509Certificate, der: Uint8Array): CertDetails {
  const dnsNames: string[] = [];
  const seen = new Set<string>();
  const san = cert.getExtension(SubjectAlternativeNameExtension);
  if (san && san.type === SAN_OID) {
    for (const gn of san.names.items) {
      if (gn.type === 'dns' && gn.value !== '') {
        dnsNames.push(gn.value);
        seen.add(gn.value);
      }
    }
  }
  for (const cn of subjectCommonNames(cert)) {
    if (cn !== '' && !seen.has(cn)) {
      dnsNames.push(cn);
      seen.add(cn);
    }
  }
  const sha256 = createHash('sha256').update(der).digest('hex');
  const serialHex = serialToHex(new Uint8Array(asnOf(cert).tbsCertificate.serialNumber));
  const issuerDn = cert.issuer;
  let issuanceKey: string;
  try {
    issuanceKey = issuanceKeyFromDer(der);
  } catch {
    // The library accepted something our strict DER walker did not (e.g. BER leniency):
    // fall back to the message-field identity so the hit still deduplicates across logs.
    issuanceKey = issuanceKeyFromFields(issuerDn, serialHex, sha256);
  }
  return {
    dnsNames,
    subjectDn: cert.subject,
    issuerDn,
    serialHex,
    notBefore: validDate(cert.notBefore),
    notAfter: validDate(cert.notAfter),
    sha256,
    precert: cert.extensions.some((e) => e.type === CT_POISON_OID),
    issuanceKey,
  };
}

/** Subject commonName values that are strings, in encoding order. */
function subjectCommonNames(cert: X509Certificate): string[] {
  const out: string[] = [];
  for (const rdn of asnOf(cert).tbsCertificate.subject) {
    for (const atv of rdn) {
      if (atv.type !== CN_OID) continue;
      const v = atv.value;
      if (v.anyValue) {
        // Not one of the DirectoryString types: the library would render hex. VisibleString
        // and NumericString are ASCII text, so read them (a CN must not hide behind its
        // string type); anything else is not a name.
        const s = asciiStringFromTlv(new Uint8Array(v.anyValue));
        if (s !== null) out.push(s);
        continue;
      }
      const s = v.toString();
      if (typeof s === 'string') out.push(s);
    }
  }
  return out;
}

/** Content of a VisibleString or NumericString element as latin1 text, else null. */
function asciiStringFromTlv(bytes: Uint8Array): string | null {
  const t = newTlv();
  if (!readTlv(bytes, 0, bytes.length, t) || t.end !== bytes.length) return null;
  if (t.tag !== TAG.VISIBLE_STRING && t.tag !== TAG.NUMERIC_STRING) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset + t.valueStart, t.end - t.valueStart).toString('latin1');
}

/** Lower-case hex of the serial's content octets without leading zero octets ("0" for zero). */
export function serialToHex(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const hex = Buffer.from(bytes.subarray(i)).toString('hex');
  return hex === '' || /^0+$/.test(hex) ? '0' : hex;
}

function validDate(d: Date): Date | null {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d : null;
}
