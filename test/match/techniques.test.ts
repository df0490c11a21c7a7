import { describe, it, expect } from 'vitest';
import { compileMatcher } from '../../src/match/index.js';
import { brandSchema, detectionSchema } from '../../src/match/config-schema.js';
import { matcherFor, PAYPAL } from './helpers.js';

const MEW = { name: 'MyEtherWallet', domains: ['myetherwallet.com'] };
const m = matcherFor({ brands: [PAYPAL, MEW], watch: [{ domain: '.example.com' }], allow: ['paypal-community.com'] });

describe('techniques (one row per technique, strongest technique and severity)', () => {
  it.each([
    // name, brand, strongest technique, minimum severity rank (0 low .. 3 critical), reason fragment
    ['paypal-account.com', 'PayPal', 'combosquat', 2, "phishing term 'account'"],
    ['secure-paypal-verify.xyz', 'PayPal', 'combosquat', 2, "phishing term 'secure'"],
    ['mypaypalshop.net', 'PayPal', 'keyword', 1, "keyword 'paypal'"],
    ['paypa1.com', 'PayPal', 'typosquat:homoglyph', 3, "'l' replaced by '1'"],
    ['xn--pypal-4ve.com', 'PayPal', 'homograph', 3, 'Cyrillic U+0430'],
    ['p\u0430yp\u0430l.com', 'PayPal', 'homograph', 3, 'skeleton equals paypal.com'],
    ['payp\u00e1l.com', 'PayPal', 'homograph', 2, 'diacritics'],
    ['paypal.com.account-verify.top', 'PayPal', 'subdomain-embedding', 3, 'brand domain paypal.com embedded'],
    ['paypal.evil-host.net', 'PayPal', 'subdomain-embedding', 2, 'used as a subdomain'],
    ['paypal.co', 'PayPal', 'tld-swap', 1, 'under .co'],
    ['myetherwallet.fm', 'MyEtherWallet', 'tld-swap', 1, 'under .fm'],
    ['paypal-login.web.app', 'PayPal', 'combosquat', 3, 'hosted on free platform web.app'],
    ['myetherwallet-login.github.io', 'MyEtherWallet', 'combosquat', 3, 'github.io'],
    ['myetherwalet.com', 'MyEtherWallet', 'typosquat:omission', 2, "'l' left out"],
    ['metemask-node.com', null, null, 0, ''],
  ])('%s', (name, brand, technique, minSeverity, fragment) => {
    const hits = m.matchName(name).filter((h) => h.brand !== null);
    if (brand === null) {
      expect(hits).toEqual([]);
      return;
    }
    expect(hits).toHaveLength(1);
    const h = hits[0];
    expect(h.brand).toBe(brand);
    expect(h.watch).toBeNull();
    expect(h.technique).toBe(technique);
    expect(h.techniques[0]).toBe(h.technique);
    expect(['low', 'medium', 'high', 'critical'].indexOf(h.severity)).toBeGreaterThanOrEqual(minSeverity);
    expect(h.score).toBeGreaterThanOrEqual(0);
    expect(h.score).toBeLessThanOrEqual(100);
    expect(h.reason).toContain(fragment);
  });
});

describe('merging and exemptions', () => {
  it('merges every technique for one brand into one match with every reason', () => {
    const hits = m.matchName('paypal.com.paypal-login.top');
    expect(hits).toHaveLength(1);
    expect(hits[0].techniques).toEqual(expect.arrayContaining(['subdomain-embedding', 'combosquat', 'keyword']));
    expect(hits[0].reason.split('; ').length).toBeGreaterThanOrEqual(3);
  });

  it('reports one match per brand and one per watch item on the same name', () => {
    const hits = m.matchName('paypal-login.example.com');
    expect(hits.map((h) => h.brand ?? h.watch).sort()).toEqual(['.example.com', 'PayPal']);
  });

  it.each(['paypal.com', 'www.paypal.com', '*.paypal.com', 'paypal.me', 'myetherwallet.com', 'www.myetherwallet.com', 'paypal-community.com', 'forum.paypal-community.com'])(
    '%s (brand domain or allowed) never hits',
    (name) => {
      expect(m.matchName(name)).toEqual([]);
    },
  );

  it('shows attacker-controlled code points escaped in reasons', () => {
    const [h] = m.matchName('xn--pypal-4ve.com');
    expect(h.reason).toContain('pU+0430ypal');
    expect(h.reason).not.toMatch(/[^\x20-\x7e]/);
  });
});

