import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goTimeString, MAX_ENV_VALUE_BYTES } from '../../src/notify/providers/exec-env.js';
import { execProvider } from '../../src/notify/providers/exec.js';
import { DeliveryError } from '../../src/notify/types.js';
import { HOSTILE_NAME, hitsMessage, makeCtx, makeHit, signal } from './helpers.js';

const DUMP = resolve('test/fixtures/notify/dump-hook-env.mjs');
const SLOW = resolve('test/fixtures/notify/slow-hook.sh');

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'ctwatch-exec-test-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

function make(config: Record<string, unknown>) {
  const ctx = makeCtx();
  return { n: execProvider.create('hook', execProvider.configSchema.parse(config), ctx), ctx };
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(out, file), 'utf8'));
}

describe('exec hook environment (certspotter-compatible)', () => {
  it('passes the documented variables (certificate text escaped), a JSON file with the raw name in `raw`, and deletes the files afterwards', async () => {
    process.env.CTWATCH_TEST_PARENT_SECRET = 'parent-secret-value';
    const { n, ctx } = make({ command: process.execPath, args: [DUMP, 'arg one'], env: { HOOK_OUT: out, API_TOKEN: 'tok-123456' } });
    expect(ctx.secrets).toContain('tok-123456');
    const hit = makeHit({ name: HOSTILE_NAME, names: [HOSTILE_NAME, 'www.paypa1-login.com', '192.0.2.7'], brand: null, watch: '.example.com', cert: { ...makeHit().cert, serial: '03:F1:A2:B3:C4' } });
    await n.send(hitsMessage([hit], 'dlv-exec-1'), signal());
    const env = (await readJson('env.json')) as Record<string, string>;
    expect(env).toMatchObject({
      EVENT: 'discovered_cert',
      SUMMARY: 'certificate discovered for .example.com',
      WATCH_ITEM: '.example.com',
      LOG_URI: 'https://ct.example.net/2026h2/',
      ENTRY_INDEX: '123456',
      CERT_SHA256: 'a'.repeat(64),
      NOT_BEFORE: '2026-11-20 10:00:00 +0000 UTC',
      NOT_BEFORE_RFC3339: '2026-11-20T10:00:00Z',
      NOT_BEFORE_UNIXTIME: String(Date.parse('2026-11-20T10:00:00Z') / 1000),
      NOT_AFTER: '2027-02-18 10:00:00 +0000 UTC',
      NOT_AFTER_RFC3339: '2027-02-18T10:00:00Z',
      SUBJECT_DN: 'CN=paypa1-login.com',
      ISSUER_DN: "C=US, O=Let's Encrypt, CN=R11",
      SERIAL: '03f1a2b3c4',
      CERT_TYPE: 'precert',
      CTWATCH_NAME: HOSTILE_NAME.replace('\u202E', '\\u{202E}'),
      CTWATCH_SEVERITY: 'high',
      CTWATCH_DELIVERY_ID: 'dlv-exec-1',
      API_TOKEN: 'tok-123456',
    });
    expect(env.CTWATCH_TEST_PARENT_SECRET).toBeUndefined();
    expect(env.PATH).toBe(process.env.PATH);
    expect(await readJson('argv.json')).toEqual(['arg one']);
    const json = await readJson('event.json');
    expect(json).toMatchObject({
      type: 'ctwatch.hit',
      version: 1,
      id: 'dlv-exec-1',
      name: HOSTILE_NAME.replace('\u202E', '\\u{202E}'),
      dns_names: [HOSTILE_NAME.replace('\u202E', '\\u{202E}'), 'www.paypa1-login.com'],
      raw: { name: HOSTILE_NAME, names: [HOSTILE_NAME, 'www.paypa1-login.com', '192.0.2.7'] },
      ip_addresses: ['192.0.2.7'],
      not_before: '2026-11-20T10:00:00Z',
    });
    const text = await readFile(join(out, 'event.txt'), 'utf8');
    expect(text).toContain('\\u{202E}');
    expect(text).not.toContain('\u202E');
    expect(existsSync(env.JSON_FILENAME!)).toBe(false);
    expect(existsSync(env.TEXT_FILENAME!)).toBe(false);
    delete process.env.CTWATCH_TEST_PARENT_SECRET;
  });

  it('marks brand hits and test alerts; unset cert fields are reported as parse errors', async () => {
    const { n } = make({ command: process.execPath, args: [DUMP], env: { HOOK_OUT: out } });
    const cert = { ...makeHit().cert, subject: null, serial: null, not_before: null };
    await n.send(hitsMessage([makeHit({ name: 'pay\npal.com', cert })], 'dlv-2', true), signal());
    const env = (await readJson('env.json')) as Record<string, string>;
    expect(env.SUMMARY).toBe('TEST: look-alike certificate discovered for PayPal: pay\\u{A}pal.com');
    expect(env.WATCH_ITEM).toBe('PayPal');
    expect(env.CTWATCH_TEST).toBe('1');
    expect(env.CTWATCH_NAME).toBe('pay\\u{A}pal.com');
    expect(env.SUBJECT_DN).toBeUndefined();
    expect(env.SUBJECT_PARSE_ERROR).toBeTruthy();
    expect(env.SERIAL_PARSE_ERROR).toBeTruthy();
    expect(env.NOT_BEFORE).toBeUndefined();
    expect(env.NOT_AFTER).toBeUndefined();
    expect(env.VALIDITY_PARSE_ERROR).toBeTruthy();
    expect((await readJson('event.json')).test).toBe(true);
  });

  it('an absurd certificate (1,000 long names) still runs: CTWATCH_NAMES is cut at a name boundary', async () => {
    const { n } = make({ command: process.execPath, args: [DUMP], env: { HOOK_OUT: out } });
    const names = Array.from({ length: 1000 }, (_, i) => `${'a'.repeat(240)}-${i}.com`);
    await n.send(hitsMessage([makeHit({ name: names[0]!, names })]), signal());
    const env = (await readJson('env.json')) as Record<string, string>;
    expect(env.CTWATCH_NAMES_TRUNCATED).toBe('1');
    expect(env.CTWATCH_NAMES!.length).toBeLessThanOrEqual(MAX_ENV_VALUE_BYTES);
    expect(names).toContain(env.CTWATCH_NAMES!.split(' ').at(-1));
    expect(((await readJson('event.json')).names as string[]).length).toBe(1000);
  });

  it('health events', async () => {
    const { n } = make({ command: process.execPath, args: [DUMP], env: { HOOK_OUT: out } });
    await n.send({ kind: 'health', id: 'h-1', health: { event: 'feed.stale', severity: 'high', summary: 'no message for 120 s', details: {}, at: 't' } }, signal());
    const env = (await readJson('env.json')) as Record<string, string>;
    expect(env).toMatchObject({ EVENT: 'health', SUMMARY: 'no message for 120 s', CTWATCH_HEALTH_EVENT: 'feed.stale' });
    expect((await readJson('event.json')).type).toBe('ctwatch.health');
  });
});

