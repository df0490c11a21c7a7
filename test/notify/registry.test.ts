import { describe, expect, it } from 'vitest';
import { getProvider, providers } from '../../src/notify/registry.js';

describe('registry', () => {
  it.each(Object.keys(providers))('%s is consistent', (type) => {
    const p = getProvider(type)!;
    expect(p.type).toBe(type);
    expect(['human', 'machine']).toContain(p.audience);
    expect(p.ratePerSecond).toBeGreaterThan(0);
    expect(p.maxHitsPerMessage).toBeGreaterThanOrEqual(1);
    if (p.audience === 'machine') expect(p.maxHitsPerMessage).toBe(1);
    // Strict: an unknown key is rejected.
    expect(p.configSchema.safeParse({ no_such_key: 1 }).success).toBe(false);
  });

  it.each(['console', 'webhook'])('has %s', (type) => {
    expect(getProvider(type)).toBeDefined();
  });

  it.each(['nope', 'toString', '__proto__', 'constructor'])('unknown type %s', (type) => {
    expect(getProvider(type)).toBeUndefined();
  });
});
