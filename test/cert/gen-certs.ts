/**
 * Deterministic generator of test certificates for the fast-reader differential test.
 *
 * Certificates are assembled byte by byte (not with a library's generator) so that the odd
 * encodings real CT data contains can be produced exactly: every CN string type, invalid UTF-8,
 * latin1 and NUL octets in dNSNames, otherName / x400Address SAN entries, duplicate SAN
 * extensions, critical flags, poison and SCT list extensions, huge and empty SAN lists.
 * A seeded PRNG drives every choice; the signature is a real ECDSA signature over the TBS
 * (its bytes vary run to run, which changes nothing the readers look at).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import { prng } from '../../bench/lib/prng.js';

function lenBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** One DER element. */
export function tlv(tag: number, ...content: (Uint8Array | number[])[]): Uint8Array {
  const body = Buffer.concat(content.map((c) => Uint8Array.from(c)));
  return Uint8Array.from([tag, ...lenBytes(body.length), ...body]);
}

function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const enc: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) enc.unshift(0x80 | (v & 0x7f));
    bytes.push(...enc);
  }
  return tlv(0x06, bytes);
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const utf8 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf8'));
function bmp(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) >> 8, s.charCodeAt(i) & 0xff);
  return Uint8Array.from(out);
}

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_C = '2.5.4.6';
const OID_SAN = '2.5.29.17';
const OID_BC = '2.5.29.19';
const OID_POISON = '1.3.6.1.4.1.11129.2.4.3';
const OID_SCT = '1.3.6.1.4.1.11129.2.4.2';
const ECDSA_SHA256 = tlv(0x30, oid('1.2.840.10045.4.3.2'));

export interface GeneratedCert {
  id: number;
  der: Uint8Array;
  /**
   * What the generator put in. Contains "risky-gn", "dup-san" or "odd-cn" when the fast reader
   * is expected to give up (otherName/x400 SAN entries, two SAN extensions, CN types the
   * library renders oddly); every other certificate must be read by the fast reader.
   */
  note: string;
}

/** Everything the generator can put in a dNSName, as raw IA5String octets. */
function randomDnsName(r: () => number, pool: string[]): Uint8Array {
  const label = (min: number, max: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-'): string => {
    const n = min + Math.floor(r() * (max - min + 1));
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
    return s;
  };
  const tlds = ['com', 'net', 'org', 'io', 'de', 'co.uk', 'xn--p1ai', 'xn--80adxhks', 'app', 'COM'];
  const base = (): string => `${label(1, 12)}.${tlds[Math.floor(r() * tlds.length)]}`;
  const k = r();
  let name: string;
  if (k < 0.35) name = base();
  else if (k < 0.5) name = `*.${base()}`;
  else if (k < 0.6) name = `${label(1, 8)}.${label(1, 8)}.${base()}`;
  else if (k < 0.65) name = `xn--${label(4, 10)}-${label(2, 5)}.${base()}`;
  else if (k < 0.7) name = base().toUpperCase();
  else if (k < 0.73) return latin1(`b\u00fccher-${label(1, 4)}.de`); // raw latin1 octet
  else if (k < 0.75) return Uint8Array.from([...latin1(base()), 0x00, ...latin1('.evil.com')]); // NUL
  else if (k < 0.77) name = `${base()}.`; // trailing dot
  else if (k < 0.79) name = `${label(1, 5)} ${base()}`; // space
  else if (k < 0.8) name = ''; // empty dNSName
  else if (k < 0.81) name = `${label(63, 63)}.${label(63, 63)}.${label(63, 63)}.${label(60, 60)}.com`;
  else if (k < 0.83) name = '*';
  else if (k < 0.85 && pool.length > 0) name = pool[Math.floor(r() * pool.length)]!; // duplicate
  else if (k < 0.87) name = `${label(1, 6)}..${base()}`;
  else if (k < 0.9) name = `paypal-${label(2, 6)}.${base()}`;
  else name = `www.${base()}`;
  pool.push(name);
  return latin1(name);
}

