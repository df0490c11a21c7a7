/** Recently seen (log, index) pairs: duplicates from redundant feeds are recognised, memory is bounded. */
import { describe, expect, it } from 'vitest';
import { RecentKeys } from '../../src/feed/dedup.js';

describe('RecentKeys', () => {
  it('recognises a repeated (log, index) and keeps logs apart', () => {
    const r = new RecentKeys();
    expect(r.seen('https://a/', 1)).toBe(false);
    expect(r.seen('https://a/', 1)).toBe(true);
    expect(r.seen('https://b/', 1)).toBe(false);
    expect(r.seen('https://a/', 2)).toBe(false);
  });

  it('remembers between one and two generations of entries across all logs, then forgets', () => {
    const r = new RecentKeys(100);
    for (let i = 0; i < 150; i++) expect(r.seen(i % 2 ? 'https://a/' : 'https://b/', i)).toBe(false);
    // Entries 0-99 are the previous generation, 100-149 the current one: all remembered.
    for (let i = 0; i < 150; i++) expect(r.seen(i % 2 ? 'https://a/' : 'https://b/', i)).toBe(true);
    // 50 more new entries swap the generations again: 0-99 are forgotten.
    for (let i = 150; i < 200; i++) r.seen('https://c/', i);
    expect(r.seen('https://b/', 0)).toBe(false);
    expect(r.seen('https://a/', 149)).toBe(true);
  });
});
