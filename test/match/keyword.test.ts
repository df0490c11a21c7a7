import { describe, it, expect } from 'vitest';
import { matcherFor, PAYPAL } from './helpers.js';

const m = matcherFor({ brands: [PAYPAL], allow: ['example-partner.com', '*.partner.net'] });

describe('brand keywords', () => {
  it.each([
    ['paypal-login.com', 'keyword'],
    ['mypaypalhelp.net', 'keyword'],
    ['paypal.secure-verify.top', 'keyword'],
    ['*.paypal-billing.xyz', 'keyword'],
  ])('%s hits PayPal with %s', (name, technique) => {
    const hits = m.matchName(name);
    expect(hits).toHaveLength(1);
    expect(hits[0].brand).toBe('PayPal');
    expect(hits[0].watch).toBeNull();
    expect(hits[0].techniques).toContain(technique);
  });

  it.each([
    'paypal.com',
    'www.paypal.com',
    '*.paypal.com',
    'paypal.me',
    'checkout.paypal.me',
    'PAYPAL.COM.',
    'paypal.example-partner.com',
    'paypal.shop.partner.net',
    'example.com',
    'pay.example.com',
  ])('%s never hits', (name) => {
    expect(m.matchName(name)).toEqual([]);
  });

  it('short keywords in label mode match whole tokens only', () => {
    const chase = matcherFor({ brands: [{ name: 'Chase', domains: ['chase.com'], keywords: [{ word: 'chase', match: 'label' }] }] });
    expect(chase.matchName('chase-login.com')).toHaveLength(1);
    expect(chase.matchName('login.chase.evil.com')).toHaveLength(1);
    expect(chase.matchName('purchase.com')).toEqual([]);
    expect(chase.matchName('chasers.net')).toEqual([]);
  });

  it('prefix and suffix modes', () => {
    // corroborate: false, so that the mode alone decides (acme is generic: short).
    const p = matcherFor({ brands: [{ name: 'Acme', domains: ['acme.com'], keywords: [{ word: 'acme', match: 'prefix', corroborate: false }] }] });
    expect(p.matchName('acmesecure.com')).toHaveLength(1);
    expect(p.matchName('myacme.com')).toEqual([]);
    const s = matcherFor({ brands: [{ name: 'Acme', domains: ['acme.com'], keywords: [{ word: 'acme', match: 'suffix', corroborate: false }] }] });
    expect(s.matchName('myacme.com')).toHaveLength(1);
    expect(s.matchName('acmesecure.com')).toEqual([]);
  });

  it('rejects a brand domain that is not a domain, naming it', () => {
    expect(() => matcherFor({ brands: [PAYPAL, PAYPAL, { name: 'X', domains: ['x.com', 'not a domain'] }] })).toThrowError(
      expect.objectContaining({ code: 'RULES_INVALID', message: 'brands[2].domains[1]: "not a domain" is not a domain' }),
    );
  });
});
