/**
 * The one error type of the CT log source. Every failure (malformed bytes, bad signature,
 * HTTP trouble, an inconsistent tree) is a CtLogError with a stable `code` and, where there
 * was an underlying error, a `cause`. Messages never contain certificate names.
 */
export type CtLogErrorCode =
  | 'truncated' // input ended before a structure was complete
  | 'trailing-data' // bytes left over after a complete structure
  | 'bad-value' // a field holds a value the format forbids (unknown enum, too large)
  | 'bad-json' // a JSON body is not of the expected shape
  | 'bad-base64'
  | 'bad-note' // signed note / checkpoint text is malformed
  | 'bad-signature' // a signature did not verify
  | 'no-signature' // no signature line from the expected key
  | 'unsupported-key' // the log key is of a type we cannot verify
  | 'bad-proof' // a Merkle proof or tile did not check out
  | 'inconsistent-tree' // served data contradicts a signed tree head
  | 'issuer-mismatch' // an issuer served does not hash to its fingerprint
  | 'precert-mismatch' // a precertificate does not carry the TBS its leaf hash covers
  | 'bad-loglist'
  | 'http' // non-success HTTP status after retries
  | 'too-large' // a response body (after decompression) over the size cap
  | 'network' // fetch itself failed
  | 'timeout'
  | 'aborted';

export class CtLogError extends Error {
  readonly code: CtLogErrorCode;
  override readonly cause: unknown;
  /** HTTP status when code is 'http'. */
  readonly status?: number;

  constructor(code: CtLogErrorCode, message: string, opts: { cause?: unknown; status?: number } = {}) {
    super(message);
    this.name = 'CtLogError';
    this.code = code;
    this.cause = opts.cause;
    if (opts.status !== undefined) this.status = opts.status;
  }
}

/** True if `e` is a CtLogError (optionally with the given code). */
export function isCtLogError(e: unknown, code?: CtLogErrorCode): e is CtLogError {
  return e instanceof CtLogError && (code === undefined || e.code === code);
}