/** A GeneralName other than dNSName; `risky` ones make @peculiar/x509 reject the SAN. */
function otherGeneralName(r: () => number): { bytes: Uint8Array; risky: boolean } {
  const k = r();
  if (k < 0.3) return { bytes: tlv(0x87, [10, 0, 0, Math.floor(r() * 256)]), risky: false }; // IPv4
  if (k < 0.4) return { bytes: tlv(0x87, Array.from({ length: 16 }, () => Math.floor(r() * 256))), risky: false }; // IPv6
  if (k < 0.55) return { bytes: tlv(0x81, latin1('admin@example.com')), risky: false }; // rfc822Name
  if (k < 0.65) return { bytes: tlv(0x86, latin1('https://example.com/x')), risky: false }; // URI
  if (k < 0.75) return { bytes: tlv(0xa4, tlv(0x30, tlv(0x31, tlv(0x30, oid(OID_CN), tlv(0x0c, utf8('dir.example')))))), risky: false };
  if (k < 0.88) return { bytes: tlv(0x88, oid('1.2.3.4').subarray(2)), risky: false }; // registeredID
  if (k < 0.94) {
    // otherName UPN (accepted by the library)
    return { bytes: tlv(0xa0, oid('1.3.6.1.4.1.311.20.2.3'), tlv(0xa0, tlv(0x0c, utf8('user@example.com')))), risky: true };
  }
  if (k < 0.98) {
    // otherName with an arbitrary type (rejected by the library)
    return { bytes: tlv(0xa0, oid('1.2.3.4.5'), tlv(0xa0, tlv(0x0c, utf8('x')))), risky: true };
  }
  return { bytes: tlv(0xa3, tlv(0x30)), risky: true }; // x400Address
}

/** A CN attribute value with a random string type and content. */
function randomCnValue(r: () => number, sanPool: string[], notes: string[]): Uint8Array {
  const text = (): string => {
    const k = r();
    if (k < 0.4 && sanPool.length > 0) return sanPool[Math.floor(r() * sanPool.length)]!; // equals a SAN
    if (k < 0.7) return `cn${Math.floor(r() * 1e6)}.example.com`;
    if (k < 0.8) return `*.cn${Math.floor(r() * 1000)}.example.org`;
    if (k < 0.85) return '';
    return `Example Org ${Math.floor(r() * 100)}`;
  };
  const k = r();
  if (k < 0.35) return tlv(0x13, latin1(text())); // PrintableString
  if (k < 0.65) return tlv(0x0c, utf8(text())); // UTF8String (ASCII)
  if (k < 0.72) return tlv(0x0c, utf8(`m\u00fcller-${Math.floor(r() * 100)}.de \u2122`)); // UTF8 non-ASCII
  if (k < 0.75) return tlv(0x0c, Uint8Array.from([0x61, 0xc3, 0x28, 0x62])); // invalid UTF-8
  if (k < 0.77) return tlv(0x0c, Uint8Array.from([0xef, 0xbb, 0xbf, ...latin1('bom.example')])); // BOM
  if (k < 0.83) return tlv(0x16, latin1(text())); // IA5String
  if (k < 0.87) return tlv(0x14, latin1(`t\u00e9l\u00e9tex-${Math.floor(r() * 100)}.fr`)); // TeletexString
  if (k < 0.93) return tlv(0x1e, bmp(`bmp-\u0436${Math.floor(r() * 100)}.ru`)); // BMPString
  if (k < 0.95) {
    notes.push('odd-cn');
    return tlv(0x1e, Uint8Array.from([0x00, 0x61, 0x00])); // odd-length BMPString
  }
  if (k < 0.97) {
    notes.push('odd-cn');
    return tlv(0x1c, Uint8Array.from([0, 0, 0, 0x61, 0, 0, 0, 0x62])); // UniversalString
  }
  if (k < 0.985) return tlv(0x1a, latin1(`visible-${Math.floor(r() * 100)}.example`)); // VisibleString
  return tlv(0x12, latin1('0123 4567')); // NumericString
}

