/** A minimal CertEvent for the intake tests: entry `index` of a test log, with these names and DER size. */
import type { CertEvent } from '../../src/feed/types.js';

export function testEvent(index: number, opts: { derBytes?: number; names?: string[] } = {}): CertEvent {
  return {
    source: 'test',
    logUrl: 'https://log.example/',
    logName: null,
    index,
    seenAt: new Date(0),
    receivedAt: 0,
    names: opts.names ?? [`n${index}.example.com`],
    der: opts.derBytes ? new Uint8Array(opts.derBytes) : null,
    precert: null,
    fields: { subject: null, issuer: null, serialHex: null, notBefore: null, notAfter: null, sha256: null },
  };
}
