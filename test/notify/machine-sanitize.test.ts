/**
 * Machine channels follow the same control/bidi-character rule as every channel (issue 14):
 * names and DNs read raw from the DER (ESC sequences, CR/LF, RTL overrides, zero-width joiners)
 * reach the webhook payload and the exec variables as visible `\u{..}` escapes; the exact values
 * are kept only in the payload's documented `raw` field.
 */
import { describe, expect, it } from 'vitest';
import { machinePayload } from '../../src/notify/format/payload.js';
import { certspotterJsonFields, hookEnv } from '../../src/notify/providers/exec-env.js';
import { hitsMessage, makeHit } from './helpers.js';

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const name = 'paypal\u001b[31m-login\u202Emoc.evil.example';
const other = 'www.\u200bpaypal.example\r\nX-Injected: 1';
const issuer = "C=US, O=Let's\u202E Encrypt, CN=R11\u0007";
const subject = 'CN=paypal\u001b]8;;http://x\u0007-login.example';
const hit = makeHit({ name, names: [name, other], reason: `${name}: looks like paypal`, cert: { ...makeHit().cert, issuer, subject } });

/** Every string in `v` (deep), with its path. */
function strings(v: unknown, at = ''): [string, string][] {
  if (typeof v === 'string') return [[at, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, at ? `${at}.${k}` : k));
  return [];
}

describe('machine payloads and exec variables', () => {
  it('webhook payload: no unsafe character outside `raw`; `raw` holds the exact values', () => {
    const body = machinePayload(hitsMessage([hit], 'dlv-1'));
    const unsafe = strings(body).filter(([path, s]) => !path.startsWith('raw.') && UNSAFE.test(s));
    expect(unsafe).toEqual([]);
    expect(body.name).toBe('paypal\\u{1B}[31m-login\\u{202E}moc.evil.example');
    expect(body.cert).toMatchObject({ issuer: "C=US, O=Let's\\u{202E} Encrypt, CN=R11\\u{7}", subject: 'CN=paypal\\u{1B}]8;;http://x\\u{7}-login.example' });
    expect(body.raw).toEqual({ name, names: [name, other], issuer, subject });
  });

  it.each(['CTWATCH_NAME', 'CTWATCH_NAMES', 'ISSUER_DN', 'SUBJECT_DN', 'CTWATCH_REASON', 'SUMMARY'])('exec variable %s holds no unsafe character', (key) => {
    const env = hookEnv(hitsMessage([hit], 'dlv-1'));
    expect(env[key]).toBeDefined();
    expect(env[key]).not.toMatch(UNSAFE);
  });

  it('update alerts and digests: page titles in enrichment and changes, digest names, escaped too', () => {
    const title = 'PayPal\u202E: Log in\u001b[2J';
    const enriched = { ...hit, enrichment: { web: [{ url: 'https://x.example/', status: 'ok', title }] } } as never;
    const upd = machinePayload({ kind: 'update', id: 'u-1', update: { hit: enriched, round: 1, changes: [{ code: 'brand_title', text: `page title names the brand ('${title}')` }], replyTo: null } } as never);
    expect(strings(upd).filter(([path, s]) => !path.startsWith('raw.') && UNSAFE.test(s))).toEqual([]);
    expect((upd.enrichment as { web: { title: string }[] }).web[0]!.title).toBe('PayPal\\u{202E}: Log in\\u{1B}[2J');
    const digest = machinePayload({ kind: 'digest', id: 'd-1', digest: { from: 'a', to: 'b', total: 1, byBrand: {}, byTechnique: {}, bySeverity: {}, highNames: [{ name, brand: 'PayPal', watch: null, severity: 'high' }], health: { uptimeSeconds: 1, reconnects: 0, gaps: 0, dropped: 0 } } } as never);
    expect(strings(digest).filter(([, s]) => UNSAFE.test(s))).toEqual([]);
  });

  it('exec JSON file: certspotter dns_names escaped too', () => {
    expect(certspotterJsonFields(hit).dns_names).toEqual(['paypal\\u{1B}[31m-login\\u{202E}moc.evil.example', 'www.\\u{200B}paypal.example\\u{D}\\u{A}X-Injected: 1']);
  });
});
