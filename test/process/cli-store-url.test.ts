/**
 * store.url in the CLI (issue 16): a URL that is not PostgreSQL's exits 2 naming store.url at
 * load, for every command; a PostgreSQL server that cannot be reached, or refuses the login, is
 * one line naming store.url and the server, exit 1, no stack, never the password (which comes
 * from ${ENV}). Real processes of the built CLI.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/daemon-process.js';
import { tmpDir } from '../helpers/fixtures.js';
import { testPgUrl } from '../helpers/pg.js';

const PASSWORD = 'sup3r-secret-pw';
const dir = tmpDir();
const config = (name: string, url: string) => writeConfig(dir, { feed: { replay: path.join(dir, 'none.jsonl') }, store: { url } }, `${name}.yaml`);

/** The commands that read or change the store. */
const STORE_COMMANDS = [['hits'], ['hits', '--json'], ['hits', 'ack', '1'], ['inventory'], ['allow', 'add', 'example.org'], ['outbox'], ['outbox', 'retry', '--dead']];

describe('store.url in the CLI', () => {
  it.each([
    ['mysql://ctw:${CTW_PW}@db.internal/ctwatch', 'must be a postgres:// or postgresql:// URL (got mysql://)'],
    ['postgres://ctw:${CTW_PW}@db.internal:5432', 'names no database (postgres://USER@HOST:5432/DATABASE)'],
    ['not a url ${CTW_PW}', 'not a valid URL (postgres://USER@HOST:5432/DB)'],
  ])('%s: every store command and config check exit 2 with one line naming store.url', async (url, msg) => {
    const cfg = config('bad', url);
    for (const args of [...STORE_COMMANDS, ['config', 'check']]) {
      const r = await runCli([...args, '--config', cfg], { CTW_PW: PASSWORD });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`ctwatch: invalid configuration in ${cfg}: store.url: ${msg}\n`);
      expect(r.stderr + r.stdout).not.toContain(PASSWORD);
    }
  });

  it('an unreachable server: every store command is one line naming store.url and the server, exit 1, no stack, no password', async () => {
    const cfg = config('down', 'postgres://ctw:${CTW_PW}@127.0.0.1:1/ctwatch');
    for (const args of STORE_COMMANDS) {
      const r = await runCli([...args, '--config', cfg], { CTW_PW: PASSWORD });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe('ctwatch: store.url: cannot open the PostgreSQL store postgres://ctw@127.0.0.1:1/ctwatch: connect ECONNREFUSED 127.0.0.1:1 (is the server running and reachable?)\n');
      expect(r.stdout).toBe('');
    }
  });

  it('config check shows store.url without user or password', async () => {
    const r = await runCli(['config', 'check', '--config', config('check', 'postgres://ctw:${CTW_PW}@db.internal:5432/ctwatch?sslmode=verify-full')], { CTW_PW: PASSWORD });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).store).toBe('postgres://redacted@db.internal:5432/ctwatch?redacted');
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('a login the server refuses (unknown database) is one line naming store.url, exit 1', async (ctx) => {
    const { url } = await testPgUrl();
    if (!url) return ctx.skip();
    const u = new URL(url);
    u.pathname = '/ctw_no_such_database';
    const r = await runCli(['hits', '--config', config('nodb', u.href)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ctwatch: store.url: cannot open the PostgreSQL store postgres://${u.username}@${u.hostname}:${u.port}/ctw_no_such_database: database "ctw_no_such_database" does not exist\n`);
  });
});