describe('exec failures', () => {
  it.each([
    ['exit 3', { HOOK_EXIT: '3' }, { code: 'exec_exit', permanent: false }, 'code 3'],
    ['exit 1', { HOOK_EXIT: '1' }, { code: 'exec_exit', permanent: false }, 'code 1'],
  ])('%s is a retryable failure naming the exit code', async (_label, extra, expected, text) => {
    const { n } = make({ command: process.execPath, args: [DUMP], env: { HOOK_OUT: out, ...extra } });
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject(expected);
    expect((err as Error).message).toContain(text);
  });

  it('kills a hook that outlives timeout_ms', async () => {
    const { n } = make({ command: '/bin/sh', args: [SLOW], timeout_ms: 300 });
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', permanent: false });
  });

  it('kills the hook when the dispatcher aborts', async () => {
    const { n } = make({ command: '/bin/sh', args: [SLOW], timeout_ms: 60_000 });
    const ac = new AbortController();
    const p = n.send(hitsMessage([makeHit()]), ac.signal).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 100);
    expect(await p).toMatchObject({ code: 'timeout' });
  });

  it('a missing program is permanent', async () => {
    const { n } = make({ command: join(out, 'no-such-hook') });
    const err = await n.send(hitsMessage([makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'exec_not_runnable', permanent: true });
  });

  it('refuses grouped hits (machine channel)', async () => {
    const { n } = make({ command: process.execPath, args: [DUMP], env: { HOOK_OUT: out } });
    const err = await n.send(hitsMessage([makeHit(), makeHit()]), signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'too_many_hits', permanent: true });
    expect(existsSync(join(out, 'env.json'))).toBe(false);
  });
});

describe('exec helpers and config', () => {
  it.each([
    ['2023-01-31T03:47:26Z', '2023-01-31 03:47:26 +0000 UTC'],
    ['2023-01-31T03:47:26.123+02:00', '2023-01-31 01:47:26 +0000 UTC'],
    ['garbage', null],
  ])('goTimeString(%s)', (input, expected) => {
    expect(goTimeString(input)).toBe(expected);
  });

  it.each([
    ['minimal', { command: '/usr/local/bin/hook' }, true],
    ['full', { command: 'hook', args: ['-v'], timeout_ms: 5000, env: { A: 'b' }, inherit_env: true }, true],
    ['no command', {}, false],
    ['bad env name', { command: 'x', env: { 'A-B': 'c' } }, false],
    ['shell string args', { command: 'x', args: 'a b' }, false],
    ['unknown key', { command: 'x', shell: true }, false],
  ])('config %s', (_label, config, ok) => {
    expect(execProvider.configSchema.safeParse(config).success).toBe(ok);
  });
});
