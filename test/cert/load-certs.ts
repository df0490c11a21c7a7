/** Test helper: reads the certificate fixtures (PEM or DER files) into DER bytes. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'certs');

export interface CertFile {
  /** Path relative to the fixtures folder, e.g. "valid/ct__aia.pem". */
  name: string;
  path: string;
  /** DER of the first PEM CERTIFICATE block, or the raw bytes when the file has no PEM block. */
  der: Uint8Array;
  format: 'pem' | 'der';
}

const PEM_RE = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/;

/** Decodes the first PEM certificate block of `bytes`, or returns the bytes as DER. */
export function toDer(bytes: Uint8Array): { der: Uint8Array; format: 'pem' | 'der' } {
  const text = Buffer.from(bytes).toString('latin1');
  const m = PEM_RE.exec(text);
  if (!m) return { der: bytes, format: 'der' };
  return { der: new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')), format: 'pem' };
}

export function loadCertDir(set: 'valid' | 'malformed'): CertFile[] {
  const dir = join(FIXTURES, set);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem') || f.endsWith('.der'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const { der, format } = toDer(new Uint8Array(readFileSync(path)));
      return { name: `${set}/${f}`, path, der, format };
    });
}

export function loadCert(name: string): Uint8Array {
  return toDer(new Uint8Array(readFileSync(join(FIXTURES, name)))).der;
}
