/**
 * Issue 5 point 3 and issue 6 point 4: the real daemon process killed with SIGKILL at random
 * points during bursts of matching messages, restarted, 20 times. The database stays intact,
 * every alerted hit is in it, no hit is stored twice, and after a clean run every committed hit
 * has been delivered (a receiver deduplicating on webhook-id sees each exactly once).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { CertFactory, fullStreamMessage } from '../helpers/cert-factory.js';
import { startDaemon, writeConfig } from '../helpers/daemon-process.js';
import { tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';
import { prng } from '../../bench/lib/prng.js';

const ROUNDS = 20;

describe('crash safety under SIGKILL', () => {
  const server = new FakeCertstream();
  const receiver = new HttpReceiver();
  const dir = tmpDir();
  const dbFile = path.join(dir, 'ctwatch.db');
  const messages: string[] = [];
  let configFile = '';

  beforeAll(async () => {
    await server.start();
    await receiver.start();
    const factory = await CertFactory.create();
    // 150 look-alike issuances, each as precertificate and final certificate in two logs.
    let index = 0;
    for (let i = 0; i < 150; i++) {
      const names = [`paypal-login-${i}.com`, `www.paypal-login-${i}.com`];
      const iss = await factory.issue(names);
      for (const log of ['https://log-a.example/', 'https://log-b.example/']) {
        messages.push(fullStreamMessage(iss.precert, names, { log, index: index++, precert: true }));
        messages.push(fullStreamMessage(iss.final, names, { log, index: index++, precert: false }));
      }
    }
    configFile = writeConfig(dir, {
      feed: { url: server.url, reconnect_min: 0.05, reconnect_max: 0.2 },
      store: { path: dbFile },
      http: { listen: '127.0.0.1:0' },
      brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
      notifiers: [{ id: 'siem', type: 'webhook', url: receiver.url, secret: 'crash-test-secret' }],
      routes: [{ notifiers: ['siem'] }],
      delivery: { backoff_min: 0.05, backoff_max: 0.2 },
    });
  });

  afterAll(async () => {
    await server.stop();
    await receiver.stop();
  });

  it(`survives ${ROUNDS} kills at random points and delivers every committed hit`, async () => {
    const hitCount = () => {
      try {
        const db = new Database(dbFile, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM hits').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0; // not created yet
      }
    };
    const rand = prng(12345);
    let cursor = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const d = startDaemon(configFile);
      await server.waitForClients(1, 15_000);
      // A burst: the next slice of messages, with some already-sent ones repeated.
      const burst = messages.slice(cursor, cursor + 40);
      cursor = (cursor + 30) % messages.length;
      const killAfter = Math.floor(rand() * 150);
      const sending = (async () => {
        for (const m of burst) {
          server.broadcast(m);
          await new Promise((r) => setImmediate(r));
        }
      })();
      // Kill at a random point once this burst is being committed (a slow machine must not turn
      // every round into a kill before anything happened).
      const before = hitCount();
      await until(() => hitCount() > before || d.child.exitCode !== null, 15_000, 'first commit of the burst').catch(() => undefined);
      await new Promise((r) => setTimeout(r, killAfter));
      d.child.kill('SIGKILL');
      await sending;
      const { signal } = await d.exited;
      expect(signal).toBe('SIGKILL');
      await until(() => server.clients.size === 0, 5_000, 'client gone');

      const db = new Database(dbFile, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }

    // A clean run: every committed hit gets delivered.
    const last = startDaemon(configFile);
    await server.waitForClients(1, 15_000);
    const db = new Database(dbFile, { readonly: true });
    const storedHits = () => (db.prepare('SELECT count(*) AS n FROM hits').get() as { n: number }).n;
    const pending = () => (db.prepare(`SELECT count(*) AS n FROM deliveries WHERE status != 'delivered'`).get() as { n: number }).n;
    await until(() => pending() === 0, 30_000, 'every delivery delivered');
    last.child.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);

    const hits = db.prepare('SELECT h.id, h.rule_key, i.issuance_key FROM hits h JOIN issuances i ON i.id = h.issuance_id').all() as {
      id: number;
      rule_key: string;
      issuance_key: string;
    }[];
    expect(hits.length).toBeGreaterThan(10);
    // No (issuance, rule) twice, and no name twice for the brand (precert/final/logs are one issuance).
    expect(new Set(hits.map((h) => `${h.issuance_key}|${h.rule_key}`)).size).toBe(hits.length);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    // The receiver, deduplicating on webhook-id, saw each hit exactly once, and only hits in the db.
    const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id'] as string));
    const alertedHitIds = new Set([...ids].map((id) => Number(/^ctw-hit-(\d+)-/.exec(id)![1])));
    expect(alertedHitIds).toEqual(new Set(hits.map((h) => h.id)));
    expect(ids.size).toBe(storedHits());
    db.close();
  });
});