function extension(oidStr: string, critical: boolean, value: Uint8Array): Uint8Array {
  return tlv(0x30, oid(oidStr), ...(critical ? [tlv(0x01, [0xff])] : []), tlv(0x04, value));
}

let keyCache: { key: KeyObject; spki: Uint8Array } | null = null;
function signingKey(): { key: KeyObject; spki: Uint8Array } {
  if (!keyCache) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyCache = { key: privateKey, spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
  }
  return keyCache;
}

/** Generates `count` certificates from `seed`; same seed, same certificates (up to signatures). */
export function generateCerts(count: number, seed = 20260101): GeneratedCert[] {
  const r = prng(seed);
  const { key, spki } = signingKey();
  const issuer = tlv(0x30, tlv(0x31, tlv(0x30, oid(OID_C), tlv(0x13, latin1('US')))), tlv(0x31, tlv(0x30, oid(OID_CN), tlv(0x13, latin1('ctwatch Test CA')))));
  const validity = tlv(0x30, tlv(0x17, latin1('250101000000Z')), tlv(0x17, latin1('250401000000Z')));
  const out: GeneratedCert[] = [];
  for (let id = 0; id < count; id++) {
    const notes: string[] = [];
    // SAN list size: mostly small, sometimes none, sometimes large.
    const k = r();
    const sanCount = k < 0.1 ? 0 : k < 0.8 ? 1 + Math.floor(r() * 5) : k < 0.97 ? 6 + Math.floor(r() * 40) : 100 + Math.floor(r() * 150);
    const pool: string[] = [];
    const gns: Uint8Array[] = [];
    for (let i = 0; i < sanCount; i++) {
      if (r() < 0.1) {
        const g = otherGeneralName(r);
        gns.push(g.bytes);
        if (g.risky) notes.push('risky-gn');
      } else {
        gns.push(tlv(0x82, randomDnsName(r, pool)));
      }
    }
    // Subject: optional O and C, 0..3 CNs, sometimes two attributes in one RDN.
    const rdns: Uint8Array[] = [];
    if (r() < 0.5) rdns.push(tlv(0x31, tlv(0x30, oid(OID_C), tlv(0x13, latin1('DE')))));
    if (r() < 0.4) rdns.push(tlv(0x31, tlv(0x30, oid(OID_O), tlv(0x0c, utf8('Beispiel GmbH')))));
    const cnCount = r() < 0.15 ? 0 : r() < 0.85 ? 1 : 2 + Math.floor(r() * 2);
    for (let i = 0; i < cnCount; i++) {
      const atv = tlv(0x30, oid(OID_CN), randomCnValue(r, pool, notes));
      if (r() < 0.1) rdns.push(tlv(0x31, tlv(0x30, oid(OID_O), tlv(0x13, latin1('Multi'))), atv));
      else rdns.push(tlv(0x31, atv));
    }
    const subject = tlv(0x30, ...rdns);
    const exts: Uint8Array[] = [];
    if (r() < 0.8) exts.push(extension(OID_BC, true, tlv(0x30)));
    const hasSan = sanCount > 0 || r() < 0.3; // sometimes an empty SAN sequence
    if (hasSan) exts.push(extension(OID_SAN, r() < 0.1, tlv(0x30, ...gns)));
    if (hasSan && r() < 0.02) {
      exts.push(extension(OID_SAN, false, tlv(0x30, tlv(0x82, latin1('second-san.example')))));
      notes.push('dup-san');
    }
    const precert = r() < 0.4;
    if (precert) exts.push(extension(OID_POISON, true, Uint8Array.from([0x05, 0x00])));
    else if (r() < 0.5) exts.push(extension(OID_SCT, false, tlv(0x04, [0x00, 0x02, 0xab, 0xcd])));
    const serial = tlv(0x02, [0x01 + Math.floor(r() * 0x7e), ...Array.from({ length: 15 }, () => Math.floor(r() * 256))]);
    const withExts = exts.length > 0 || r() < 0.5;
    const tbs = tlv(
      0x30,
      tlv(0xa0, tlv(0x02, [withExts ? 2 : 0])),
      serial,
      ECDSA_SHA256,
      issuer,
      validity,
      subject,
      spki,
      ...(withExts ? [tlv(0xa3, tlv(0x30, ...exts))] : []),
    );
    const sig = sign('sha256', tbs, key);
    const der = tlv(0x30, tbs, ECDSA_SHA256, tlv(0x03, [0x00], sig));
    notes.push(`san=${sanCount}`, `cn=${cnCount}`, precert ? 'precert' : 'cert');
    out.push({ id, der, note: notes.join(' ') });
  }
  return out;
}

