import { it } from 'vitest';
import { matcherFor, PAYPAL } from './helpers.js';
it('x', () => {
  const m = matcherFor({ brands: [PAYPAL, { name: 'MEW', domains: ['myetherwallet.com'] }, { name: 'MetaMask', domains: ['metamask.io'] }] });
  for (const n of process.env.NAMES!.split(',')) console.log(n, JSON.stringify(m.matchName(n), null, 0));
});
