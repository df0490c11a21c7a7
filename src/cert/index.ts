/**
 * The certificate stage's public interface. Pure (no I/O).
 *
 * Hot path, every message: strictBase64Decode(as_der) -> readCertNames(der) (about 1 µs) ->
 * match; when it returns null, or for candidates, parseCertificate(der) (about 2-4 ms) fills
 * the hit. issuanceKeyFromDer / issuanceKeyFromFields give the dedupe key of the store.
 */
export type { CertDetails } from './types.js';
export { parseCertificate, CertParseError, CT_POISON_OID, MAX_CERT_DER_BYTES } from './full-parse.js';
export { readCertNames, strictBase64Decode, type FastCertNames } from './fast-names.js';
export { issuanceKeyFromDer, issuanceKeyFromFields, issuanceKeyFromTbs } from './issuance-key.js';
export { IssuanceKeyError } from './errors.js';
