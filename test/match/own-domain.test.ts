import { describe, it, expect } from 'vitest';
import { matcherFor } from './helpers.js';

const m = matcherFor({
  watch: [{ domain: '.example.com' }, { domain: 'www.example.org' }, { domain: 'example.net' }, { domain: '.Bücher.example' }],
});

describe('own-domain watch items (certspotter syntax)', () => {
  it.each([
    ['example.com', '.example.com'],
    ['EXAMPLE.COM.', '.example.com'],
    ['a.b.example.com', '.example.com'],
    ['*.example.com', '.example.com'],
    ['*.api.example.com', '.example.com'],
    ['www.example.org', 'www.example.org'],
    ['*.example.org', 'www.example.org'],
    ['example.net', 'example.net'],
    ['xn--bcher-kva.example', '.Bücher.example'],
    ['shop.bücher.example', '.Bücher.example'],
  ])('%s hits %s', (name, watch) => {
    const hits = m.matchName(name);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ watch, brand: null, technique: 'own-domain', techniques: ['own-domain'], severity: 'medium', score: 50 });
    expect(hits[0].reason).not.toBe('');
  });

  it.each([
    'example.org', // exact item www.example.org only
    'a.www.example.org',
    'www.example.net', // exact item example.net does not cover subdomains
    '*.example.net', // a wildcard does not cover the apex
    'notexample.com',
    'example.com.evil.top',
    'example.co',
  ])('%s does not hit', (name) => {
    expect(m.matchName(name)).toEqual([]);
  });

  it('rejects a watch item that is not a domain, naming it', () => {
    expect(() => matcherFor({ watch: [{ domain: 'ok.com' }, { domain: 'bad domain' }] })).toThrowError(
      expect.objectContaining({ code: 'RULES_INVALID', message: expect.stringContaining('watch[1].domain') }),
    );
  });
});
