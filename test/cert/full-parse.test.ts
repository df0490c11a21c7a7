import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { CertParseError, parseCertificate, serialToHex, MAX_CERT_DER_BYTES } from '../../src/cert/full-parse.js';
import { loadCert, loadCertDir } from './load-certs.js';
import { buildCert, sanExt, tlv, enc } from './gen-certs.js';

describe('parseCertificate on selected real certificates', () => {
  it.each([
    // file, dnsNames, serialHex, precert
    ['valid/ct__aia.pem', ['www.google.com'], '6637ac10ac6ac60d', false],
    ['valid/ct__domain_in_issuer.pem', ['*.abc.net.au', 'abc.net.au'], '02a26b6ce82002db2ba05ea2a5cadfd2', false],
    // CN equal to a SAN is not repeated; extra CNs follow the SANs.
    ['valid/ct__multiple_cn.pem', ['www.rdio.com', 'api.rd.io', 'api.rdio.com', 'rd.io', 'rdio.com', 'www.rd.io'], '4950a29c61fa324be32598d1ca32bd9d', false],
    ['valid/zlint__extraCommonNames.pem', ['planer.vetmed.uni-leipzig.de', 'vote.vetmed.uni-leipzig.de'], '21e8e20b888d3854aab989b6', true],
    // No SAN: the CN only; UTF8String CN decoded as text.
    ['valid/pyca__utf8_common_name.pem', ['We heart UTF8!™'], 'df0929da94b061ba', false],
    // IDN stays in its encoded (A-label) form.
    ['valid/pyca__san_idna_names.pem', ['xn--80ato2c.cryptography'], '06690a9ff32f3945d0935fe5376b22f4b7616d', false],
    // IP-only SAN and no CN: no DNS names.
    ['valid/pyca__san_ipaddr.pem', [], '0669f96ae12802d010c96ea3a7527027fc3033', false],
    ['valid/ct__test-embedded-pre-cert.pem', [], '07', true],
    ['valid/navigli2025h2__entry0852.der', ['*.r2ief.tmprl-test.cloud', '*.r2ief.web.tmprl-test.cloud', 'r2ief.tmprl-test.cloud'], '2c4c29a800d0cc03b4022f973806756eac38', true],
  ] as const)('%s', (file, names, serial, precert) => {
    const d = parseCertificate(loadCert(file));
    expect(d.dnsNames).toEqual(names);
    expect(d.serialHex).toBe(serial);
    expect(d.precert).toBe(precert);
  });

  it('fills issuer, subject, validity, sha256 and the issuance key', () => {
    const der = loadCert('valid/ct__test-embedded-pre-cert.pem');
    const d = parseCertificate(der);
    // @peculiar/x509 renders attributes in encoding order.
    expect(d.issuerDn).toBe('C=GB, O=Certificate Transparency CA, ST=Wales, L=Erw Wen');
    expect(d.subjectDn).toBe('C=GB, O=Certificate Transparency, ST=Wales, L=Erw Wen');
    expect(d.notBefore?.toISOString()).toBe('2012-06-01T00:00:00.000Z');
    expect(d.notAfter?.toISOString()).toBe('2022-06-01T00:00:00.000Z');
    expect(d.sha256).toBe(createHash('sha256').update(der).digest('hex'));
    expect(d.issuanceKey).toMatch(/^tbs:[0-9a-f]{64}$/);
  });

  it('matches the SHA-256 recorded in the fixture index for every valid file', () => {
    for (const f of loadCertDir('valid')) {
      if (f.format !== 'der') continue;
      expect(parseCertificate(f.der).sha256).toBe(createHash('sha256').update(f.der).digest('hex'));
    }
  });
});

describe('parseCertificate on bad input', () => {
  const real = loadCert('valid/ct__aia.pem');
  it.each([
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(0x30)],
    ['truncated by half', real.subarray(0, real.length >> 1)],
    ['indefinite length header only', Uint8Array.of(0x30, 0x80, 0x00, 0x00)],
    ['huge declared length', Uint8Array.of(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00)],
    ['deep nesting', new Uint8Array(Array.from({ length: 4000 }, (_, i) => (i % 2 === 0 ? 0x30 : 0x80)))],
    ['random bytes', new Uint8Array(Array.from({ length: 700 }, (_, i) => (i * 7919 + 13) & 0xff))],
    ['larger than the limit', new Uint8Array(MAX_CERT_DER_BYTES + 1)],
  ])('%s throws CertParseError with code CERT_PARSE', (_name, der) => {
    let err: unknown;
    try {
      parseCertificate(der);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CertParseError);
    expect((err as CertParseError).code).toBe('CERT_PARSE');
  });

  it('keeps the library error as cause', () => {
    try {
      parseCertificate(real.subarray(0, 100));
      expect.unreachable();
    } catch (e) {
      expect((e as CertParseError).cause).toBeInstanceOf(Error);
    }
  });
});

describe('parseCertificate on absurd but well-formed input', () => {
  it.each([[100], [5_000], [20_000]])('%i SAN entries: parsed in full or rejected with CERT_PARSE, never a crash', (n) => {
    const der = buildCert([], [sanExt(Array.from({ length: n }, (_, i) => tlv(0x82, enc.latin1(`n${i}.example`))))]);
    try {
      expect(parseCertificate(der).dnsNames).toHaveLength(n);
    } catch (e) {
      // asn1js's node limit (10,000 by default) bounds the work on huge lists.
      expect(e).toBeInstanceOf(CertParseError);
      expect(n).toBeGreaterThan(9_000);
    }
  });
});

describe('serialToHex', () => {
  it.each([
    [[0x00, 0x8f, 0x01], '8f01'],
    [[0x0a, 0xbc], '0abc'],
    [[0x00], '0'],
    [[0x00, 0x00], '0'],
    [[0x7f], '7f'],
  ])('%j -> %s', (bytes, hex) => {
    expect(serialToHex(Uint8Array.from(bytes))).toBe(hex);
  });
});

describe('parseCertificate input views', () => {
  const der = loadCert('valid/ct__aia.pem');
  it.each([
    // Small base64-decoded Buffers live in Node's shared pool: their .buffer holds other data.
    ['a pooled Buffer from base64', () => Buffer.from(Buffer.from(der).toString('base64'), 'base64')],
    ['a subarray in the middle of a larger buffer', () => Uint8Array.from([1, 2, 3, ...der, 4, 5]).subarray(3, 3 + der.length)],
    ['a Buffer view with an offset', () => Buffer.concat([Buffer.from([9, 9]), Buffer.from(der)]).subarray(2)],
  ])('reads %s', (_n, make) => {
    const view = make();
    expect(view.byteLength).toBe(der.length);
    expect(parseCertificate(view).dnsNames).toEqual(['www.google.com']);
    expect(parseCertificate(view).sha256).toBe(parseCertificate(der).sha256);
  });
});
