/**
 * Table-driven cases for the fast name reader on hand-built certificates: what it reads, and
 * where it must give up (null). Every non-null answer is also checked against parseCertificate.
 */
import { describe, expect, it } from 'vitest';
import { readCertNames } from '../../src/cert/fast-names.js';
import { issuanceKeyFromDer } from '../../src/cert/issuance-key.js';
import { parseCertificate } from '../../src/cert/full-parse.js';
import { buildCert, cnRdn, enc, POISON_EXT, sanExt, tlv } from './gen-certs.js';

const dns = (s: string): Uint8Array => tlv(0x82, enc.latin1(s));
const printable = (s: string): Uint8Array => tlv(0x13, enc.latin1(s));
const utf8 = (s: string): Uint8Array => tlv(0x0c, enc.utf8(s));

/** Replaces the first occurrence of `from` in `der` by `to` (same length or not). */
function patch(der: Uint8Array, from: number[], to: number[]): Uint8Array {
  const hex = Buffer.from(der).toString('hex');
  const f = Buffer.from(from).toString('hex');
  const i = hex.indexOf(f);
  if (i < 0 || i % 2 !== 0) throw new Error('pattern not found');
  return new Uint8Array(Buffer.from(hex.slice(0, i) + Buffer.from(to).toString('hex') + hex.slice(i + f.length), 'hex'));
}

describe('readCertNames reads', () => {
  it.each<[string, Uint8Array, string[], boolean]>([
    ['SAN then a new CN', buildCert([cnRdn(printable('cn.example'))], [sanExt([dns('a.example'), dns('*.b.example')])]), ['a.example', '*.b.example', 'cn.example'], false],
    ['CN equal to a SAN is not repeated', buildCert([cnRdn(printable('a.example'))], [sanExt([dns('a.example')])]), ['a.example'], false],
    ['duplicate SAN entries are kept as encoded', buildCert([], [sanExt([dns('a.example'), dns('a.example')])]), ['a.example', 'a.example'], false],
    ['no extensions: CN only', buildCert([cnRdn(utf8('only.example'))], null), ['only.example'], false],
    ['poison flag', buildCert([], [sanExt([dns('p.example')]), POISON_EXT]), ['p.example'], true],
    ['critical SAN', buildCert([], [sanExt([dns('c.example')], true)]), ['c.example'], false],
    ['empty dNSName skipped', buildCert([], [sanExt([dns(''), dns('x.example')])]), ['x.example'], false],
    ['IP, email, URI entries skipped', buildCert([], [sanExt([tlv(0x87, [1, 2, 3, 4]), tlv(0x81, enc.latin1('a@b.c')), dns('d.example'), tlv(0x86, enc.latin1('https://u'))])]), ['d.example'], false],
    ['case and IDN kept as encoded', buildCert([], [sanExt([dns('WWW.Example.COM'), dns('xn--bcher-kva.de')])]), ['WWW.Example.COM', 'xn--bcher-kva.de'], false],
    ['latin1 and NUL octets kept', buildCert([], [sanExt([tlv(0x82, [0x62, 0xfc, 0x00, 0x2e, 0x64, 0x65])])]), ['b\u00fc\u0000.de'], false],
    ['UTF8String CN with non-ASCII', buildCert([cnRdn(utf8('m\u00fcller.de'))], null), ['m\u00fcller.de'], false],
    ['UTF8String CN with invalid UTF-8 (read as the library does)', buildCert([cnRdn(tlv(0x0c, [0x61, 0xc3, 0x28]))], null), ['a\u00c3('], false],
    ['BMPString CN', buildCert([cnRdn(tlv(0x1e, enc.bmp('\u0436.ru')))], null), ['\u0436.ru'], false],
    ['VisibleString CN', buildCert([cnRdn(tlv(0x1a, enc.latin1('v.example')))], null), ['v.example'], false],
    ['two CNs, one repeated', buildCert([cnRdn(printable('x.example')), cnRdn(printable('x.example')), cnRdn(printable('y.example'))], null), ['x.example', 'y.example'], false],
    ['no names at all', buildCert([], null), [], false],
  ])('%s', (_name, der, names, precert) => {
    expect(readCertNames(der)).toEqual({ dnsNames: names, precert });
    const full = parseCertificate(der);
    expect(full.dnsNames).toEqual(names);
    expect(full.precert).toBe(precert);
  });
});

