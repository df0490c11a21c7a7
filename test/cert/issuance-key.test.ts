import 'reflect-metadata';
import { describe, expect, it, beforeAll } from 'vitest';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { issuanceKeyFromDer, issuanceKeyFromFields } from '../../src/cert/issuance-key.js';
import { CertParseError, IssuanceKeyError } from '../../src/cert/errors.js';
import { loadCert, loadCertDir } from './load-certs.js';

const POISON = '1.3.6.1.4.1.11129.2.4.3';
const SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';
const PRECERT_SIGNING_EKU = '1.3.6.1.4.1.11129.2.4.4';

describe('issuanceKeyFromDer on real certificates', () => {
  it('gives a precertificate and its final certificate the same key (RFC 6962 test pair)', () => {
    const pre = issuanceKeyFromDer(loadCert('valid/ct__test-embedded-pre-cert.pem'));
    const fin = issuanceKeyFromDer(loadCert('valid/ct__test-embedded-cert.pem'));
    expect(pre).toMatch(/^tbs:[0-9a-f]{64}$/);
    expect(fin).toBe(pre);
  });

  it('gives every distinct valid certificate file a distinct key, except the known pairs', () => {
    const byKey = new Map<string, string[]>();
    for (const f of loadCertDir('valid')) {
      const k = issuanceKeyFromDer(f.der);
      byKey.set(k, [...(byKey.get(k) ?? []), f.name]);
    }
    const shared = [...byKey.values()].filter((v) => v.length > 1).map((v) => v.sort());
    expect(shared).toEqual(
      expect.arrayContaining([
        ['valid/ct__test-embedded-cert.pem', 'valid/ct__test-embedded-pre-cert.pem'],
        // The same Let's Encrypt X3 intermediate stored twice under two names.
        ['valid/pyca__letsencryptx3.pem', 'valid/x509parser__lets-encrypt-x3-cross-signed.der'],
      ]),
    );
    expect(shared).toHaveLength(2);
  });

  it('is deterministic', () => {
    const der = loadCert('valid/ct__youtube.pem');
    expect(issuanceKeyFromDer(der)).toBe(issuanceKeyFromDer(der.slice()));
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['truncated', loadCert('valid/ct__aia.pem').subarray(0, 300)],
    ['bare TBSCertificate', loadCert('malformed/pyca__cryptography-scts-tbs-precert.der')],
    ['trailing garbage', Uint8Array.from([...loadCert('valid/ct__aia.pem'), 0])],
  ])('throws CertParseError on %s', (_n, der) => {
    expect(() => issuanceKeyFromDer(der)).toThrow(CertParseError);
  });
});

