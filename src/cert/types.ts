/** What ctwatch needs to know about a certificate, from a full parse. */
export interface CertDetails {
  /** DNS names from subjectAltName dNSName entries, then subject CNs not already present; in certificate order. */
  dnsNames: string[];
  /** RFC 4514-style distinguished names as rendered by @peculiar/x509. */
  subjectDn: string;
  issuerDn: string;
  /** Serial number as lower-case hex without separators or leading "00" padding. */
  serialHex: string;
  notBefore: Date | null;
  notAfter: Date | null;
  /** SHA-256 of the DER, lower-case hex. */
  sha256: string;
  /** True when the CT poison extension (1.3.6.1.4.1.11129.2.4.3) is present. */
  precert: boolean;
  /**
   * Identifies the issuance, the same for a precertificate and its final certificate:
   * see issuance-key.ts for why and how.
   */
  issuanceKey: string;
}
