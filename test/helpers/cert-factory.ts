/**
 * Generates real, signed test certificates: a CA, and for each issuance a precertificate
 * (poison extension) and its final certificate (same TBS minus poison, plus an SCT list), as a
 * CA does under RFC 6962. ECDSA P-256 keeps generation fast.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const POISON = '1.3.6.1.4.1.11129.2.4.3';
const SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface Issuance {
  names: string[];
  serial: string;
  precert: Uint8Array;
  final: Uint8Array;
}

export class CertFactory {
  private ca!: webcrypto.CryptoKeyPair;
  private leaf!: webcrypto.CryptoKeyPair;
  private caName = '';
  private serial = 0x1000;

  static async create(caName = "C=US, O=Let's Encrypt, CN=ctwatch Test R1"): Promise<CertFactory> {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const f = new CertFactory();
    f.caName = caName;
    f.ca = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    f.leaf = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    return f;
  }

  /** The leaf certificates' private key as PKCS#8 PEM (to serve an issued certificate over TLS in a test). */
  async leafKeyPem(): Promise<string> {
    const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', this.leaf.privateKey));
    return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  }

  /** One issuance: precertificate and final certificate for `names`. */
  async issue(names: string[], notBefore = new Date('2026-11-01T00:00:00Z')): Promise<Issuance> {
    const serial = (this.serial++).toString(16).padStart(8, '0') + '0badc0de';
    const make = async (ct: 'poison' | 'sct') =>
      new Uint8Array(
        (
          await x509.X509CertificateGenerator.create({
            serialNumber: serial,
            subject: `CN=${names[0]}`,
            issuer: this.caName,
            notBefore,
            notAfter: new Date(notBefore.getTime() + 90 * 86_400_000),
            publicKey: this.leaf.publicKey,
            signingKey: this.ca.privateKey,
            signingAlgorithm: alg,
            extensions: [
              new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value }))),
              ct === 'poison'
                ? new x509.Extension(POISON, true, Uint8Array.of(0x05, 0x00))
                : new x509.Extension(SCT_LIST, false, Uint8Array.of(0x04, 0x04, 0x00, 0x02, 0xab, 0xcd)),
            ],
          })
        ).rawData,
      );
    return { names, serial, precert: await make('poison'), final: await make('sct') };
  }
}

/** A CertStream full-stream message for a DER certificate, as certstream-server-go sends it. */
export function fullStreamMessage(der: Uint8Array, names: string[], opts: { log: string; index: number; precert: boolean; seen?: number }): string {
  return JSON.stringify({
    message_type: 'certificate_update',
    data: {
      update_type: opts.precert ? 'PrecertLogEntry' : 'X509LogEntry',
      cert_index: opts.index,
      cert_link: `${opts.log}ct/v1/get-entries?start=${opts.index}&end=${opts.index}`,
      seen: opts.seen ?? Date.now() / 1000,
      source: { name: 'test log', url: opts.log },
      leaf_cert: { all_domains: names, as_der: Buffer.from(der).toString('base64') },
    },
  });
}
