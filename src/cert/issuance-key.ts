/**
 * The identity of an issuance: one key for a precertificate, its final certificate, and every
 * log either was submitted to, so the store keeps one hit per (issuance, rule).
 *
 * With DER (full stream, CT logs): SHA-256 of the TBSCertificate re-encoded without the CT
 * poison extension (1.3.6.1.4.1.11129.2.4.3) and without the embedded SCT list extension
 * (1.3.6.1.4.1.11129.2.4.2). RFC 6962 §3.1-3.3: a CA builds the precertificate's TBS, adds the
 * poison, logs it, then issues the final certificate with the same TBS minus the poison plus
 * the SCT list. Removing both extensions (keeping every other byte as encoded) therefore gives
 * the same bytes for both. This is the approach SSLMate's certspotter takes. Hashing the whole
 * TBS (not just issuer+serial) also keeps two distinct certificates that reuse a serial apart.
 *
 * Precertificate Signing Certificates (RFC 6962 §3.1): a CA may sign precertificates with a
 * dedicated certificate carrying EKU 1.3.6.1.4.1.11129.2.4.4. Such a precertificate's issuer
 * name and authority key identifier are those of the signing certificate, not of the CA, so its
 * TBS differs from the final certificate's in those two fields. When the caller has the
 * precertificate's issuer (chain[0] of the log entry) it can pass it as `issuerDer`: if that
 * issuer is a Precertificate Signing Certificate, the issuer name and AKI are replaced by the
 * signing certificate's own issuer name and AKI, which is exactly the transformation RFC 6962
 * §3.2 prescribes for the log's PreCert entry. Without the chain the two keys differ and the
 * same issuance can produce two hits (one extra alert, never a missed one). CT logs' precert
 * entries already carry the transformed TBS, and CertStream servers do not send the signing
 * certificate in `as_der`, so this is rare in practice (the feature is used by few CAs).
 *
 * Without DER (lite stream, or certstream-server-go's empty `as_der` for tiled logs):
 * issuanceKeyFromFields uses issuer + serial, which RFC 5280 §4.1.2.2 makes unique per CA and
 * which a precertificate shares with its final certificate; the issuer string is the feed's own
 * rendering, so these keys are only comparable within one feed format, and never equal a
 * `tbs:` key (a daemon that mixes full and lite feeds may store one duplicate per issuance).
 */
import { createHash } from 'node:crypto';
import { bytesEqual, encodeLength, newTlv, OID, readTlv, TAG } from './der.js';
import { CertParseError, IssuanceKeyError } from './errors.js';
import { locateBareTbs, locateTbs, type TbsLayout } from './tbs-layout.js';

/**
 * Returns `tbs:<sha256 hex>` for a DER certificate or precertificate (see the module comment).
 * `issuerDer`, optional, is the DER of the certificate that signed `der`; it only matters when
 * that issuer is a Precertificate Signing Certificate. Pure and deterministic.
 * Throws CertParseError when `der` (or a given `issuerDer`) is not strict DER with the
 * RFC 5280 TBSCertificate layout.
 */
export function issuanceKeyFromDer(der: Uint8Array, issuerDer?: Uint8Array | null): string {
  const layout = locateTbs(der);
  if (!layout) throw new CertParseError('certificate is not a DER Certificate');
  let replacement: PrecertSignerReplacement | null = null;
  if (issuerDer) replacement = precertSigningReplacement(issuerDer);
  return keyOf(der, layout, replacement);
}

/**
 * Returns `tbs:<sha256 hex>` for a bare TBSCertificate, as RFC 6962 logs store in a precert
 * entry's leaf (already transformed by the log for Precertificate Signing Certificates, and
 * without the poison), so a log reader without the full precertificate gets the same key as
 * issuanceKeyFromDer gives the precertificate and the final certificate. Pure.
 * Throws CertParseError when `tbs` is not exactly one strict DER TBSCertificate.
 */
export function issuanceKeyFromTbs(tbs: Uint8Array): string {
  const layout = locateBareTbs(tbs);
  if (!layout) throw new CertParseError('input is not a DER TBSCertificate');
  return keyOf(tbs, layout, null);
}

interface PrecertSignerReplacement {
  issuerName: Uint8Array;
  akiExtension: Uint8Array | null;
}

/** SHA-256 over the TBS re-encoded without poison and SCT list (and with a PSC replacement). */
function keyOf(der: Uint8Array, layout: TbsLayout, replacement: PrecertSignerReplacement | null): string {
  // undefined: keep the AKI as is; null: drop it; bytes: replace it.
  const newAki = replacement ? replacement.akiExtension : undefined;
  const parts: Uint8Array[] = [];
  // TBS content up to the issuer, the (possibly replaced) issuer, then up to the extensions.
  parts.push(der.subarray(layout.tbsValueStart, layout.issuerStart));
  parts.push(replacement ? replacement.issuerName : der.subarray(layout.issuerStart, layout.issuerEnd));
  if (layout.extsWrapperStart < 0) {
    parts.push(der.subarray(layout.issuerEnd, layout.tbsEnd));
  } else {
    parts.push(der.subarray(layout.issuerEnd, layout.extsWrapperStart));
    const kept = keptExtensions(der, layout, newAki);
    let extsLen = 0;
    for (const k of kept) extsLen += k.length;
    const seqHeader = Uint8Array.from([TAG.SEQUENCE, ...encodeLength(extsLen)]);
    const wrapperHeader = Uint8Array.from([TAG.CTX3_CONS, ...encodeLength(seqHeader.length + extsLen)]);
    parts.push(wrapperHeader, seqHeader, ...kept);
    // Nothing follows [3] in a TBSCertificate (the layout enforces the order).
  }
  let contentLen = 0;
  for (const p of parts) contentLen += p.length;
  const hash = createHash('sha256');
  hash.update(Uint8Array.from([TAG.SEQUENCE, ...encodeLength(contentLen)]));
  for (const p of parts) hash.update(p);
  return `tbs:${hash.digest('hex')}`;
}

