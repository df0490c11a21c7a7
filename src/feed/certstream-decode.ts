/**
 * Decodes one CertStream JSON message (certstream-server-go, CaliDog's Elixir server, the legacy
 * Python server) into a CertEvent. Pure and total: any input yields a result, never an exception.
 *
 * Variants handled (see test/fixtures/certstream/): float or int `seen`/`not_before`/`not_after`;
 * `"no_expiration"`; upper or lower case serials; missing `issuer`; empty `as_der` (lite stream, and
 * certstream-server-go's precertificates from tiled logs); `update_type` X509LogEntry/PrecertLogEntry;
 * `dns_entries` (domains-only stream) and `heartbeat`. Unknown message types and fields are ignored.
 */
import type { CertEvent, MessageCertFields } from './types.js';

export type DecodeResult =
  | { kind: 'cert'; event: CertEvent; truncatedNames: number; warning?: BadReason }
  | { kind: 'heartbeat' }
  | { kind: 'ignored'; messageType: string }
  | { kind: 'bad'; reason: BadReason; detail: string; logUrl?: string | null; index?: number | null };

/** Reasons a frame is counted as bad. Fixed set: they become metric label values. */
export type BadReason = 'invalid_json' | 'not_object' | 'bad_field' | 'bad_der' | 'no_names';

export interface DecodeOptions {
  source: string;
  /** Names beyond this are ignored and counted (a 10,000-name all_domains must not stall matching). */
  maxNames: number;
  receivedAt?: number;
  /** Decodes base64 strictly; returns null when the text is not valid base64. */
  decodeBase64?: (s: string) => Uint8Array | null;
}

export function decodeCertstreamText(text: string, opts: DecodeOptions): DecodeResult {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'bad', reason: 'invalid_json', detail: 'frame is not JSON' };
  }
  return decodeCertstreamMessage(msg, opts);
}

export function decodeCertstreamMessage(msg: unknown, opts: DecodeOptions): DecodeResult {
  if (!isObject(msg)) return { kind: 'bad', reason: 'not_object', detail: 'message is not a JSON object' };
  const type = msg.message_type;
  if (type === 'heartbeat') return { kind: 'heartbeat' };
  if (type === 'dns_entries') return decodeDnsEntries(msg, opts);
  if (type !== 'certificate_update') {
    return { kind: 'ignored', messageType: typeof type === 'string' ? type.slice(0, 40) : typeof type };
  }
  const data = msg.data;
  if (!isObject(data)) return { kind: 'bad', reason: 'bad_field', detail: 'data is not an object' };
  const leaf = data.leaf_cert;
  if (!isObject(leaf)) return { kind: 'bad', reason: 'bad_field', detail: 'data.leaf_cert is not an object' };

  const source = isObject(data.source) ? data.source : {};
  const logUrl = typeof source.url === 'string' ? normalizeLogUrl(source.url) : null;
  const index = typeof data.cert_index === 'number' && Number.isSafeInteger(data.cert_index) && data.cert_index >= 0 ? data.cert_index : null;

  const names = readNames(leaf.all_domains, opts.maxNames);
  if (names === 'bad') return { kind: 'bad', reason: 'bad_field', detail: 'leaf_cert.all_domains is not a list of strings', logUrl, index };

  // An unusable as_der is counted, but the message's own names are still matched: a broken DER
  // must not hide a look-alike that all_domains names.
  let der: Uint8Array | null = null;
  let warning: BadReason | undefined;
  if (leaf.as_der !== undefined && leaf.as_der !== null && leaf.as_der !== '') {
    der = typeof leaf.as_der === 'string' ? (opts.decodeBase64 ?? strictBase64)(leaf.as_der) : null;
    if (!der || der.length === 0) {
      der = null;
      warning = 'bad_der';
      if (names.list.length === 0) return { kind: 'bad', reason: 'bad_der', detail: 'leaf_cert.as_der is not base64 and there are no names', logUrl, index };
    }
  }
  if (!der && names.list.length === 0) return { kind: 'bad', reason: 'no_names', detail: 'no as_der and no all_domains', logUrl, index };

  const updateType = data.update_type;
  const precert = updateType === 'PrecertLogEntry' ? true : updateType === 'X509LogEntry' ? false : null;
  const event: CertEvent = {
    source: opts.source,
    logUrl,
    logName: typeof source.name === 'string' ? source.name.slice(0, 200) : null,
    index,
    seenAt: toDate(data.seen) ?? new Date(opts.receivedAt ?? Date.now()),
    receivedAt: opts.receivedAt ?? Date.now(),
    names: names.list.length ? names.list : null,
    der,
    precert,
    fields: readFields(leaf),
  };
  return { kind: 'cert', event, truncatedNames: names.truncated, warning };
}