describe('issuanceKeyFromDer on generated precertificate / final certificate pairs', () => {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  let ca: webcrypto.CryptoKeyPair;
  let psc: webcrypto.CryptoKeyPair;
  let leaf: webcrypto.CryptoKeyPair;
  let caCert: x509.X509Certificate;
  let pscCert: x509.X509Certificate;

  beforeAll(async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    ca = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    psc = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    leaf = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Test CA, O=ctwatch tests',
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      keys: ca,
      signingAlgorithm: alg,
      extensions: [await x509.SubjectKeyIdentifierExtension.create(ca.publicKey)],
    });
    pscCert = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject: 'CN=Test CA Precertificate Signing, O=ctwatch tests',
      issuer: caCert.subject,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      publicKey: psc.publicKey,
      signingKey: ca.privateKey,
      signingAlgorithm: alg,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
        new x509.ExtendedKeyUsageExtension([PRECERT_SIGNING_EKU]),
      ],
    });
  });

  /** Builds a leaf TBS with the given issuer, AKI key and CT extension, signed by `signer`. */
  async function leafCert(opts: { issuer: string; akiKey: webcrypto.CryptoKey; signer: webcrypto.CryptoKey; ct: 'poison' | 'sct' | 'none' }) {
    const ct =
      opts.ct === 'poison'
        ? [new x509.Extension(POISON, true, Uint8Array.of(0x05, 0x00))]
        : opts.ct === 'sct'
          ? [new x509.Extension(SCT_LIST, false, Uint8Array.of(0x04, 0x04, 0x00, 0x02, 0xab, 0xcd))]
          : [];
    return x509.X509CertificateGenerator.create({
      serialNumber: '0badc0de',
      subject: 'CN=www.example.com',
      issuer: opts.issuer,
      notBefore: new Date('2025-05-01T00:00:00Z'),
      notAfter: new Date('2025-08-01T00:00:00Z'),
      publicKey: leaf.publicKey,
      signingKey: opts.signer,
      signingAlgorithm: alg,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(opts.akiKey),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'www.example.com' }]),
        ...ct,
      ],
    });
  }

  it('precertificate signed by the CA matches the final certificate', async () => {
    const pre = await leafCert({ issuer: caCert.subject, akiKey: ca.publicKey, signer: ca.privateKey, ct: 'poison' });
    const fin = await leafCert({ issuer: caCert.subject, akiKey: ca.publicKey, signer: ca.privateKey, ct: 'sct' });
    const plain = await leafCert({ issuer: caCert.subject, akiKey: ca.publicKey, signer: ca.privateKey, ct: 'none' });
    const k = issuanceKeyFromDer(new Uint8Array(pre.rawData));
    expect(issuanceKeyFromDer(new Uint8Array(fin.rawData))).toBe(k);
    expect(issuanceKeyFromDer(new Uint8Array(plain.rawData))).toBe(k);
  });

  it('precertificate signed by a Precertificate Signing Certificate matches when its issuer is given', async () => {
    const pre = await leafCert({ issuer: pscCert.subject, akiKey: psc.publicKey, signer: psc.privateKey, ct: 'poison' });
    const fin = await leafCert({ issuer: caCert.subject, akiKey: ca.publicKey, signer: ca.privateKey, ct: 'sct' });
    const preDer = new Uint8Array(pre.rawData);
    const finKey = issuanceKeyFromDer(new Uint8Array(fin.rawData));
    // Without the chain the issuer name and AKI differ: documented limitation.
    expect(issuanceKeyFromDer(preDer)).not.toBe(finKey);
    expect(issuanceKeyFromDer(preDer, new Uint8Array(pscCert.rawData))).toBe(finKey);
    // An ordinary issuer (not a precertificate signer) changes nothing.
    expect(issuanceKeyFromDer(new Uint8Array(fin.rawData), new Uint8Array(caCert.rawData))).toBe(finKey);
  });

  it('keeps certificates that differ in any other field apart', async () => {
    const a = await leafCert({ issuer: caCert.subject, akiKey: ca.publicKey, signer: ca.privateKey, ct: 'none' });
    const b = await x509.X509CertificateGenerator.create({
      serialNumber: '0badc0de',
      subject: 'CN=www.example.com',
      issuer: caCert.subject,
      notBefore: new Date('2025-05-01T00:00:00Z'),
      notAfter: new Date('2025-08-01T00:00:01Z'),
      publicKey: leaf.publicKey,
      signingKey: ca.privateKey,
      signingAlgorithm: alg,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'www.example.com' }]),
      ],
    });
    expect(issuanceKeyFromDer(new Uint8Array(a.rawData))).not.toBe(issuanceKeyFromDer(new Uint8Array(b.rawData)));
  });
});

type Fields = readonly [string | null, string | null, string | null];

describe('issuanceKeyFromFields', () => {
  it.each<[Fields, Fields]>([
    // Serial spellings of different CertStream servers agree.
    [['CN=R3, O=Let\'s Encrypt, C=US', '0ABC', null], ['CN=R3, O=Let\'s Encrypt, C=US', 'abc', null]],
    [['CN=R3', '0a:bc', null], ['CN=R3', 'ABC', null]],
    // The fingerprint is ignored when issuer and serial are known.
    [['CN=R3', '01', 'aa'.repeat(32)], ['CN=R3', '1', 'bb'.repeat(32)]],
    // Fingerprint only: case and colons do not matter.
    [[null, null, 'AA:'.repeat(31) + 'AA'], [null, null, 'aa'.repeat(32)]],
  ])('%j equals %j', (a, b) => {
    expect(issuanceKeyFromFields(...a)).toBe(issuanceKeyFromFields(...b));
  });

  it.each<[Fields, Fields]>([
    [['CN=R3', '01', null], ['CN=R4', '01', null]],
    [['CN=R3', '01', null], ['CN=R3', '02', null]],
    [[null, '01', 'aa'.repeat(32)], [null, '01', 'bb'.repeat(32)]],
  ])('%j differs from %j', (a, b) => {
    expect(issuanceKeyFromFields(...a)).not.toBe(issuanceKeyFromFields(...b));
  });

  it('has distinct prefixes for the two kinds', () => {
    expect(issuanceKeyFromFields('CN=R3', '01', null)).toMatch(/^iss:[0-9a-f]{64}$/);
    expect(issuanceKeyFromFields(null, null, 'aa'.repeat(32))).toBe(`sha256:${'aa'.repeat(32)}`);
  });

  it.each([
    [null, null, null],
    ['CN=R3', null, null],
    [null, '01', 'not-a-hash'],
  ])('throws IssuanceKeyError for (%s, %s, %s)', (i, s, f) => {
    expect(() => issuanceKeyFromFields(i, s, f)).toThrow(IssuanceKeyError);
  });
});
