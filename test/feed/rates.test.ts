/** Feed message rates for the dashboard's sparklines: per key, per interval, bounded. */
import { describe, expect, it } from 'vitest';
import { FeedRates } from '../../src/feed/rates.js';

describe('FeedRates', () => {
  it.each([
    ['counted messages', (r: FeedRates) => r.add('a', 50), [5]],
    ['a total kept elsewhere', (r: FeedRates) => r.setTotal('a', 30), [3]],
    ['nothing new', (_r: FeedRates) => undefined, [0]],
  ] as const)('turns %s into messages per second', (_what, act, series) => {
    let t = 1_000;
    const r = new FeedRates({ intervalMs: 10_000, now: () => t });
    r.add('a', 0);
    r.sample();
    act(r);
    t += 10_000;
    r.sample();
    expect(r.series('a')).toEqual([0, ...series]);
  });

  it('keeps the last `samples` values, oldest first, and knows when a key last counted', () => {
    let t = 0;
    const r = new FeedRates({ intervalMs: 1_000, samples: 3, now: () => t });
    for (let i = 1; i <= 5; i++) {
      t = i * 1_000;
      r.add('feed', i);
      r.sample();
    }
    expect(r.series('feed')).toEqual([3, 4, 5]);
    expect(r.lastAt('feed')).toBe(5_000);
    expect(r.series('unknown')).toEqual([]);
    expect(r.lastAt('unknown')).toBeNull();
  });

  it('tracks at most maxKeys keys', () => {
    const r = new FeedRates({ maxKeys: 2 });
    for (const k of ['a', 'b', 'c']) r.add(k);
    r.sample();
    expect([r.series('a').length, r.series('b').length, r.series('c').length]).toEqual([1, 1, 0]);
  });
});
