// Writes test/fixtures/store/schema-v1.db: a database as the first released schema (version 1)
// left it, with rows in every table, for the migration test. Uses only migration 1 and raw SQL,
// so running it again later still produces a version-1 database.
// Usage: npm run build && node scripts/make-schema-v1-fixture.mjs
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../dist/src/store/migrations.js';

const out = new URL('../test/fixtures/store/schema-v1.db', import.meta.url).pathname;
fs.rmSync(out, { force: true });
const db = new Database(out);
db.pragma('journal_mode = DELETE');
MIGRATIONS.find((m) => m.version === 1).up(db);
db.pragma('user_version = 1');
const t = Date.UTC(2026, 10, 1);
const iss = db.prepare(`INSERT INTO issuances (issuance_key, sha256, serial, issuer, subject, not_before, not_after, precert, names_json, log_url, log_index, first_seen, last_seen)
  VALUES (?, ?, ?, 'C=US, O=Let''s Encrypt, CN=R11', ?, ?, ?, 1, ?, 'https://log.example/', ?, ?, ?)`);
const hit = db.prepare(`INSERT INTO hits (issuance_id, rule_key, name, registrable, brand, watch, technique, techniques_json, severity, score, reason, status, first_seen, last_seen, times_seen)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const names = ['paypal-secure-login.com', 'paypa1.com', 'login.example.com'];
names.forEach((name, i) => {
  const id = iss.run(`tbs:${String(i).repeat(64).slice(0, 64)}`, 'ab'.repeat(32), `0${i}ff`, `CN=${name}`, t, t + 90 * 86400000, JSON.stringify([name]), 100 + i, t + i, t + i).lastInsertRowid;
  const own = name.endsWith('example.com');
  const h = hit.run(id, own ? 'watch:.example.com' : 'brand:PayPal', name, own ? 'example.com' : name, own ? null : 'PayPal', own ? '.example.com' : null,
    own ? 'own-domain:new-name' : 'keyword', JSON.stringify([own ? 'own-domain:new-name' : 'keyword']), i === 1 ? 'high' : 'medium', 50 + i, `fixture hit ${i}`, i === 2 ? 'acknowledged' : 'new', t + i, t + i, 1).lastInsertRowid;
  db.prepare('INSERT INTO sightings (hit_id, issuance_id, seen_at, log_url, log_index, source) VALUES (?, ?, ?, ?, ?, ?)').run(h, id, t + i, 'https://log.example/', 100 + i, 'fixture');
  db.prepare(`INSERT INTO deliveries (kind, hit_id, notifier_id, group_key, status, attempts, created_at, next_attempt_at) VALUES ('hit', ?, 'siem', ?, ?, 1, ?, ?)`).run(h, own ? 'watch:.example.com' : 'brand:PayPal', i === 0 ? 'pending' : 'delivered', t + i, t + i);
});
db.prepare(`INSERT INTO inventory (watch, name, first_seen, last_seen, issuers_json, cert_count) VALUES ('.example.com', 'login.example.com', ?, ?, '["C=US, O=Let''s Encrypt, CN=R11"]', 1)`).run(t, t);
db.prepare(`INSERT INTO suppressions (registrable, brand, hit_id, created_at, active) VALUES ('paypa1.com', 'PayPal', 2, ?, 1)`).run(t);
db.prepare(`INSERT INTO allowlist (domain, created_at) VALUES ('example-partner.com', ?)`).run(t);
db.prepare(`INSERT INTO ctlog_positions (log_key, position_json, updated_at) VALUES ('https://log.example/', '{"next":103}', ?)`).run(t);
db.close();
console.log(`wrote ${out}`);
