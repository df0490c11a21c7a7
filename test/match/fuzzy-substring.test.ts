import { describe, it, expect } from 'vitest';
import { editsAt } from '../../src/match/fuzzy-substring.js';
import { matcherFor } from './helpers.js';

describe('editsAt', () => {
  it.each([
    ['ethereum', 'xxethereumxx', 2, 8, 0],
    ['ethereum', 'xxetheriumxx', 2, 8, 1],
    ['ethereum', 'xxetherumxx', 2, 7, 1],
    ['ethereum', 'xxethereuumxx', 2, 9, 1],
    ['ethereum', 'xxehtereumxx', 2, 8, 1],
    ['ethereum', 'xxetherxxmxx', 2, 8, 2],
    ['ethereum', 'eth', 0, 8, 2],
  ])('%s in %s at %i len %i -> %i', (p, t, ts, tl, r) => {
    expect(editsAt(p, t, ts, tl)).toBe(r);
  });
});

describe('one-edit typos of long brand labels inside longer labels', () => {
  const m = matcherFor({ brands: [{ name: 'Ethereum', domains: ['ethereum.org'] }, { name: 'MetaMask', domains: ['metamask.io'] }] });
  it.each([
    ['etheriumairdrop.com', 'Ethereum', 'typosquat:embedded'],
    ['claim-etheruem-bonus.net', 'Ethereum', 'typosquat:embedded'],
    ['metamakrecovery2022.com', 'MetaMask', 'combosquat'],
    ['wallet.metamsksync.app', 'MetaMask', 'typosquat:embedded'],
  ])('%s -> %s %s', (name, brand, technique) => {
    const hits = m.matchName(name);
    expect(hits.map((h) => h.brand)).toContain(brand);
    expect(hits.flatMap((h) => h.techniques)).toContain(technique);
  });
  it.each(['metaverse-shop.com', 'etherealbeauty.com', 'thermostats.com', 'ethereum.org', 'docs.ethereum.org'])('%s does not hit', (name) => {
    expect(m.matchName(name)).toEqual([]);
  });
});

describe('one-edit typos of long brand labels in subdomain labels', () => {
  const m = matcherFor({ brands: [{ name: 'Ethereum', domains: ['ethereum.org'] }] });
  it.each(['etherium.org.payment.7d18-srv.site', 'login.etheruem.example.net'])('%s hits', (name) => {
    expect(m.matchName(name).flatMap((h) => h.techniques)).toContain('typosquat:embedded');
  });
});