describe('readCertNames gives up (null) on', () => {
  const base = buildCert([cnRdn(printable('base.example'))], [sanExt([dns('base.example')])]);
  it.each<[string, Uint8Array]>([
    ['empty input', new Uint8Array(0)],
    ['truncated', base.subarray(0, base.length - 1)],
    ['trailing byte', Uint8Array.from([...base, 0])],
    ['indefinite length', patch(base, [0x30, 0x82], [0x30, 0x80])],
    // Parents' lengths are consistent: only the element's own length encoding is non-DER.
    ['non-minimal length of a dNSName', buildCert([], [sanExt([Uint8Array.from([0x82, 0x81, 0x09, ...enc.latin1('a.example')])])])],
    ['otherName in the SAN', buildCert([], [sanExt([tlv(0xa0, enc.oid('1.3.6.1.4.1.311.20.2.3'), tlv(0xa0, utf8('u@x')))])])],
    ['x400Address in the SAN', buildCert([], [sanExt([dns('a.example'), tlv(0xa3, tlv(0x30))])])],
    ['two SAN extensions', buildCert([], [sanExt([dns('a.example')]), sanExt([dns('b.example')])])],
    ['UniversalString CN', buildCert([cnRdn(tlv(0x1c, [0, 0, 0, 0x61]))], null)],
    ['odd-length BMPString CN', buildCert([cnRdn(tlv(0x1e, [0, 0x61, 0]))], null)],
    ['critical flag of two octets', buildCert([], [tlv(0x30, enc.oid('2.5.29.17'), tlv(0x01, [0xff, 0xff]), tlv(0x04, tlv(0x30, dns('a.example'))))])],
    ['constructed dNSName', buildCert([], [sanExt([tlv(0xa2, tlv(0x16, enc.latin1('a.example')))])])],
    ['a PEM text instead of DER', new Uint8Array(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'))],
  ])('%s', (_name, der) => {
    expect(readCertNames(der)).toBeNull();
  });
});

describe('readCertNames on hostile input', () => {
  const real = buildCert([cnRdn(printable('h.example'))], [sanExt([dns('a.example'), dns('b.example')]), POISON_EXT]);

  it('returns null for every proper prefix of a certificate, and reads the whole', () => {
    for (let n = 0; n < real.length; n++) expect(readCertNames(real.subarray(0, n))).toBeNull();
    expect(readCertNames(real)?.dnsNames).toEqual(['a.example', 'b.example', 'h.example']);
  });

  it('never throws on random bytes, random SEQUENCE headers, or deep nesting', () => {
    let seed = 99;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    let nonNull = 0;
    for (let i = 0; i < 3000; i++) {
      const len = 1 + (rnd() << 2);
      const b = Uint8Array.from({ length: len }, rnd);
      if (i % 2 === 0) b[0] = 0x30; // look like a SEQUENCE to get past the first check
      if (readCertNames(b) !== null) nonNull++;
    }
    expect(nonNull).toBe(0);
    const deep = new Uint8Array(200_000);
    for (let i = 0; i < deep.length; i += 2) {
      deep[i] = 0x30;
      deep[i + 1] = 0x80;
    }
    expect(readCertNames(deep)).toBeNull();
  });

  it('reads a certificate with 20,000 SAN entries (the caller caps how many it matches)', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => dns(`n${i}.example`));
    const der = buildCert([], [sanExt(many)]);
    const r = readCertNames(der);
    expect(r?.dnsNames).toHaveLength(20_000);
    expect(r?.dnsNames[19_999]).toBe('n19999.example');
  });
});

describe('readCertNames CN de-duplication at scale', () => {
  it('matches the full parse with many SANs and many CNs, some repeated', () => {
    const sans = Array.from({ length: 40 }, (_, i) => dns(`s${i}.example`));
    const cns = Array.from({ length: 30 }, (_, i) => cnRdn(printable(i % 3 === 0 ? `s${i}.example` : `c${i % 7}.example`)));
    const der = buildCert(cns, [sanExt(sans)]);
    const fast = readCertNames(der);
    expect(fast?.dnsNames).toEqual(parseCertificate(der).dnsNames);
    // 40 SANs, then c0..c6 once each; the CNs equal to SANs (s0, s3, ...) are not repeated.
    expect(fast?.dnsNames.length).toBe(47);
  });
});

describe('readCertNames and issuanceKeyFromDer on views', () => {
  const der = buildCert([cnRdn(printable('v.example'))], [sanExt([dns('a.example')])]);
  it.each([
    ['a pooled Buffer from base64', () => Buffer.from(Buffer.from(der).toString('base64'), 'base64')],
    ['a subarray in the middle of a larger buffer', () => Uint8Array.from([1, 2, 3, ...der, 4, 5]).subarray(3, 3 + der.length)],
  ])('read %s like the plain bytes', (_n, make) => {
    const view = make();
    expect(readCertNames(view)).toEqual(readCertNames(der));
    expect(issuanceKeyFromDer(view)).toBe(issuanceKeyFromDer(der));
  });
});