function decodeDnsEntries(msg: Record<string, unknown>, opts: DecodeOptions): DecodeResult {
  // Domains-only stream: data is the name list (CaliDog), or an object carrying it.
  const d = msg.data;
  const list = Array.isArray(d) ? d : isObject(d) ? d.all_domains ?? d.domains : undefined;
  const names = readNames(list, opts.maxNames);
  if (names === 'bad' || names.list.length === 0) return { kind: 'bad', reason: 'bad_field', detail: 'dns_entries data is not a list of names' };
  const data = isObject(d) ? d : {};
  const source = isObject(data.source) ? data.source : {};
  const event: CertEvent = {
    source: opts.source,
    logUrl: typeof source.url === 'string' ? normalizeLogUrl(source.url) : null,
    logName: typeof source.name === 'string' ? source.name.slice(0, 200) : null,
    index: typeof data.cert_index === 'number' && Number.isSafeInteger(data.cert_index) ? data.cert_index : null,
    seenAt: toDate(data.seen) ?? new Date(opts.receivedAt ?? Date.now()),
    receivedAt: opts.receivedAt ?? Date.now(),
    names: names.list,
    der: null,
    precert: null,
    fields: emptyFields(),
  };
  return { kind: 'cert', event, truncatedNames: names.truncated };
}

function readNames(v: unknown, max: number): { list: string[]; truncated: number } | 'bad' {
  if (v === undefined || v === null) return { list: [], truncated: 0 };
  if (!Array.isArray(v)) return 'bad';
  const list: string[] = [];
  const seen = new Set<string>();
  for (const x of v) {
    if (typeof x !== 'string') return 'bad';
    if (list.length >= max) break;
    if (!seen.has(x)) {
      seen.add(x);
      list.push(x);
    }
  }
  return { list, truncated: Math.max(0, v.length - max) };
}

function readFields(leaf: Record<string, unknown>): MessageCertFields {
  const subject = isObject(leaf.subject) && typeof leaf.subject.aggregated === 'string' ? leaf.subject.aggregated : null;
  const issuer = isObject(leaf.issuer) && typeof leaf.issuer.aggregated === 'string' ? leaf.issuer.aggregated : null;
  const serial = typeof leaf.serial_number === 'string' ? normalizeSerial(leaf.serial_number) : null;
  const sha256 = typeof leaf.sha256 === 'string' ? normalizeHex(leaf.sha256) : null;
  return {
    subject: subject ? subject.slice(0, 1000) : null,
    issuer: issuer ? issuer.slice(0, 1000) : null,
    serialHex: serial,
    notBefore: toDate(leaf.not_before),
    notAfter: toDate(leaf.not_after),
    sha256: sha256 && sha256.length === 64 ? sha256 : null,
  };
}

function emptyFields(): MessageCertFields {
  return { subject: null, issuer: null, serialHex: null, notBefore: null, notAfter: null, sha256: null };
}

/** "0498BDF8..." or "04:98:bd..." → "498bdf8..." (lower case, no separators, no leading zeros). */
export function normalizeSerial(s: string): string | null {
  const hex = normalizeHex(s);
  if (!hex) return null;
  const trimmed = hex.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

function normalizeHex(s: string): string | null {
  const hex = s.replace(/:/g, '').toLowerCase();
  return hex.length > 0 && hex.length <= 256 && /^[0-9a-f]+$/.test(hex) ? hex : null;
}

/** Seconds since the epoch (int or float) → Date; "no_expiration" and anything else → null. */
function toDate(v: unknown): Date | null {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e11) return null;
  return new Date(Math.round(v * 1000));
}

/** Log URLs arrive as "ct.googleapis.com/logs/argon2020/" or "https://…/"; one form for counting. */
export function normalizeLogUrl(u: string): string {
  let s = u.trim().slice(0, 300);
  if (!/^https?:\/\//i.test(s)) s = `https://${s}`;
  if (!s.endsWith('/')) s += '/';
  return s;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Node's base64 decoder skips invalid characters silently; a feed must tell garbage apart. */
export function strictBase64(s: string): Uint8Array | null {
  if (s.length % 4 !== 0 || !BASE64_RE.test(s)) return null;
  return Buffer.from(s, 'base64');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
