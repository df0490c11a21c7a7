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
    // Every declared secret field is a real config key.
    const shape = (p.configSchema as unknown as { shape: Record<string, unknown> }).shape;
    for (const f of p.secretFields) expect(Object.keys(shape)).toContain(f);
  });

  it('lists every provider of issue 6', () => {
    expect(Object.keys(providers).sort()).toEqual(['console', 'discord', 'email', 'exec', 'slack', 'teams', 'webhook']);
  });

  it.each(['console', 'webhook'])('has %s', (type) => {
    expect(getProvider(type)).toBeDefined();
  });

  it.each(['nope', 'toString', '__proto__', 'constructor'])('unknown type %s', (type) => {
    expect(getProvider(type)).toBeUndefined();
  });
});
