/**
 * One timeout per notifier (issue 14): the exec notifier's own `timeout_ms` (default 30 s), not
 * `delivery.timeout` (10 s), bounds its runs, so a slow hook is not killed early and re-run with
 * its side effects; and a timeout that would outlive the delivery lease is refused at load.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { makeHarness } from './harness.js';
import { tmpDir } from '../helpers/fixtures.js';

describe('notifier timeouts', () => {
  it('a hook slower than delivery.timeout but within its timeout_ms runs once and is delivered', async () => {
    const dir = tmpDir();
    const marks = path.join(dir, 'runs.txt');
    const h = makeHarness({
      // The hook takes ~0.8 s; delivery.timeout is 0.2 s; the hook's own timeout_ms is 5 s.
      notifiers: [{ id: 'hook', type: 'exec', command: '/bin/sh', args: ['-c', `sleep 0.8; echo run >> "${marks}"`], timeout_ms: 5_000 }],
      routes: [{ notifiers: ['hook'] }],
      delivery: { timeout: '200ms' },
    });
    try {
      h.addHit('paypal-login.example');
      await h.dispatcher.runOnce();
      const rows = h.store.outbox.list({});
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([['delivered', 1]]);
      expect(fs.readFileSync(marks, 'utf8')).toBe('run\n');
    } finally {
      await h.close();
    }
  });

  it('the hook is still killed at its own timeout_ms, with a message that says so', async () => {
    const h = makeHarness({
      notifiers: [{ id: 'hook', type: 'exec', command: '/bin/sh', args: ['-c', 'sleep 30'], timeout_ms: 300 }],
      routes: [{ notifiers: ['hook'] }],
      delivery: { timeout: '20s' },
    });
    try {
      h.addHit('paypal-login.example');
      await h.dispatcher.runOnce();
      const [row] = h.store.outbox.list({});
      expect(row!.status).toBe('pending');
      expect(row!.lastError).toBe('timeout: exec hook: hook killed after 300 ms');
    } finally {
      await h.close();
    }
  });

  it.each([
    ['exec timeout_ms not below the lease', { notifiers: [{ id: 'hook', type: 'exec', command: '/bin/true', timeout_ms: 90_000 }] }, 'notifiers[0].timeout_ms: 90000 ms must be below delivery.lease (60000 ms) for notifier "hook"'],
    ['delivery.timeout not below the lease', { notifiers: [{ id: 'w', type: 'webhook', url: 'http://127.0.0.1:8/' }], delivery: { timeout: '2m' } }, 'delivery.timeout: 120000 ms must be below delivery.lease (60000 ms) for notifier "w"'],
  ])('%s: refused at load, naming the field', (_label, raw, msg) => {
    const id = (raw.notifiers[0] as { id: string }).id;
    let err: unknown;
    try {
      buildConfig({ feed: { replay: 'x' }, routes: [{ notifiers: [id] }], ...raw });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.some((i) => i.startsWith(msg))).toBe(true);
  });

  it('each notifier carries its one timeout', () => {
    const loaded = buildConfig({
      feed: { replay: 'x' },
      notifiers: [
        { id: 'hook', type: 'exec', command: '/bin/true' },
        { id: 'w', type: 'webhook', url: 'http://127.0.0.1:8/' },
      ],
      routes: [{ notifiers: ['hook', 'w'] }],
    });
    expect(loaded.notifiers.map((n) => [n.id, n.timeoutMs])).toEqual([
      ['hook', 30_000],
      ['w', 10_000],
    ]);
  });
});
