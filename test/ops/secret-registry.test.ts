/** The secret registry: what a registered secret hides, in which forms (table-driven). */
import { describe, expect, it } from 'vitest';
import { SecretRegistry, urlParts } from '../../src/log/secrets.js';

const SLACK = 'https://hooks.slack.com/services/T0ABCDEF/B0GHIJKL/xSlackTok3nQ7r2Vb9Lm';
const SMTP = 'smtps://alerts:p%40ss%2Fw0rd-long@mail.example.net:465';
const HOOK = 'https://siem.example.net/ct?token=0123456789abcdef0123';

describe('SecretRegistry', () => {
  it.each([
    ['the value itself', 'whsec_c2VjcmV0LWtleQ==', 'sig key whsec_c2VjcmV0LWtleQ== used'],
    ['its JSON-escaped form', 'pa"ss\\word', JSON.stringify({ v: 'pa"ss\\word' })],
    ['its URL-encoded form', 'p@ss word', `smtp://u:${encodeURIComponent('p@ss word')}@h`],
    ['a Slack URL path on its own', SLACK, 'POST /services/T0ABCDEF/B0GHIJKL/xSlackTok3nQ7r2Vb9Lm failed'],
    ['a Slack token on its own', SLACK, 'token xSlackTok3nQ7r2Vb9Lm rejected'],
    ['a URL in normalised form', 'HTTPS://Hooks.Slack.com/services/T0ABCDEF/B0GHIJKL/xSlackTok3nQ7r2Vb9Lm', `error at ${SLACK}`],
    ['a decoded SMTP password', SMTP, 'auth failed for p@ss/w0rd-long'],
    ['an encoded SMTP password', SMTP, 'url smtps://alerts:p%40ss%2Fw0rd-long@mail.example.net'],
    ['a query token', HOOK, 'GET ?token=0123456789abcdef0123'],
    ['a query value', HOOK, 'value 0123456789abcdef0123'],
  ])('redacts %s', (_what, secret, line) => {
    const r = new SecretRegistry();
    r.add(secret);
    const out = r.redact(line);
    expect(out).toContain('[redacted]');
    for (const part of [secret, ...urlParts(secret)]) expect(out).not.toContain(part);
  });

  it.each([
    ['short values (would hide ordinary words)', 'abc', 'abc def'],
    ['a short URL path', 'https://siem.example.net/ct', 'the /ct path'],
    ['a path without a token', 'ws://certstream.internal:8080/full-stream', 'reading /full-stream'],
    ['the host of a secret URL', SLACK, 'connect hooks.slack.com:443'],
  ])('does not redact %s', (_what, secret, line) => {
    const r = new SecretRegistry();
    r.add(secret);
    expect(r.redact(line)).toBe(line);
  });

  it('is idempotent and replaces the longest form first', () => {
    const r = new SecretRegistry();
    r.add(SLACK);
    const n = r.size;
    r.add(SLACK);
    expect(r.size).toBe(n);
    expect(r.redact(`x ${SLACK} y`)).toBe('x [redacted] y');
  });
});
