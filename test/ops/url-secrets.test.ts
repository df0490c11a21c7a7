/**
 * Secrets in URLs and ${ENV} values (issue 14):
 *  - a CertStream URL with credentials is stored redacted in sighting rows (and migration 3
 *    redacts rows written before), using the one URL redaction helper (log/secrets.ts);
 *  - an ${ENV} value is a secret only in a secret field (or a key named like one) or as a URL's
 *    credentials: `${LOG_LEVEL}` = "info" does not turn every "info" into "[redacted]".
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { startTestApp, until } from '../helpers/app.js';
import { tmpDir } from '../helpers/fixtures.js';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { buildConfig } from '../../src/config/load.js';
import { redactUrl, secrets } from '../../src/log/secrets.js';

const FEED_PASS = 'pw-s3cret-feed';
const FEED_TOKEN = 'tok-0123456789abcdef';

describe('redactUrl', () => {
  it.each([
    [`wss://feeduser:${FEED_PASS}@certstream.example/full-stream?token=${FEED_TOKEN}`, 'wss://redacted@certstream.example/full-stream?redacted'],
    ['wss://certstream.example/full-stream', 'wss://certstream.example/full-stream'],
    ['https://hooks.example/services/T0ABCDEF/B0GHIJKL/abcdefghijklmnopqrstuvwx', 'https://hooks.example/services/T0ABCDEF/B0GHIJKL/redacted'],
    ['replay:/var/lib/ctwatch/replay.jsonl', 'replay:/var/lib/ctwatch/replay.jsonl'],
    ['ws://[bad', '[invalid url]'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    expect(redactUrl(redactUrl(input))).toBe(expected);
  });

  // A CT log's path names the log (public, from the signed list): kept; credentials and query are not.
  it.each([
    ['https://storage.googleapis.com/parcelyard2026h2.prod.certificate.transparency.goog/checkpoint', 'https://storage.googleapis.com/parcelyard2026h2.prod.certificate.transparency.goog/checkpoint'],
    ['https://u:p@ct.example/logs/us1/argon2026h2/ct/v1/get-entries?start=0&end=255', 'https://redacted@ct.example/logs/us1/argon2026h2/ct/v1/get-entries?redacted'],
  ])('keepPath: %s → %s', (input, expected) => {
    expect(redactUrl(input, { keepPath: true })).toBe(expected);
  });
});

describe('sighting rows', () => {
  const server = new FakeCertstream();
  afterAll(() => server.stop());

  it('store the feed URL without its credentials', async () => {
    await server.start();
    const dir = tmpDir();
    const u = new URL(server.urlFor('/full-stream'));
    u.username = 'feeduser';
    u.password = FEED_PASS;
    u.search = `?token=${FEED_TOKEN}`;
    const t = await startTestApp({
      feed: { url: u.toString() },
      store: { path: path.join(dir, 'ctwatch.db') },
      http: { listen: '127.0.0.1:0' },
      brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
      notifiers: [{ id: 'out', type: 'console' }],
      routes: [{ notifiers: ['out'] }],
    });
    try {
      await until(() => server.connections > 0, 10_000, 'client connected');
      server.broadcast(
        JSON.stringify({
          message_type: 'certificate_update',
          data: { cert_index: 7, source: { url: 'https://log.example/', name: 'log' }, update_type: 'X509LogEntry', leaf_cert: { all_domains: ['paypal-secure-login.com'] } },
        }),
      );
      await until(() => t.app.store.hits.listHits().length === 1, 10_000, 'hit stored');
      const [s] = t.app.store.hits.sightings(t.app.store.hits.listHits()[0]!.id);
      expect(s!.source).toBe(`ws://redacted@127.0.0.1:${u.port}/full-stream?redacted`);
      const all = JSON.stringify(t.app.store.db.prepare('SELECT * FROM sightings').all());
      expect(all).not.toContain(FEED_PASS);
      expect(all).not.toContain(FEED_TOKEN);
    } finally {
      await t.app.close();
    }
  });

  it('written before (schema 2) are redacted by migration 3', () => {
    const file = path.join(tmpDir(), 'v2.db');
    const db = new Database(file);
    db.pragma('foreign_keys = OFF');
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) m.up(db);
    db.pragma('user_version = 2');
    const ins = db.prepare('INSERT INTO sightings (hit_id, issuance_id, seen_at, log_url, log_index, source) VALUES (1, 1, 0, ?, 1, ?)');
    ins.run('https://log.example/', `wss://feeduser:${FEED_PASS}@certstream.example/full-stream?token=${FEED_TOKEN}`);
    ins.run('https://log.example/', 'replay:/data/replay.jsonl');
    ins.run('https://log.example/', 'wss://certstream.example/full-stream');
    ins.run('https://log.example/', null);
    db.close();
    const store = openStore(file, { realertAfterMs: 1 });
    const rows = store.db.prepare('SELECT source FROM sightings ORDER BY id').all() as { source: string | null }[];
    store.close();
    expect(rows.map((r) => r.source)).toEqual(['wss://redacted@certstream.example/full-stream?redacted', 'replay:/data/replay.jsonl', 'wss://certstream.example/full-stream', null]);
  });
});

describe('${ENV} values as secrets', () => {
  it('only values in secret fields, keys named like secrets, and URL credentials', () => {
    buildConfig(
      {
        feed: { url: '${FEED_URL}', stale_after: '${STALE}' },
        log: { level: '${LOG_LEVEL}' },
        notifiers: [
          { id: 'siem', type: 'webhook', url: 'http://127.0.0.1:8099/${HOOK_PATH}', secret: '${HOOK_SECRET}', headers: { 'X-Api-Key': '${API_KEY}' } },
          { id: 'mail', type: 'email', host: 'mx.example', auth: { user: '${SMTP_USER}', pass: '${SMTP_PASS}' }, from: 'ctwatch@example.org', to: '${MAIL_TO}' },
        ],
        routes: [{ notifiers: ['siem', 'mail'] }],
      },
      {
        FEED_URL: `wss://feeduser:${FEED_PASS}@certstream.example/full-stream`,
        STALE: '120s',
        LOG_LEVEL: 'info',
        HOOK_PATH: 'hook',
        HOOK_SECRET: 'hook-secret-value',
        API_KEY: 'api-key-value',
        SMTP_USER: 'alerts-user',
        SMTP_PASS: 'smtp-pass-value',
        MAIL_TO: 'soc@example.org',
      },
    );
    const line = (v: string) => secrets.redact(`value=${v};`);
    for (const secret of ['hook-secret-value', 'api-key-value', 'smtp-pass-value', 'alerts-user', FEED_PASS]) expect(line(secret)).toBe('value=[redacted];');
    for (const plain of ['info', '120s', 'hook', 'soc@example.org']) expect(line(plain)).toBe(`value=${plain};`);
    expect(secrets.redact('feed wss://certstream.example/full-stream up')).toBe('feed wss://certstream.example/full-stream up');
  });
});
