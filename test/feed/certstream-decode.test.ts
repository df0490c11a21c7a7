/** Issue 2, point 4: every sample message of every server family decodes. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCertstreamText, normalizeSerial, strictBase64 } from '../../src/feed/certstream-decode.js';
import { FIXTURES } from '../helpers/fixtures.js';

const dir = path.join(FIXTURES, 'certstream');
const opts = { source: 'test', maxNames: 1000, receivedAt: 1_700_000_000_000 };
const decode = (file: string) => decodeCertstreamText(fs.readFileSync(path.join(dir, file), 'utf8'), opts);

describe('CertStream samples of every server family', () => {
  const certSamples = fs.readdirSync(dir).filter((f) => !f.includes('heartbeat'));

  it.each(certSamples)('%s decodes to a certificate event', (file) => {
    const r = decode(file);
    expect(r.kind).toBe('cert');
    if (r.kind !== 'cert') return;
    const raw = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    expect(r.event.names).toEqual(raw.data.leaf_cert.all_domains);
    expect(r.event.index).toBe(raw.data.cert_index);
    expect(r.event.logUrl).toMatch(/^https?:\/\/.+\/$/);
    if (raw.data.leaf_cert.serial_number) expect(r.event.fields.serialHex).toMatch(/^[0-9a-f]+$/);
    else expect(r.event.fields.serialHex).toBe(null);
    expect(r.event.seenAt.getTime()).toBeGreaterThan(Date.UTC(2015, 0));
    expect(r.event.fields.notBefore?.getTime()).toBe(Math.round(raw.data.leaf_cert.not_before * 1000));
    // The CaliDog README sample carries a placeholder instead of base64: counted, names kept.
    const hasDer = typeof raw.data.leaf_cert.as_der === 'string' && /^[A-Za-z0-9+/=]+$/.test(raw.data.leaf_cert.as_der);
    expect(r.event.der !== null).toBe(hasDer);
    expect(r.warning).toBe(hasDer || !raw.data.leaf_cert.as_der ? undefined : 'bad_der');
  });

  it.each(fs.readdirSync(dir).filter((f) => f.includes('heartbeat')))('%s is a heartbeat', (file) => {
    expect(decode(file).kind).toBe('heartbeat');
  });

  it('keeps the message fields for a precertificate with an empty as_der (certstream-server-go, tiled logs)', () => {
    const r = decode('certstream-server-go_readme_example_yeti2022_precert.json');
    expect(r.kind === 'cert' && r.event.der).toBe(null);
    if (r.kind === 'cert') {
      expect(r.event.precert).toBe(true);
      expect(r.event.fields.issuer).toContain("Let's Encrypt");
    }
  });
});

describe('field variants', () => {
  const base = JSON.parse(fs.readFileSync(path.join(dir, 'calidog-elixir-lite-certificate_update.json'), 'utf8'));
  const variant = (mut: (m: any) => void) => {
    const m = structuredClone(base);
    mut(m);
    return decodeCertstreamText(JSON.stringify(m), opts);
  };

  it.each([
    ['float times', (m: any) => (m.data.leaf_cert.not_before = 1581737741.5), (r: any) => expect(r.event.fields.notBefore.getTime()).toBe(1581737741500)],
    ['int seen', (m: any) => (m.data.seen = 1581741558), (r: any) => expect(r.event.seenAt.getTime()).toBe(1581741558000)],
    ['"no_expiration"', (m: any) => (m.data.leaf_cert.not_after = 'no_expiration'), (r: any) => expect(r.event.fields.notAfter).toBe(null)],
    ['lower-case serial', (m: any) => (m.data.leaf_cert.serial_number = '037a3a72033b9aff'), (r: any) => expect(r.event.fields.serialHex).toBe('37a3a72033b9aff')],
    ['colon serial', (m: any) => (m.data.leaf_cert.serial_number = '03:7A:3A'), (r: any) => expect(r.event.fields.serialHex).toBe('37a3a')],
    ['missing issuer', (m: any) => delete m.data.leaf_cert.issuer, (r: any) => expect(r.event.fields.issuer).toBe(null)],
    ['unknown fields', (m: any) => (m.data.leaf_cert.brand_new_field = { x: 1 }), (r: any) => expect(r.kind).toBe('cert')],
    ['log url without scheme', (m: any) => (m.data.source.url = 'ct.googleapis.com/logs/argon2020'), (r: any) => expect(r.event.logUrl).toBe('https://ct.googleapis.com/logs/argon2020/')],
  ] as const)('%s', (_name, mut, check) => {
    const r = variant(mut);
    expect(r.kind).toBe('cert');
    check(r);
  });

  it.each([
    ['not JSON', '{"message_type": "certif', 'invalid_json'],
    ['array', '[1,2]', 'not_object'],
    ['all_domains not a list', JSON.stringify({ message_type: 'certificate_update', data: { leaf_cert: { all_domains: 'x.com' } } }), 'bad_field'],
    ['all_domains with a number', JSON.stringify({ message_type: 'certificate_update', data: { leaf_cert: { all_domains: ['a.com', 5] } } }), 'bad_field'],
    ['as_der not base64 and no names', JSON.stringify({ message_type: 'certificate_update', data: { leaf_cert: { as_der: 'not base64 !!' } } }), 'bad_der'],
    ['as_der a number and no names', JSON.stringify({ message_type: 'certificate_update', data: { leaf_cert: { all_domains: [], as_der: 12 } } }), 'bad_der'],
    ['no names and no DER', JSON.stringify({ message_type: 'certificate_update', data: { leaf_cert: {} } }), 'no_names'],
    ['leaf_cert missing', JSON.stringify({ message_type: 'certificate_update', data: {} }), 'bad_field'],
  ])('%s is counted as bad (%s)', (_n, text, reason) => {
    const r = decodeCertstreamText(text, opts);
    expect(r).toMatchObject({ kind: 'bad', reason });
  });

  it.each([['not base64 !!'], [12], ['QUJD']])('an unusable as_der (%s) is counted but the names are still matched', (der) => {
    const r = decodeCertstreamText(JSON.stringify({ message_type: 'certificate_update', data: { leaf_cert: { all_domains: ['a.com'], as_der: der } } }), opts);
    expect(r.kind).toBe('cert');
    if (r.kind === 'cert') expect(r.event.names).toEqual(['a.com']);
    if (der !== 'QUJD') expect(r).toMatchObject({ warning: 'bad_der' });
  });

  it('ignores unknown message types', () => {
    expect(decodeCertstreamText('{"message_type":"something_new","data":{}}', opts)).toMatchObject({ kind: 'ignored' });
  });

  it('decodes the domains-only stream', () => {
    const r = decodeCertstreamText(JSON.stringify({ message_type: 'dns_entries', data: ['a.example', 'b.example'] }), opts);
    expect(r.kind === 'cert' && r.event.names).toEqual(['a.example', 'b.example']);
  });

  it('caps a 10,000-name all_domains and says how many were dropped', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `n${i}.example`);
    const r = variant((m) => (m.data.leaf_cert.all_domains = names));
    expect(r.kind === 'cert' && r.event.names?.length).toBe(1000);
    expect(r.kind === 'cert' && r.truncatedNames).toBe(9000);
  });
});

describe('helpers', () => {
  it.each([
    ['00AB', 'ab'],
    ['0', '0'],
    ['zz', null],
  ])('normalizeSerial(%s) = %s', (i, o) => expect(normalizeSerial(i)).toBe(o));
  it.each([
    ['QUJD', 'ABC'],
    ['QUJ', null],
    ['QU*D', null],
  ])('strictBase64(%s)', (i, o) => {
    const r = strictBase64(i);
    expect(r === null ? null : Buffer.from(r).toString()).toBe(o);
  });
});
