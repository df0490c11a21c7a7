/**
 * Issue 16: triage and the allow list, made on any instance, are seen by all. Two real daemons on
 * one PostgreSQL database replay the same corpus; a hit marked a false positive through one's
 * dashboard API shows as such through the other's, and a domain added with `ctwatch allow add`
 * (the CLI on store.url) reaches both running daemons' rules without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAVIGLI_REPLAY, tmpDir } from '../helpers/fixtures.js';
import { runCli, writeConfig } from '../helpers/daemon-process.js';
import { until } from '../helpers/app.js';
import { testPgUrl } from '../helpers/pg.js';
import { freshDatabase, startInstance, stopInstance, type Instance } from './cluster.js';
import { HA_BRANDS } from './expected.js';

const TOKEN = 'ha-dashboard-token-0123456789';
const pgUrl = await testPgUrl();

describe.skipIf(!pgUrl.url)('triage and allow list shared by two daemons', () => {
  const dir = tmpDir();
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const instances: Instance[] = [];
  let config: (name: string) => Record<string, unknown>;

  beforeAll(async () => {
    db = await freshDatabase(pgUrl.url!);
    config = (name) => ({
      feed: { replay: NAVIGLI_REPLAY, replay_then_idle: true },
      store: { url: db.url, path: path.join(dir, name, 'state.db') },
      http: { token: TOKEN },
      brands: HA_BRANDS,
    });
    for (const name of ['one', 'two']) {
      fs.mkdirSync(path.join(dir, name), { recursive: true });
      instances.push(await startInstance(dir, name, config(name)));
    }
  }, 120_000);

  afterAll(async () => {
    for (const i of instances) await stopInstance(i);
    await db?.drop();
  });

  const api = async (i: Instance, p: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${i.port}/api/v1${p}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  it('a false positive marked on one instance is one on the other', async () => {
    const [a, b] = instances as [Instance, Instance];
    await until(async () => (await api(b, '/hits?limit=5')).body.hits?.length === 5, 60_000, 'hits visible on the second instance');
    const hit = (await api(b, '/hits?limit=1')).body.hits[0];
    expect(hit.status).toBe('new');
    const marked = await api(a, `/hits/${hit.id}/triage`, { action: 'fp', note: 'our own test domain' });
    expect(marked.status).toBe(200);
    const seen = await api(b, `/hits/${hit.id}`);
    expect(seen.body.hit.status).toBe('false_positive');
    // The whole hit list reads the same from both.
    const [la, lb] = await Promise.all([api(a, '/hits?limit=50'), api(b, '/hits?limit=50')]);
    expect(la.body).toEqual(lb.body);
  });

  it('a domain added with the CLI reaches both running daemons', { timeout: 60_000 }, async () => {
    const file = writeConfig(dir, config('cli'), 'cli.yaml');
    const r = await runCli(['allow', 'add', 'allowed-by-ops.example', '--config', file]);
    expect(r.code, r.stderr).toBe(0);
    for (const i of instances) {
      await until(async () => ((await api(i, '/rules')).body.allow as string[]).includes('allowed-by-ops.example'), 30_000, `${i.name} sees the allow entry`);
    }
  });
});
