/** Issue 16 groundwork: store availability, one down and one up transition per outage, backoff. */
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/backend.js';
import { StoreAvailability, type AvailabilityState } from '../../src/store/availability.js';

const outage = () => new StoreError('STORE_UNAVAILABLE', 'PostgreSQL unavailable: connect ECONNREFUSED 127.0.0.1:5432');

function setup(answers: boolean[]) {
  const changes: AvailabilityState[] = [];
  const slept: number[] = [];
  const clock = { t: 1000 };
  const a = new StoreAvailability({
    ping: async () => answers.shift() ?? true,
    onChange: (s) => changes.push(s),
    now: () => clock.t,
    sleep: async (ms) => {
      slept.push(ms);
      clock.t += ms;
    },
    minDelayMs: 500,
    maxDelayMs: 4000,
    random: () => 1,
  });
  return { a, changes, slept, clock };
}

describe('StoreAvailability', () => {
  it('many failing calls in one outage: one down transition with the first reason, one up', async () => {
    const { a, changes } = setup([]);
    expect(a.failed(outage())).toBe(true);
    expect(a.failed(outage())).toBe(false);
    expect(a.failed(new StoreError('STORE_UNAVAILABLE', 'later reason'))).toBe(false);
    expect(a.state).toMatchObject({ up: false, reason: expect.stringContaining('ECONNREFUSED'), outages: 1 });
    a.succeeded();
    a.succeeded();
    expect(changes.map((c) => c.up)).toEqual([false, true]);
    a.failed(outage());
    expect(a.state.outages).toBe(2);
  });

  it.each([
    ['a bad statement', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a lost lease', new StoreError('LEASE_LOST', 'lease ctlog:x is not held')],
    ['not an error', 'string'],
  ])('%s is not an outage', (_label, err) => {
    const { a, changes } = setup([]);
    expect(a.failed(err)).toBe(false);
    expect(a.state.up).toBe(true);
    expect(changes).toEqual([]);
  });

  it('probes with doubling delays up to the cap while down, then recovers and resets', async () => {
    const { a, changes, slept } = setup([false, false, false, false, true]);
    expect(await a.waitUntilUp()).toBe(true); // up: at once
    expect(slept).toEqual([]);
    a.failed(outage());
    expect(await a.waitUntilUp()).toBe(true);
    expect(slept).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(changes.map((c) => [c.up, c.since])).toEqual([
      [false, 1000],
      [true, 1000 + 11_500],
    ]);
    // The next outage starts from the shortest delay again.
    a.failed(outage());
    expect(await a.waitUntilUp()).toBe(true);
    expect(slept.at(-1)).toBe(500);
  });

  it('an aborted wait returns false and leaves the state down', async () => {
    const { a } = setup([false, false, false]);
    a.failed(outage());
    const ctl = new AbortController();
    ctl.abort();
    expect(await a.waitUntilUp(ctl.signal)).toBe(false);
    expect(a.state.up).toBe(false);
  });

  it('a wait ends as soon as any other store call succeeds, not at the next probe', async () => {
    const a = new StoreAvailability({ ping: async () => false, sleep: () => new Promise(() => undefined) });
    a.failed(outage());
    const waits = [a.waitUntilUp(), a.waitUntilUp()];
    a.succeeded();
    expect(await Promise.all(waits)).toEqual([true, true]);
    // A new outage right after: a new wait probes again (the finished loop does not hold it up).
    const { a: b, slept } = setup([false, true]);
    b.failed(outage());
    expect(await b.waitUntilUp()).toBe(true);
    b.failed(outage());
    expect(await b.waitUntilUp()).toBe(true);
    expect(slept).toEqual([500, 1000, 500]);
  });
});
