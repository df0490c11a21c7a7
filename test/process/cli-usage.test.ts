/**
 * The CLI as a new user meets it (issue 14): --version, each command's own --help, unknown
 * options in one line with the command's usage, `check` input hygiene, `permutations` of a
 * non-domain, config errors that `run` would refuse caught by `config check` (exit 2, one line),
 * and output piped into `head` (EPIPE) that exits 0 without a stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, writeConfig } from '../helpers/daemon-process.js';
import { ROOT, tmpDir } from '../helpers/fixtures.js';
import { COMMANDS } from '../../src/cli/main.js';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const STACK = /\n\s+at .+\(|node:internal|TypeError|\bat async\b/;

describe('ctwatch CLI usage', () => {
  const dir = tmpDir();
  let cfg = '';
  const base = () => ({
    feed: { replay: path.join(ROOT, 'data/demo/navigli2025h2-full-stream.jsonl'), replay_then_idle: false },
    store: { path: path.join(dir, 'ctwatch.db') },
    http: { listen: '127.0.0.1:0' },
    watch: [{ domain: '.chixbbq.org' }],
    brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }, { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] }],
    notifiers: [{ id: 'out', type: 'console' }],
    routes: [{ notifiers: ['out'] }],
  });

  beforeAll(() => {
    cfg = writeConfig(dir, base());
    // Fill the database (hits, inventory, outbox) by replaying the bundled real entries.
    spawnSync(process.execPath, [BIN, 'run', '--config', cfg], { env: { ...process.env, CTWATCH_LOG_LEVEL: 'silent' }, timeout: 60_000, stdio: 'ignore' });
  });

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`ctwatch ${pkg.version}\n`);
    }
  });

  it.each(Object.keys(COMMANDS))('%s --help prints that command’s own usage, exit 0', async (name) => {
    const r = await runCli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`usage: ctwatch ${name}`)).toBe(true);
    // Not the global usage: no other command's line.
    const other = Object.keys(COMMANDS).find((n) => n !== name && n !== 'config')!;
    expect(r.stdout).not.toContain(`ctwatch ${other} `);
  });

  it('check --help shows check’s usage and options', async () => {
    const r = await runCli(['check', '--help']);
    expect(r.stdout).toMatch(/^usage: ctwatch check \[--config FILE\] \[--json\] \[--explain\] NAME\.\.\. \| -\n/);
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toContain('--explain');
  });

  it.each([
    [['check', '--frobnicate', 'a.com'], 'check: unknown option --frobnicate', 'usage: ctwatch check'],
    [['hits', '--dead'], 'hits: unknown option --dead', 'usage: ctwatch hits'],
    [['hits', '--brand'], 'hits: option --brand needs a value', 'usage: ctwatch hits'],
    [['permutations', '--json=yes', 'paypal.com'], 'permutations: option --json takes no value', 'usage: ctwatch permutations'],
    [['--nope'], 'unknown option --nope', 'usage: ctwatch <command>'],
  ])('%j: one-line error and the usage, exit 2', async (args, line, usage) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    const [first, ...rest] = r.stderr.split('\n');
    expect(first).toBe(`ctwatch: ${line}`);
    expect(rest.join('\n')).toContain(usage);
    expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|To specify a positional/);
  });

  it('check trims whitespace and takes a URL’s host: same score as the bare name', async () => {
    const r = await runCli(['check', '--json', '--config', cfg, 'paypa1.com', '  paypa1.com\t', 'https://paypa1.com/login?next=1', 'HTTPS://user@paypa1.com:8443/']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.name)).toEqual(['paypa1.com', 'paypa1.com', 'paypa1.com', 'paypa1.com']);
    const scores = lines.map((l) => l.matches[0].score);
    expect(new Set(scores).size).toBe(1);
  });

  it.each(['pay pal.com', 'paypal.com/login', 'a..b.com', 'https://', ''])('check %j: not a hostname → exit 2 with a message, nothing matched', async (bad) => {
    const r = await runCli(['check', '--config', cfg, bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ctwatch: check: .*(not a hostname|empty name)/);
  });

  it('check - reports a bad stdin line in its place and exits 1', async () => {
    const r = await runCli(['check', '--json', '--config', cfg, '-'], {}, 'paypa1.com\nhello world\n');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].matches.length).toBeGreaterThan(0);
    expect(lines[1]).toMatchObject({ name: 'hello world', error: expect.stringContaining('not a hostname'), matches: [] });
  });

  it.each(['pay pal.com', 'localhost', 'com', '-'])('permutations %j exits 2 with a message', async (bad) => {
    const r = await runCli(['permutations', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ctwatch: permutations: .* is not a registrable domain name/);
  });

  it.each([
    ['brand domain is a URL', { brands: [{ name: 'PayPal', domains: ['https://paypal.com/'] }] }, 'brands[0].domains[0]: "https://paypal.com/" is not a domain'],
    ['brand domain with a space', { brands: [{ name: 'PayPal', domains: ['pay pal.com'] }] }, 'brands[0].domains[0]: "pay pal.com" is not a domain'],
    ['allow entry is a URL', { allow: ['http://example.com'] }, 'allow[0]: "http://example.com" is not a domain'],
  ])('%s: config check and run both exit 2 with one line naming it', async (_label, patch, msg) => {
    const bad = writeConfig(dir, { ...base(), ...patch, store: { path: path.join(dir, 'bad.db') } }, 'bad.yaml');
    for (const args of [['config', 'check'], ['run'], ['check', 'paypa1.com']]) {
      const r = await runCli([...args, '--config', bad], { CTWATCH_LOG_LEVEL: 'info' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`ctwatch: invalid configuration in ${bad}: ${msg}\n`);
      expect(r.stdout).toBe('');
    }
  });

  it('a schema error is one line too', async () => {
    const bad = path.join(dir, 'bad2.yaml');
    fs.writeFileSync(bad, 'feed: { url: "ws://127.0.0.1:1/" }\nbrands: [{ name: X, domain: [x.com] }]\nstore: { retention: 5 }\n');
    const r = await runCli(['config', 'check', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('brands[0].domain: unknown key');
  });

  it('a port in use is one line naming http.listen, exit 1, no stack', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const c = writeConfig(dir, { ...base(), http: { listen: `127.0.0.1:${port}` }, store: { path: path.join(dir, 'port.db') } }, 'port.yaml');
      const r = await runCli(['run', '--config', c], { CTWATCH_LOG_LEVEL: 'info' });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`ctwatch: cannot listen on http.listen 127.0.0.1:${port}: the port is already in use (another ctwatch, or another service?)\n`);
      expect(r.stdout).not.toMatch(/"level":60|stack/);
    } finally {
      blocker.close();
    }
  });

  it('a store.path that cannot be opened is one line naming store.path, exit 1, no stack', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a directory');
    const c = writeConfig(dir, { ...base(), store: { path: path.join(file, 'ctwatch.db') } }, 'store.yaml');
    const r = await runCli(['run', '--config', c], { CTWATCH_LOG_LEVEL: 'info' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ctwatch: store\.path: cannot open database .*a-file\/ctwatch\.db: E[A-Z]+: .*\n$/);
    expect(r.stdout).not.toMatch(/"level":60|stack/);
  });

  /** Runs a command with its stdout's reader already gone, as `| head -1` leaves it. */
  function closedReader(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  }

  it.each([['hits'], ['hits', '--json'], ['inventory'], ['outbox'], ['permutations', 'paypal.com'], ['--help']])('%j with a closed reader (EPIPE): exit 0, no stack trace', async (...args) => {
    const r = await closedReader([...args, '--config', cfg].filter((a) => !(args[0] === '--help' && a !== '--help')));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('`ctwatch hits | head -1` in a shell exits 0 with no stack trace', () => {
    const cmd = `set -o pipefail; "${process.execPath}" "${BIN}" hits --config "${cfg}" | head -1; "${process.execPath}" "${BIN}" permutations paypal.com | head -1`;
    const r = spawnSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^#\d+\t/);
  });
});

afterAll(() => undefined);
