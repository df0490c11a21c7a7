/**
 * The environment an exec hook receives, mirroring certspotter's hook variables
 * (certspotter-script(8)) so existing certspotter hook scripts keep working, plus CTWATCH_*
 * variables for what certspotter has no name for. Pure.
 */
import { isIP } from 'node:net';
import type { AlertMessage, HitAlert } from '../types.js';
import { escapeControls } from '../format/sanitize.js';

/**
 * Linux refuses to start a program when one environment string exceeds 128 KiB
 * (MAX_ARG_STRLEN); stay well below so an absurd certificate cannot make every run fail.
 */
export const MAX_ENV_VALUE_BYTES = 32 * 1024;

/** Environment values cannot hold NUL (certificate text is already escaped; this guards the rest). */
function envValue(v: string): string {
  const clean = v.replace(/\u0000/g, '\\u{0}');
  if (Buffer.byteLength(clean) <= MAX_ENV_VALUE_BYTES) return clean;
  return Buffer.from(clean).subarray(0, MAX_ENV_VALUE_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}

/** All names, space-separated, cut at a name boundary to fit one environment value. */
function namesValue(names: string[]): { value: string; truncated: boolean } {
  let value = '';
  for (const n of names) {
    const next = value === '' ? n : `${value} ${n}`;
    if (Buffer.byteLength(next) > MAX_ENV_VALUE_BYTES) return { value, truncated: true };
    value = next;
  }
  return { value, truncated: false };
}

/** certspotter's human time format (Go's time.String for UTC): `2023-01-31 03:47:26 +0000 UTC`. */
export function goTimeString(rfc3339: string): string | null {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString(); // 2023-01-31T03:47:26.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

function validityVars(prefix: 'NOT_BEFORE' | 'NOT_AFTER', value: string | null, env: Record<string, string>): boolean {
  if (value === null) return false;
  const ms = Date.parse(value);
  const human = goTimeString(value);
  if (Number.isNaN(ms) || human === null) return false;
  env[prefix] = human;
  env[`${prefix}_UNIXTIME`] = String(Math.floor(ms / 1000));
  env[`${prefix}_RFC3339`] = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return true;
}

/** Hex serial as certspotter prints it: lower-case, no separators, `-` kept for negatives. */
export function serialHex(serial: string): string {
  return serial.replace(/[:\s]/g, '').toLowerCase();
}

/** The SUMMARY line: certspotter's wording for watch items; control characters made visible. */
export function hitSummary(hit: HitAlert, test: boolean): string {
  const what = hit.watch !== null
    ? `certificate discovered for ${hit.watch}`
    : `look-alike certificate discovered for ${hit.brand ?? 'a watched brand'}: ${hit.name}`;
  return escapeControls(`${test ? 'TEST: ' : ''}${what}`);
}

const NOT_AVAILABLE = 'not available (lite feed or certificate not parsed)';

/**
 * The event variables for `message` (files excluded: the caller adds JSON_FILENAME and
 * TEXT_FILENAME). For kind 'hits' exactly one hit is used (machine channel).
 */
export function hookEnv(message: AlertMessage): Record<string, string> {
  const env: Record<string, string> = { CTWATCH_DELIVERY_ID: message.id };
  if (message.kind === 'health') {
    const h = message.health;
    env.EVENT = 'health';
    env.SUMMARY = escapeControls(h.summary);
    env.CTWATCH_HEALTH_EVENT = h.event;
    env.CTWATCH_SEVERITY = h.severity;
  } else if (message.kind === 'update') {
    const u = message.update;
    env.EVENT = 'update';
    env.SUMMARY = escapeControls(`look-alike changed: ${u.hit.name}: ${u.changes.map((c) => c.text).join('; ')}`);
    env.CTWATCH_SEVERITY = u.hit.severity;
  } else if (message.kind === 'digest') {
    env.EVENT = 'digest';
    env.SUMMARY = `ctwatch digest: ${message.digest.total} hits from ${message.digest.from} to ${message.digest.to}`;
  } else {
    const hit = message.hits[0]!;
    const test = message.test === true;
    env.EVENT = 'discovered_cert';
    env.SUMMARY = hitSummary(hit, test);
    env.WATCH_ITEM = hit.watch ?? hit.brand ?? '';
    if (hit.cert.log !== null) env.LOG_URI = hit.cert.log;
    if (hit.cert.index !== null) env.ENTRY_INDEX = String(hit.cert.index);
    if (hit.cert.sha256 !== null) env.CERT_SHA256 = hit.cert.sha256.toLowerCase();
    const a = validityVars('NOT_BEFORE', hit.cert.not_before, env);
    const b = validityVars('NOT_AFTER', hit.cert.not_after, env);
    if (!a || !b) {
      for (const k of ['NOT_BEFORE', 'NOT_AFTER']) for (const s of ['', '_UNIXTIME', '_RFC3339']) delete env[k + s];
      env.VALIDITY_PARSE_ERROR = NOT_AVAILABLE;
    }
    // Certificate text: control, bidi and zero-width characters as visible escapes, like every
    // channel (the exact values are in the JSON file's `raw`).
    if (hit.cert.subject !== null) env.SUBJECT_DN = escapeControls(hit.cert.subject);
    else env.SUBJECT_PARSE_ERROR = NOT_AVAILABLE;
    if (hit.cert.issuer !== null) env.ISSUER_DN = escapeControls(hit.cert.issuer);
    else env.ISSUER_PARSE_ERROR = NOT_AVAILABLE;
    if (hit.cert.serial !== null) env.SERIAL = serialHex(hit.cert.serial);
    else env.SERIAL_PARSE_ERROR = NOT_AVAILABLE;
    env.CERT_TYPE = hit.cert.precert ? 'precert' : 'cert';
    env.CTWATCH_NAME = escapeControls(hit.name);
    const names = namesValue(hit.names.map(escapeControls));
    env.CTWATCH_NAMES = names.value;
    if (names.truncated) env.CTWATCH_NAMES_TRUNCATED = '1';
    env.CTWATCH_BRAND = hit.brand ?? '';
    env.CTWATCH_WATCH = hit.watch ?? '';
    env.CTWATCH_TECHNIQUE = hit.technique;
    env.CTWATCH_SEVERITY = hit.severity;
    env.CTWATCH_SCORE = String(hit.score);
    env.CTWATCH_REASON = escapeControls(hit.reason);
    env.CTWATCH_SEEN_AT = hit.seen_at;
    if (test) env.CTWATCH_TEST = '1';
  }
  for (const k of Object.keys(env)) env[k] = envValue(env[k]!);
  return env;
}

/** certspotter's JSON file fields, added to the webhook payload in the exec JSON file. */
export function certspotterJsonFields(hit: HitAlert): Record<string, unknown> {
  return {
    dns_names: hit.names.filter((n) => isIP(n) === 0).map(escapeControls),
    ip_addresses: hit.names.filter((n) => isIP(n) !== 0),
    not_before: hit.cert.not_before,
    not_after: hit.cert.not_after,
  };
}
