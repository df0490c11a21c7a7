import { describe, it, expect } from 'vitest';
import { normalizeName } from '../../src/match/index.js';
import { skeleton, matchKey, changedHostChars, foldHostChars } from '../../src/match/skeleton.js';
import { prng } from '../../bench/lib/prng.js';
import { escapeForReason } from '../../src/match/escape.js';

describe('normalizeName', () => {
  it.each([
    // raw, name, wildcard, ascii, unicode, registrable, label key
    ['PayPal.COM.', 'paypal.com', false, 'paypal.com', 'paypal.com', 'paypal.com', 'paypal'],
    ['*.Example.org', '*.example.org', true, 'example.org', 'example.org', 'example.org', 'example'],
    ['xn--pypal-4ve.com', 'xn--pypal-4ve.com', false, 'xn--pypal-4ve.com', 'p\u0430ypal.com', 'xn--pypal-4ve.com', 'paypal'],
    ['p\u0430ypal.com', 'p\u0430ypal.com', false, 'xn--pypal-4ve.com', 'p\u0430ypal.com', 'xn--pypal-4ve.com', 'paypal'],
    ['\uff30\uff41\uff59\uff30\uff41\uff4c.com', '\uff50\uff41\uff59\uff50\uff41\uff4c.com', false, 'paypal.com', 'paypal.com', 'paypal.com', 'paypal'],
    ['payp\u00e1l.com', 'payp\u00e1l.com', false, 'xn--paypl-0qa.com', 'payp\u00e1l.com', 'xn--paypl-0qa.com', 'paypal'],
    ['paypa1-login.web.app', 'paypa1-login.web.app', false, 'paypa1-login.web.app', 'paypa1-login.web.app', 'paypa1-login.web.app', 'paypal-login'],
  ])('%s', (raw, name, wildcard, ascii, unicode, registrable, key) => {
    const n = normalizeName(raw);
    expect(n).toMatchObject({ name, wildcard, ascii, unicode, idnaValid: true });
    expect(n.parts.registrable).toBe(registrable);
    expect(n.labelSkeleton).toBe(key);
  });

  it.each([
    ['p\u0430ypal.com', ['Cyrillic', 'Latin'], true],
    ['\u0440\u0430\u0443\u0440\u0430l.com', ['Cyrillic', 'Latin'], true],
    ['\u0440\u0430\u0443\u0440\u0430\u04cf.com', ['Cyrillic'], false],
    ['payp\u00e1l.com', ['Latin'], false],
    ['b\u00fccher.de', ['Latin'], false],
    ['\u98df\u72ee.com.cn', ['Han'], false],
    ['paypal.com', ['Latin'], false],
  ])('scripts of %s', (raw, scripts, mixed) => {
    const n = normalizeName(raw);
    expect(n.labelScripts).toEqual(scripts);
    expect(n.mixedScript).toBe(mixed);
  });

  it.each([
    'xn--zzzzzz.com',
    'a\u0000b.com',
    '\u202epaypal.com',
    'xn--.com',
    '..',
    '.',
    '',
    '*.',
    '*',
    'a'.repeat(10_000),
    'x.'.repeat(5_000),
    '\ud800.com',
    '192.0.2.1',
    '[::1]',
    '\u0000',
  ])('is total on hostile input %#', (raw) => {
    const n = normalizeName(raw);
    expect(typeof n.name).toBe('string');
    expect(n.name.length).toBeLessThanOrEqual(1024);
  });

  it('marks names that IDNA rejects', () => {
    expect(normalizeName('xn--zzzzzz.com').idnaValid).toBe(false);
    expect(normalizeName('a\u0000b.com').idnaValid).toBe(false);
  });
});

