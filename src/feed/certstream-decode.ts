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
import { strictBase64Decode } from '../cert/fast-names.js';

export type DecodeResult =
  | {
      kind: 'cert';
      /** The message's own type (the daemon counts messages by it). */
      messageType: 'certificate_update' | 'dns_entries';
      event: CertEvent;
      /** Names beyond maxNames, ignored. */
      truncatedNames: number;
      /** Names that cannot be DNS names (length), dropped: see sanitizeName. */
      badNames: number;
      /** Names with characters a hostname cannot hold, kept with those characters escaped. */
      escapedNames: number;
      warning?: BadReason;
    }
  | { kind: 'heartbeat' }
  | { kind: 'ignored'; messageType: string }
  | {
      kind: 'bad';
      reason: BadReason;
      detail: string;
      logUrl?: string | null;
      index?: number | null;
      /** Names dropped on the way (counted as bad_name besides the message's own reason). */
      badNames?: number;
    };

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
    if (!der || der.length === 0 || !derLengthConsistent(der)) {
      der = null;
      warning = 'bad_der';
      if (names.list.length === 0) return { kind: 'bad', reason: 'bad_der', detail: 'leaf_cert.as_der is not base64 DER (or truncated) and there are no names', logUrl, index, badNames: names.bad };
    }
  }
  if (!der && names.list.length === 0) return { kind: 'bad', reason: 'no_names', detail: 'no as_der and no usable all_domains', logUrl, index, badNames: names.bad };

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
  return { kind: 'cert', messageType: 'certificate_update', event, truncatedNames: names.truncated, badNames: names.bad, escapedNames: names.escaped, warning };
}

function decodeDnsEntries(msg: Record<string, unknown>, opts: DecodeOptions): DecodeResult {
  // Domains-only stream: data is the name list (CaliDog), or an object carrying it.
  const d = msg.data;
  const list = Array.isArray(d) ? d : isObject(d) ? d.all_domains ?? d.domains : undefined;
  const names = readNames(list, opts.maxNames);
  if (names === 'bad') return { kind: 'bad', reason: 'bad_field', detail: 'dns_entries data is not a list of names' };
  if (names.list.length === 0) return { kind: 'bad', reason: 'no_names', detail: 'dns_entries carries no usable name', badNames: names.bad };
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
  return { kind: 'cert', messageType: 'dns_entries', event, truncatedNames: names.truncated, badNames: names.bad, escapedNames: names.escaped };
}

interface NameList {
  list: string[];
  truncated: number;
  bad: number;
  escaped: number;
}

function readNames(v: unknown, max: number): NameList | 'bad' {
  const out: NameList = { list: [], truncated: 0, bad: 0, escaped: 0 };
  if (v === undefined || v === null) return out;
  if (!Array.isArray(v)) return 'bad';
  // Type-check everything first: a list with a non-string is a wrong field type as a whole.
  for (const x of v) if (typeof x !== 'string') return 'bad';
  const seen = new Set<string>();
  let i = 0;
  for (; i < v.length && out.list.length < max; i++) {
    const r = sanitizeName(v[i] as string);
    if (r.kind === 'drop') {
      out.bad++;
      continue;
    }
    if (r.kind === 'escaped') out.escaped++;
    if (!seen.has(r.name)) {
      seen.add(r.name);
      out.list.push(r.name);
    }
  }
  out.truncated = v.length - i;
  return out;
}

/** What sanitizeName decided about one name. */
export type SanitizedName = { kind: 'ok' | 'escaped'; name: string } | { kind: 'drop'; why: 'empty' | 'too_long' | 'label_too_long' | 'empty_label' };

const MAX_NAME = 253;
const MAX_LABEL = 63;
const HOST_CHAR = /^[A-Za-z0-9_-]$/;
const UNICODE_LABEL_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

/**
 * Decides what happens to one name from a message before it can reach matching. Pure, total.
 *
 * - A name that cannot exist in DNS (empty, over 253 characters, a label over 63, an empty label)
 *   is dropped: nobody can resolve it, so it cannot serve a phishing site, and bounding its length
 *   bounds the matcher's work. The other names of the certificate are unaffected.
 * - A name holding characters a hostname cannot hold (NUL, newline, RTL override and every other
 *   control, format, space or punctuation character) is kept, with each such character written
 *   as `[U+XXXX]`. It still goes to matching, so "www.paypal.com\0.evil.example" (the classic
 *   NUL-prefix trick) is still caught by a "paypal" rule, but no raw control character ever
 *   reaches the matcher, the store, a log or an alert.
 * - Letters, marks and digits of any script are kept as they are (U-labels): the matcher's
 *   homograph detection needs them.
 * One trailing dot and a leading "*." wildcard label are allowed.
 */
export function sanitizeName(raw: string): SanitizedName {
  const name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (name.length === 0) return { kind: 'drop', why: 'empty' };
  if (name.length > MAX_NAME) return { kind: 'drop', why: 'too_long' };
  const labels = name.split('.');
  let escaped = false;
  const outLabels: string[] = [];
  for (let li = 0; li < labels.length; li++) {
    const label = labels[li];
    if (label.length === 0) return { kind: 'drop', why: 'empty_label' };
    if (label.length > MAX_LABEL) return { kind: 'drop', why: 'label_too_long' };
    if (li === 0 && label === '*' && labels.length > 1) {
      outLabels.push(label);
      continue;
    }
    let out = '';
    for (const ch of label) {
      if (HOST_CHAR.test(ch) || (ch.charCodeAt(0) > 0x7f && UNICODE_LABEL_CHAR.test(ch))) out += ch;
      else {
        escaped = true;
        out += `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;
      }
    }
    outLabels.push(out);
  }
  return escaped ? { kind: 'escaped', name: outLabels.join('.') } : { kind: 'ok', name: raw };
}

/**
 * True when the outer DER element is a SEQUENCE whose encoded length is exactly the buffer's: a
 * cheap check that catches a truncated (or padded) certificate before it costs a full parse.
 */
export function derLengthConsistent(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1];
  if (first < 0x80) return 2 + first === der.length;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i];
  return 2 + n + len === der.length;
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

/**
 * Node's base64 decoder skips invalid characters silently; a feed must tell garbage apart.
 * The cert stage's strict decoder does (at a fraction of a regular expression's cost).
 */
export const strictBase64 = strictBase64Decode;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