/**
 * Returns a key for a message without DER: `iss:<sha256 of issuer NUL serial>` when both are
 * known (serial normalised: separators removed, lower-case, leading zeros dropped, so "0A:BC",
 * "0abc" and "ABC" agree, since CertStream servers differ in how they print serials), else
 * `sha256:<fingerprint>` (dedupes the same certificate across logs, but not a precertificate
 * against its final certificate). Throws IssuanceKeyError when none of them is known.
 * Pure and deterministic.
 */
export function issuanceKeyFromFields(issuer: string | null, serialHex: string | null, sha256: string | null): string {
  const serial = serialHex == null ? '' : normaliseSerial(serialHex);
  if (issuer != null && issuer !== '' && serial !== '') {
    return `iss:${createHash('sha256').update(`${issuer}\u0000${serial}`, 'utf8').digest('hex')}`;
  }
  const fp = sha256 == null ? '' : sha256.replace(/[:\s]/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(fp)) return `sha256:${fp}`;
  throw new IssuanceKeyError('message has neither issuer and serial nor a SHA-256 fingerprint');
}

function normaliseSerial(s: string): string {
  const hex = s.replace(/[:\s-]/g, '').toLowerCase().replace(/^0+/, '');
  return hex === '' && /0/.test(s) ? '0' : hex;
}

/** Extension elements to keep, in order, with poison and SCT list removed and AKI handled. */
function keptExtensions(der: Uint8Array, layout: TbsLayout, newAki: Uint8Array | null | undefined): Uint8Array[] {
  const t = newTlv();
  const oid = newTlv();
  const kept: Uint8Array[] = [];
  let p = layout.extsValueStart;
  while (p < layout.extsEnd) {
    if (!readTlv(der, p, layout.extsEnd, t) || t.tag !== TAG.SEQUENCE) {
      throw new CertParseError('malformed extension list');
    }
    if (!readTlv(der, t.valueStart, t.end, oid) || oid.tag !== TAG.OID) {
      throw new CertParseError('malformed extension');
    }
    const isPoison = bytesEqual(der, oid.valueStart, oid.end, OID.ctPoison);
    const isSct = bytesEqual(der, oid.valueStart, oid.end, OID.ctSctList);
    const isAki = bytesEqual(der, oid.valueStart, oid.end, OID.authorityKeyIdentifier);
    if (isAki && newAki !== undefined) {
      if (newAki) kept.push(newAki);
    } else if (!isPoison && !isSct) {
      kept.push(der.subarray(t.start, t.end));
    }
    p = t.end;
  }
  return kept;
}

/**
 * When `issuerDer` is a Precertificate Signing Certificate (EKU 1.3.6.1.4.1.11129.2.4.4),
 * returns its issuer Name element and its AKI extension element (null if it has none);
 * otherwise null.
 */
function precertSigningReplacement(issuerDer: Uint8Array): PrecertSignerReplacement | null {
  const layout = locateTbs(issuerDer);
  if (!layout) throw new CertParseError('issuer certificate is not a DER Certificate');
  if (layout.extsWrapperStart < 0) return null;
  const t = newTlv();
  const f = newTlv();
  let isPrecertSigner = false;
  let aki: Uint8Array | null = null;
  let p = layout.extsValueStart;
  while (p < layout.extsEnd) {
    if (!readTlv(issuerDer, p, layout.extsEnd, t) || t.tag !== TAG.SEQUENCE) return null;
    const extStart = t.start;
    const extEnd = t.end;
    if (!readTlv(issuerDer, t.valueStart, extEnd, f) || f.tag !== TAG.OID) return null;
    const oidStart = f.valueStart;
    const oidEnd = f.end;
    if (bytesEqual(issuerDer, oidStart, oidEnd, OID.authorityKeyIdentifier)) {
      aki = issuerDer.subarray(extStart, extEnd);
    } else if (bytesEqual(issuerDer, oidStart, oidEnd, OID.extKeyUsage)) {
      isPrecertSigner = ekuHasPrecertSigning(issuerDer, f.end, extEnd);
    }
    p = extEnd;
  }
  if (!isPrecertSigner) return null;
  return { issuerName: issuerDer.subarray(layout.issuerStart, layout.issuerEnd), akiExtension: aki };
}

/** EKU extension body after the OID: [critical BOOLEAN] OCTET STRING { SEQUENCE OF OID }. */
function ekuHasPrecertSigning(der: Uint8Array, pos: number, end: number): boolean {
  const t = newTlv();
  if (!readTlv(der, pos, end, t)) return false;
  if (t.tag === TAG.BOOLEAN && !readTlv(der, t.end, end, t)) return false;
  if (t.tag !== TAG.OCTET_STRING) return false;
  const seqEnd = t.end;
  if (!readTlv(der, t.valueStart, seqEnd, t) || t.tag !== TAG.SEQUENCE) return false;
  let p = t.valueStart;
  const listEnd = t.end;
  while (p < listEnd) {
    if (!readTlv(der, p, listEnd, t) || t.tag !== TAG.OID) return false;
    if (bytesEqual(der, t.valueStart, t.end, OID.ctPrecertSigning)) return true;
    p = t.end;
  }
  return false;
}