describe('short and common brand labels', () => {
  const chase = matcherFor({ brands: [{ name: 'Chase', domains: ['chase.com'] }] });
  it.each([
    ['chase-login.com', true],
    // 'chase' is an ordinary word: the same word under another suffix, or a typo that is itself a
    // word (English 'chaser', French 'chasse'), is someone else's unless something corroborates it.
    ['chase.co', false],
    ['chase.top', true],
    ['chaser.com', false],
    ['chasse.com', false],
    ['chasse-login.com', false],
    ['purchase.com', false],
    ['purchases.com', false],
    ['cheese.com', false],
  ])('%s -> %s', (name, hit) => {
    expect(chase.matchName(name).length > 0).toBe(hit);
  });
});

describe('matchName is total', () => {
  const hostile = [
    '',
    '.',
    '*',
    '*.',
    '\u0000',
    'pay\u0000pal.com',
    '\u202epaypal.com',
    'xn--zzzzzz.com',
    'xn--.com',
    'xn--pypal-4ve.xn--zzz',
    'a'.repeat(10_000),
    `${'paypal-'.repeat(1_500)}login.com`,
    'x.'.repeat(5_000) + 'com',
    '\ud800\udc00.com',
    '\ud800.com',
    '192.0.2.1',
    '[2001:db8::1]',
    'paypal..com',
    '-paypal-.com',
    '\u0440\u0430\u0443\u0440\u0430l.\u0440\u0444',
  ];
  it.each(hostile.map((h, i) => [i, h]))('input %i', (_i, name) => {
    const hits = m.matchName(name as string);
    expect(Array.isArray(hits)).toBe(true);
    for (const h of hits) expect(h.reason).not.toMatch(/[\u0000-\u001f\u202e]/);
  });
});

describe('config', () => {
  it('the documented minimal brand is valid and gets every default', () => {
    const b = brandSchema.parse({ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] });
    expect(b).toMatchObject({ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] });
    expect(detectionSchema.parse(undefined).edit_distance.distance1_min_length).toBe(5);
  });
  it('rejects unknown keys', () => {
    expect(() => brandSchema.parse({ name: 'x', domains: [], nope: 1 })).toThrow();
    expect(() => detectionSchema.parse({ nope: 1 })).toThrow();
  });
  it('accepts a hand-built rules object with an empty detection section', () => {
    const mm = compileMatcher({ watch: [], brands: [brandSchema.parse(PAYPAL)], allow: [], detection: {} });
    expect(mm.matchName('paypal-login.com')).toHaveLength(1);
    const mm2 = compileMatcher({ watch: [], brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }], allow: [] });
    expect(mm2.matchName('paypal-login.com')).toHaveLength(1);
  });
  it.each([
    [{ brands: [{ name: 'X', domains: ['exa mple.com'] }] }, 'brands[0].domains[0]'],
    [{ brands: [{ name: 'X', domains: ['x.com'], keywords: ['a.b'] }] }, 'brands[0].keywords[0]'],
    [{ allow: ['ok.com', 'not valid'] }, 'allow[1]'],
    [{ watch: [{ domain: '*' }] }, 'watch[0].domain'],
  ])('RULES_INVALID names %#', (rules, path) => {
    expect(() => matcherFor(rules)).toThrowError(expect.objectContaining({ code: 'RULES_INVALID', message: expect.stringContaining(path) }));
  });
  it('a brand with typosquats: false only matches keywords', () => {
    const mm = matcherFor({ brands: [{ ...PAYPAL, typosquats: false }] });
    expect(mm.matchName('paypa1.com').flatMap((h) => h.techniques)).not.toContain('typosquat:homoglyph');
    expect(mm.matchName('paypal-login.com')).toHaveLength(1);
  });
  it('min_score drops weak matches', () => {
    const mm = matcherFor({ brands: [PAYPAL], detection: { min_score: 60 } });
    expect(mm.matchName('mypaypalshop.net')).toEqual([]);
    expect(mm.matchName('paypal-login.com')).toHaveLength(1);
  });
});

describe('withIssuer (free DV modifier, applied after the certificate parse)', () => {
  it.each([
    ["C=US, O=Let's Encrypt, CN=R11", true],
    ['C=AT, O=ZeroSSL, CN=ZeroSSL RSA Domain Secure Site CA', true],
    ['C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1', false],
    [null, false],
  ])('%s', async (issuer, raised) => {
    const { withIssuer } = await import('../../src/match/index.js');
    const [h] = m.matchName('paypal-login.com');
    const out = withIssuer(h, issuer);
    expect(out.score > h.score).toBe(raised);
    if (raised) expect(out.reason).toContain('free DV certificate');
    const [own] = m.matchName('www.example.com');
    expect(withIssuer(own, issuer)).toEqual(own);
  });
});

describe('invalid detection section', () => {
  it('throws RULES_INVALID naming the field', () => {
    expect(() => compileMatcher({ watch: [], brands: [], allow: [], detection: { min_score: 500 } })).toThrowError(
      expect.objectContaining({ code: 'RULES_INVALID', message: expect.stringContaining('detection.min_score') }),
    );
  });
});
