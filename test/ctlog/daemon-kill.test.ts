/**
 * Issue 9, point 3: the real daemon process reading a 50,000-entry static-ct-api log directly,
 * killed with SIGKILL at random points and restarted 10 times: every entry is processed exactly
 * once (the reading position is committed in the same transaction as the hits it covers), and no
 * hit or sighting is duplicated.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAVIGLI } from './fixtures.js';
import { startStaticServer } from './helpers/servers.js';
import { bigSyntheticLog } from './helpers/static-log.js';
import { testLogKey } from './helpers/testlog.js';
import { writeLogList } from './helpers/log-list.js';
import { startDaemon, writeConfig } from '../helpers/daemon-process.js';
import { NAVIGLI_REPLAY, tmpDir } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';
import { buildConfig } from '../../src/config/load.js';
import { compileRules } from '../../src/app.js';
import { prng } from '../../bench/lib/prng.js';

const N = 50_000;
const KILLS = 10;

describe(`SIGKILL while reading a ${N}-entry log directly`, () => {
  const dir = tmpDir();
  const dbFile = path.join(dir, 'ctwatch.db');
  let srv: Awaited<ReturnType<typeof startStaticServer>>;
  let configFile = '';
  const brands = [
    { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
    { name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] },
  ];

  beforeAll(async () => {
    const key = testLogKey();
    const origin = 'big.test.example';
    srv = await startStaticServer(bigSyntheticLog(NAVIGLI, key, origin, N).files);
    const list = writeLogList(dir, [{ url: srv.url, key: key.keyB64, origin }]);
    configFile = writeConfig(dir, {
      feed: { ct_logs: [srv.url], log_list: { file: list }, ct_start: 'start', ct_poll_interval: 0.2, ct_min_request_interval: 0 },
      store: { path: dbFile },
      http: { listen: '127.0.0.1:0' },
      brands,
    });
  });
  afterAll(() => srv?.close());

  it(`processes every entry exactly once across ${KILLS} kills`, { timeout: 240_000 }, async () => {
    const position = () => {
      if (!fs.existsSync(dbFile)) return 0;
      const db = new Database(dbFile, { readonly: true });
      try {
        const row = db.prepare('SELECT position_json FROM ctlog_positions').get() as { position_json: string } | undefined;
        return row ? (JSON.parse(row.position_json) as { index: number }).index : 0;
      } catch {
        return 0;
      } finally {
        db.close();
      }
    };
    const rand = prng(7);
    const positions: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const before = position();
      const d = startDaemon(configFile);
      // Kill at a random point once this run has made some progress.
      await until(() => position() > before || d.child.exitCode !== null, 60_000, 'progress');
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 400)));
      d.child.kill('SIGKILL');
      expect((await d.exited).signal).toBe('SIGKILL');
      positions.push(position());
    }
    const last = startDaemon(configFile);
    await until(() => position() === N, 180_000, 'the whole log read');
    last.child.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);
    console.log(`positions after each kill: ${positions.join(', ')}`);
    expect(new Set(positions).size).toBeGreaterThan(3); // the kills landed at different points

    // Expected: entry i is the Navigli entry i % 1024 with a fresh serial; count the entries whose
    // names fire a rule, per rule, with the same matcher.
    const { matcher } = compileRules(buildConfig({ feed: { replay: 'x' }, brands }));
    const byIndex = new Map<number, string[]>();
    for (const line of fs.readFileSync(NAVIGLI_REPLAY, 'utf8').split('\n')) {
      if (!line) continue;
      const m = JSON.parse(line);
      if (m.data?.cert_index !== undefined) byIndex.set(m.data.cert_index, m.data.leaf_cert.all_domains);
    }
    const rulesOf = (j: number) => new Set((byIndex.get(j) ?? []).flatMap((n) => matcher.matchName(n).map((x) => x.brand)));
    let expectedSightings = 0;
    for (let i = 0; i < N; i++) expectedSightings += rulesOf(i % 1024).size;

    const db = new Database(dbFile, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const dupSightings = db.prepare('SELECT count(*) AS n FROM (SELECT issuance_id, hit_id FROM sightings GROUP BY 1, 2 HAVING count(*) > 1)').get() as { n: number };
    expect(dupSightings.n).toBe(0);
    const sightings = (db.prepare('SELECT count(*) AS n FROM sightings').get() as { n: number }).n;
    expect(sightings).toBe(expectedSightings);
    const dupHits = db.prepare('SELECT count(*) AS n FROM (SELECT issuance_id, rule_key FROM hits GROUP BY 1, 2 HAVING count(*) > 1)').get() as { n: number };
    expect(dupHits.n).toBe(0);
    db.close();
  });
});
