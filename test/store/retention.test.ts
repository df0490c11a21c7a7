/** Retention: old sightings and inventory go; hits stay unless their own age is set; pending deliveries are never pruned. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { openStore } from '../../src/store/index.js';
import { FIXTURES, tmpDir } from '../helpers/fixtures.js';

const DAY = 86_400_000;

describe('prune', () => {
  const fresh = () => {
    const file = path.join(tmpDir(), 'r.db');
    fs.copyFileSync(path.join(FIXTURES, 'store/schema-v1.db'), file);
    return openStore(file, { realertAfterMs: 30 * DAY });
  };
  const t0 = Date.UTC(2026, 10, 1);

  it('keeps everything younger than the ages', () => {
    const s = fresh();
    expect(s.prune({ sightingsMs: 10 * DAY, inventoryMs: 10 * DAY }, t0 + DAY)).toMatchObject({ sightings: 0, inventory: 0, hits: 0 });
    s.close();
  });

  it('prunes sightings and inventory but keeps hits by default', () => {
    const s = fresh();
    const r = s.prune({ sightingsMs: 10 * DAY, inventoryMs: 10 * DAY }, t0 + 20 * DAY);
    expect(r).toMatchObject({ sightings: 3, inventory: 1, hits: 0 });
    expect(s.hits.listHits()).toHaveLength(3);
    s.close();
  });

  it('prunes old hits when told, except one whose delivery is still pending', () => {
    const s = fresh();
    const r = s.prune({ sightingsMs: 10 * DAY, inventoryMs: 10 * DAY, hitsMs: 10 * DAY }, t0 + 20 * DAY);
    expect(r.hits).toBe(2);
    const left = s.hits.listHits();
    expect(left.map((h) => h.name)).toEqual(['paypal-secure-login.com']);
    expect(s.outbox.countByStatus().pending).toBe(1);
    s.close();
  });
});