describe('skeleton (UTS #39, lower-cased)', () => {
  it.each([
    ['paypal', 'paypal'],
    ['p\u0430ypal', 'paypal'],
    ['paypa1', 'paypal'],
    ['rnetamask', 'rnetarnask'],
    ['metamask', 'rnetarnask'],
    ['0pensea', 'opensea'],
    ['\u0440\u0430\u0443\u0440\u0430l', 'paypal'],
    ['\u0440\u0430\u0443\u0440\u0430\u04cf', 'paypai'],
  ])('skeleton(%s) = %s', (s, k) => {
    expect(skeleton(s)).toBe(k);
  });
  it.each([
    ['paypal', 'paypal'],
    ['rnetamask', 'metamask'],
    ['metamask', 'metamask'],
    ['p4yp4l', 'paypal'],
    ['3th3rscan', 'etherscan'],
    ['myethervvallet', 'myetherwallet'],
    ['p\u0430ypal', 'paypal'],
    ['m\u0435t\u0430mask', 'metamask'],
  ])('matchKey(%s) = %s', (s, k) => {
    expect(matchKey(s)).toBe(k);
  });
  it('matchKey also drops diacritics', () => {
    expect(matchKey('payp\u00e1l')).toBe('paypal');
    expect(matchKey('m\u00ffetherwallet')).toBe(matchKey('myetherwallet'));
  });
  it('the host-character fast path covers exactly the characters the table changes', () => {
    expect(changedHostChars().sort()).toEqual(['0', '1', 'm']);
  });
});

describe('escapeForReason', () => {
  it.each([
    ['paypal.com', 'paypal.com'],
    ['p\u0430ypal.com', 'pU+0430ypal.com'],
    ['\u202epaypal', 'U+202Epaypal'],
    ['a\u0000b', 'aU+0000b'],
    ['a b`c', 'aU+0020bU+0060c'],
  ])('%s -> %s', (s, e) => {
    expect(escapeForReason(s)).toBe(e);
  });
});

describe('foldHostChars (the one-pass match key of plain host names)', () => {
  it.each([
    ['paypal.com', 'paypal.com'],
    ['paypa1-l0gin.com', 'paypal-login.com'],
    ['rnicrosoft.com', 'microsoft.com'],
    ['vvells-fargo.com', 'wells-fargo.com'],
    ['rnn.vvv', 'mn.wv'],
    ['r', 'r'],
    ['v', 'v'],
    ['', ''],
    ['3th3r-w4ll3t5-7', 'ether-wallets-t'],
    ['a_b.c-d', 'a_b.c-d'],
  ])('%s -> %s, as matchKey', (s, k) => {
    expect(foldHostChars(s)).toBe(k);
    expect(matchKey(s)).toBe(k);
  });

  it.each(['Paypal.com', 'p\u0430ypal.com', 'pay pal.com', 'paypal.com\u0000', 'a*b'])('%j is not host-name characters only: null', (s) => {
    expect(foldHostChars(s)).toBeNull();
  });

  it.each([
    ['p\u0430ypa1.com', 'paypal.com'],
    ['\u0440aypal-rnail.com', 'paypal-mail.com'],
    ['vv\u0435lls-f4rgo', 'wells-fargo'],
  ])('matchKey folds digits, rn and vv around non-ASCII characters too: %s -> %s', (s, k) => {
    expect(foldHostChars(s)).toBeNull();
    expect(matchKey(s)).toBe(k);
  });

  it('agrees with a plain regex folding on 20,000 random host-character strings', () => {
    const folds: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', rn: 'm', vv: 'w' };
    const reference = (s: string) => s.replace(/[013457]|rn|vv/g, (m) => folds[m]!);
    const rand = prng(11);
    const chars = 'rnvv0134572689abcdefghijklmopqstuwxyz._-';
    for (let i = 0; i < 20_000; i++) {
      const s = Array.from({ length: Math.floor(rand() * 24) }, () => chars[Math.floor(rand() * chars.length)]).join('');
      expect(foldHostChars(s)).toBe(reference(s));
    }
  });
});
