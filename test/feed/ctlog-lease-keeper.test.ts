/**
 * Issue 16 groundwork: the CT-log lease keeper on real stores. On PostgreSQL, three instances'
 * keepers: every log read by exactly one of them at every step, spread evenly, a dead instance's
 * logs started elsewhere once its leases expire, an orderly stop handing over at once, an outage
 * longer than the lease giving every log up. On SQLite: one instance reads every log.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LeaseKeeper } from '../../src/feed/ctlog/lease-keeper.js';
import type { StoreBackend } from '../../src/store/backend.js';
import { openPgBackend } from '../../src/store/pg/index.js';
import { openSqliteBackend } from '../../src/store/sqlite-backend.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dropSchema, freshSchema, testPgUrl } from '../helpers/pg.js';

const LOGS = ['https://ct.example/a/', 'https://ct.example/b/', 'https://ct.example/c/', 'https://ct.example/d/', 'https://ct.example/e/'];
const TTL = 15_000;
const { url, why } = await testPgUrl();
const schemas: string[] = [];
afterAll(async () => {
  if (url) for (const s of schemas) await dropSchema(url, s);
});

/** A keeper that records which logs it is reading. */
function keeper(backend: StoreBackend, clock: { t: number }, logs: () => readonly string[] = () => LOGS) {
  const reading = new Set<string>();
  const events: string[] = [];
  const errors: unknown[] = [];
  const k = new LeaseKeeper({
    leases: backend.leases,
    logKeys: logs,
    ttlMs: TTL,
    now: () => clock.t,
    onAcquired: (l) => {
      expect(reading.has(l)).toBe(false);
      reading.add(l);
      events.push(`+${l}`);
    },
    onLost: (l) => {
      expect(reading.delete(l)).toBe(true);
      events.push(`-${l}`);
    },
    onError: (e) => errors.push(e),
  });
  return { k, reading, events, errors };
}

describe('LeaseKeeper on SQLite (one instance)', () => {
  it('reads every configured log; a log dropped from the config is stopped', async () => {
    const clock = { t: 1_000_000 };
    const b = openSqliteBackend(path.join(tmpDir(), 'k.sqlite'), { realertAfterMs: 1, now: () => clock.t });
    let logs = LOGS;
    const { k, reading } = keeper(b, clock, () => logs);
    expect(await k.tick()).toEqual(LOGS);
    logs = LOGS.slice(1);
    await k.tick();
    expect([...reading].sort()).toEqual(LOGS.slice(1));
    await k.stop();
    expect(reading.size).toBe(0);
    await b.close();
  });
});

const d = url ? describe : describe.skip;
d(`LeaseKeeper on PostgreSQL, three instances${url ? '' : ` (skipped: ${why})`}`, () => {
  it('every log read by exactly one instance at every step; spread; takeover after death; handover on stop; outage', async () => {
    const clock = { t: 1_000_000 };
    const schema = freshSchema();
    schemas.push(schema);
    const backends = await Promise.all(['i0', 'i1', 'i2'].map((id) => openPgBackend({ url: url!, schema, realertAfterMs: 1, now: () => clock.t, instanceId: id })));
    const ks = backends.map((b) => keeper(b, clock));
    try {
      const alive = new Set([0, 1, 2]);
      const readers = () => {
        const count = new Map<string, number>();
        for (const i of alive) for (const l of ks[i]!.reading) count.set(l, (count.get(l) ?? 0) + 1);
        return count;
      };
      const step = async () => {
        clock.t += TTL / 3;
        await Promise.all([...alive].map((i) => ks[i]!.k.tick()));
        // Never one log read by two live instances.
        for (const [l, n] of readers()) expect(n, l).toBe(1);
      };
      for (let i = 0; i < 4; i++) await step();
      expect([...readers().keys()].sort()).toEqual(LOGS);
      expect([...alive].map((i) => ks[i]!.reading.size).sort()).toEqual([1, 2, 2]);

      // i0 dies: no more rounds, no release. Its logs are started elsewhere after expiry.
      const dead = [...ks[0]!.reading];
      alive.delete(0);
      for (let i = 0; i < 6; i++) await step();
      expect([...readers().keys()].sort()).toEqual(LOGS);
      for (const l of dead) expect(ks[1]!.reading.has(l) || ks[2]!.reading.has(l)).toBe(true);
      expect([...alive].map((i) => ks[i]!.reading.size).sort()).toEqual([2, 3]);

      // i1 stops in order: i2 takes its logs at its next round, without waiting for expiry.
      await ks[1]!.k.stop();
      await backends[1]!.close();
      alive.delete(1);
      clock.t += 1;
      await ks[2]!.k.tick();
      expect([...ks[2]!.reading].sort()).toEqual(LOGS);

      // The database unreachable for longer than a lease: i2 gives every log up.
      await backends[2]!.close(); // every call now fails
      clock.t += TTL / 3;
      await ks[2]!.k.tick();
      expect(ks[2]!.reading.size).toBe(5); // within the lease: keeps reading (fenced writes decide)
      clock.t += TTL;
      await ks[2]!.k.tick();
      expect(ks[2]!.reading.size).toBe(0);
      expect(ks[2]!.errors.length).toBeGreaterThan(0);
    } finally {
      for (const b of backends) await b.close();
    }
  });
});
