/**
 * docs/configuration.md documents every key: each key path of the config schema, and each key of
 * each notifier provider's schema in that provider's section. Fails when a key is added without
 * its documentation. The documented defaults of the top-level sections are checked against the
 * schema's own defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { configSchema } from '../../src/config/schema.js';
import { providers } from '../../src/notify/registry.js';
import { keyPaths } from './helpers/config-keys.js';

const doc = fs.readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
const section = (heading: string): string => {
  const start = doc.indexOf(`\n### \`${heading}\`\n`);
  if (start < 0) return '';
  const end = doc.indexOf('\n##', start + 5);
  return doc.slice(start, end < 0 ? undefined : end);
};

describe('docs/configuration.md', () => {
  it.each([...new Set(keyPaths(configSchema))])('documents %s', (key) => {
    expect(doc).toContain(`\`${key}\``);
  });

  const providerKeys = Object.entries(providers).flatMap(([type, p]) => [...new Set(keyPaths(p.configSchema))].map((k) => [type, k] as const));
  it.each(providerKeys)('documents notifier type %s key %s', (type, key) => {
    expect(section(type), `section ### \`${type}\``).toContain(`| \`${key}\` |`);
  });

  it('states the schema defaults', () => {
    const d = configSchema.parse({ feed: { url: 'ws://127.0.0.1:1/' } });
    const row = (key: string) => new RegExp(`\\| \`${key.replace(/[.[\]]/g, '\\$&')}\` \\| ([^|]+) \\|`).exec(doc)?.[1]?.trim();
    const ms = (v: number) => {
      for (const [u, n] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (v >= n && v % n === 0) return `\`${v / n}${u}\``;
      return `\`${v}ms\``;
    };
    const durations: Record<string, number> = {
      'feed.ping_interval': d.feed.ping_interval,
      'feed.pong_timeout': d.feed.pong_timeout,
      'feed.stale_after': d.feed.stale_after,
      'feed.alert_after': d.feed.alert_after,
      'feed.reconnect_min': d.feed.reconnect_min,
      'feed.reconnect_max': d.feed.reconnect_max,
      'feed.gap_grace': d.feed.gap_grace,
      'store.realert_after': d.store.realert_after,
      'delivery.timeout': d.delivery.timeout,
      'delivery.max_age': d.delivery.max_age,
      'delivery.backoff_min': d.delivery.backoff_min,
      'delivery.backoff_max': d.delivery.backoff_max,
      'delivery.group_window': d.delivery.group_window,
      'retention.sightings': d.retention.sightings,
      'retention.inventory': d.retention.inventory,
    };
    for (const [k, v] of Object.entries(durations)) expect(row(k), k).toBe(ms(v));
    expect(row('http.listen')).toBe(`\`${d.http.listen}\``);
    expect(row('store.path')).toBe(`\`${d.store.path}\``);
    expect(row('delivery.max_attempts')).toBe(`\`${d.delivery.max_attempts}\``);
    expect(row('feed.max_queue')).toBe(`\`${d.feed.max_queue}\``);
    expect(row('feed.max_names')).toBe(`\`${d.feed.max_names}\``);
    expect(row('retention.cron')).toBe(`\`${d.retention.cron}\``);
  });
});
