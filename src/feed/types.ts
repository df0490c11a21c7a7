/**
 * What every source (CertStream WebSocket, replay file, CT log reader) hands to the pipeline.
 * Sources decode their own wire format into CertEvents; everything after that is shared.
 */

/** Fields a CertStream message carries about the leaf, used when no DER is available (lite stream). */
export interface MessageCertFields {
  subject: string | null;
  issuer: string | null;
  serialHex: string | null;
  notBefore: Date | null;
  notAfter: Date | null;
  sha256: string | null;
}

export interface CertEvent {
  /** Which configured source produced this (e.g. the feed URL or "replay:FILE"); never a name from a cert. */
  source: string;
  /** CT log the entry came from (CertStream `source.url`), or null if unknown. */
  logUrl: string | null;
  logName: string | null;
  /** Entry index in that log (`cert_index`), or null. */
  index: number | null;
  /** When the source saw the entry. */
  seenAt: Date;
  /** When ctwatch received it (for latency measurements). */
  receivedAt: number;
  /** Names the message carried (`all_domains`), or null when it carried none. */
  names: string[] | null;
  /** Leaf certificate (or precertificate) DER, or null when the source did not include it. */
  der: Uint8Array | null;
  /** True for precertificate entries when the source says so, else null (unknown). */
  precert: boolean | null;
  fields: MessageCertFields;
}

/** A source of CertEvents. */
export interface Source {
  readonly id: string;
  /** Starts producing events; resolves once started (not when finished). Throws only on programmer error. */
  start(): Promise<void>;
  /** Stops producing events and releases sockets/files. Idempotent. */
  close(): Promise<void>;
}