/** Deterministic mutants of one DER: truncations, bit flips, insertions, deletions, appended bytes. */
export function mutate(der: Uint8Array, seed: number, count: number): { der: Uint8Array; how: string }[] {
  const r = prng(seed);
  const out: { der: Uint8Array; how: string }[] = [];
  for (let i = 0; i < count; i++) {
    const k = r();
    const at = Math.floor(r() * der.length);
    if (k < 0.15) {
      out.push({ der: der.slice(0, at), how: `truncate@${at}` });
    } else if (k < 0.35) {
      // Flip a bit among the first 60% of the bytes, where the names and lengths live.
      const pos = Math.floor(r() * der.length * 0.6);
      const m = der.slice();
      m[pos]! ^= 1 << Math.floor(r() * 8);
      out.push({ der: m, how: `flip-head@${pos}` });
    } else if (k < 0.7) {
      const m = der.slice();
      m[at]! ^= 1 << Math.floor(r() * 8);
      out.push({ der: m, how: `flip@${at}` });
    } else if (k < 0.8) {
      const m = new Uint8Array(der.length + 1);
      m.set(der.subarray(0, at), 0);
      m[at] = Math.floor(r() * 256);
      m.set(der.subarray(at), at + 1);
      out.push({ der: m, how: `insert@${at}` });
    } else if (k < 0.9) {
      const m = new Uint8Array(der.length - 1);
      m.set(der.subarray(0, at), 0);
      m.set(der.subarray(at + 1), at);
      out.push({ der: m, how: `delete@${at}` });
    } else {
      out.push({ der: Uint8Array.from([...der, Math.floor(r() * 256)]), how: 'append' });
    }
  }
  return out;
}

/** Text helpers for hand-built test certificates. */
export const enc = { latin1, utf8, bmp, oid };

/**
 * Builds one certificate from raw parts (unsigned: the signature is zeros, which neither
 * reader checks). `subjectRdns` are SET elements; `extensions` are Extension elements, or
 * null for a certificate without the [3] field.
 */
export function buildCert(subjectRdns: Uint8Array[], extensions: Uint8Array[] | null): Uint8Array {
  const { spki } = signingKey();
  const issuer = tlv(0x30, tlv(0x31, tlv(0x30, oid(OID_CN), tlv(0x13, latin1('Hand CA')))));
  const validity = tlv(0x30, tlv(0x17, latin1('250101000000Z')), tlv(0x17, latin1('250401000000Z')));
  const tbs = tlv(
    0x30,
    tlv(0xa0, tlv(0x02, [2])),
    tlv(0x02, [0x01, 0x23]),
    ECDSA_SHA256,
    issuer,
    validity,
    tlv(0x30, ...subjectRdns),
    spki,
    ...(extensions ? [tlv(0xa3, tlv(0x30, ...extensions))] : []),
  );
  return tlv(0x30, tbs, ECDSA_SHA256, tlv(0x03, [0x00], new Uint8Array(70)));
}

/** A subject RDN holding one CN with the given string element. */
export function cnRdn(value: Uint8Array): Uint8Array {
  return tlv(0x31, tlv(0x30, oid(OID_CN), value));
}

/** A subjectAltName extension over the given GeneralName elements. */
export function sanExt(generalNames: Uint8Array[], critical = false): Uint8Array {
  return extension(OID_SAN, critical, tlv(0x30, ...generalNames));
}

export const POISON_EXT = extension(OID_POISON, true, Uint8Array.from([0x05, 0x00]));
