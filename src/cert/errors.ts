/** Thrown when a certificate cannot be parsed. `cause` is the underlying library error, if any. */
export class CertParseError extends Error {
  readonly code = 'CERT_PARSE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CertParseError';
  }
}

/** Thrown by issuanceKeyFromFields when a message carries nothing that identifies the certificate. */
export class IssuanceKeyError extends Error {
  readonly code = 'ISSUANCE_KEY' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuanceKeyError';
  }
}
