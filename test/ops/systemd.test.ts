/**
 * Issue 7, point 4: systemd/ctwatch.service is accepted by `systemd-analyze verify`, its offline
 * security exposure is at most 2.0 and equals the figure in docs/operations.md, it carries every
 * directive the issue asks for, and its credential wrapper turns credentials into ${ENV} values.
 * (.ci/run installs Debian's systemd package when systemd-analyze is missing.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tmpDir } from '../helpers/fixtures.js';
import { ensureBuilt } from './helpers/daemon.js';

const UNIT = path.join(ROOT, 'systemd/ctwatch.service');
const WRAPPER = path.join(ROOT, 'systemd/ctwatch-exec');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
if (!hasAnalyze) console.warn('SKIPPED: systemd-analyze is not installed and could not be (apt-get install systemd); the unit file was not verified');

/** The unit as installed, with /opt/ctwatch pointing at this checkout (verify checks ExecStart exists). */
function unitForThisCheckout(): string {
  const dir = tmpDir('ctwatch-unit-');
  const file = path.join(dir, 'ctwatch.service');
  fs.writeFileSync(file, fs.readFileSync(UNIT, 'utf8').replaceAll('/opt/ctwatch', ROOT));
  return file;
}

/** Directive → values, from the [Service] and [Unit] sections (comments and blank lines skipped). */
function directives(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    const k = line.slice(0, eq);
    m.set(k, [...(m.get(k) ?? []), line.slice(eq + 1)]);
  }
  return m;
}

describe('systemd unit', () => {
  const d = directives(fs.readFileSync(UNIT, 'utf8'));

  it.each([
    ['Type', 'exec'],
    ['DynamicUser', 'yes'],
    ['StateDirectory', 'ctwatch'],
    ['ConfigurationDirectory', 'ctwatch'],
    ['LoadCredential', 'ctwatch:/etc/ctwatch/credentials'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['NoNewPrivileges', 'yes'],
    ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
    ['SystemCallFilter', '@system-service'],
    ['SystemCallErrorNumber', 'EPERM'],
    ['SystemCallArchitectures', 'native'],
    ['CapabilityBoundingSet', ''],
    ['Restart', 'on-failure'],
    ['MemoryDenyWriteExecute', 'no'],
    ['ExecReload', '/opt/ctwatch/systemd/ctwatch-exec config check'],
    ['ExecReload', '/bin/kill -HUP $MAINPID'],
  ])('has %s=%s', (key, value) => {
    expect(d.get(key) ?? []).toContain(value);
  });

  it('validates before it signals on reload, and says why W^X memory is allowed', () => {
    const reload = d.get('ExecReload')!;
    expect(reload.findIndex((x) => x.includes('config check'))).toBeLessThan(reload.findIndex((x) => x.includes('-HUP')));
    expect(fs.readFileSync(UNIT, 'utf8')).toMatch(/#[^\n]*JIT[^\n]*\n(#[^\n]*\n)*MemoryDenyWriteExecute=no/);
  });

  it.skipIf(!hasAnalyze)('systemd-analyze verify accepts it without a warning', () => {
    const r = spawnSync('systemd-analyze', ['verify', unitForThisCheckout()], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe('');
  });

  it.skipIf(!hasAnalyze)('exposure level is 2.0 or lower, and docs/operations.md records it', () => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', unitForThisCheckout()], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const m = /Overall exposure level for ctwatch\.service: (\d+\.\d+)/.exec(r.stdout);
    expect(m, r.stdout.slice(-500)).not.toBeNull();
    const level = Number(m![1]);
    console.log(`systemd-analyze security --offline=true: exposure ${level}`);
    expect(level).toBeLessThanOrEqual(2.0);
    const docs = fs.readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
    expect(docs).toContain(`exposure level **${m![1]}**`);
  });

  it('ctwatch-exec exports credentials as environment variables for ${NAME} in the config', async () => {
    ensureBuilt();
    const dir = tmpDir('ctwatch-cred-');
    const creds = path.join(dir, 'creds');
    fs.mkdirSync(creds);
    const secret = 'whsec_' + Buffer.from('credential-value-9Tq2-abcdefghij').toString('base64');
    fs.writeFileSync(path.join(creds, 'ctwatch_CTWATCH_WEBHOOK_SECRET'), `${secret}\n`);
    fs.writeFileSync(path.join(creds, 'ctwatch_not-a-name'), 'x');
    const cfg = path.join(dir, 'ctwatch.yaml');
    fs.writeFileSync(
      cfg,
      ['feed: { url: "ws://127.0.0.1:9/full-stream" }', 'notifiers:', '  - { id: siem, type: webhook, url: "http://127.0.0.1:9/hook", secret: "${CTWATCH_WEBHOOK_SECRET}" }', 'routes: [ { notifiers: [siem] } ]', ''].join('\n'),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, CREDENTIALS_DIRECTORY: creds, NODE: process.execPath };
    delete env.CTWATCH_WEBHOOK_SECRET;
    const ok = spawnSync(WRAPPER, ['config', 'check', '--config', cfg], { encoding: 'utf8', env });
    expect(ok.status, ok.stderr + ok.stdout).toBe(0);
    expect(ok.stdout).toContain('notifiers[0].secret');
    expect(ok.stdout + ok.stderr).not.toContain(secret);
    expect(ok.stderr).toContain('skipping credential with an unusable name: not-a-name');
    // Without the credential the same config fails, naming the variable.
    const missing = spawnSync(WRAPPER, ['config', 'check', '--config', cfg], { encoding: 'utf8', env: { ...env, CREDENTIALS_DIRECTORY: path.join(dir, 'none') } });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('CTWATCH_WEBHOOK_SECRET is not set');
    // By hand: a plain directory of files named after the variables.
    const plain = path.join(dir, 'plain');
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, 'CTWATCH_WEBHOOK_SECRET'), secret);
    const byHand = spawnSync(WRAPPER, ['config', 'check', '--config', cfg], { encoding: 'utf8', env: { ...env, CREDENTIALS_DIRECTORY: '', CTWATCH_CREDENTIALS_DIR: plain } });
    expect(byHand.status, byHand.stderr).toBe(0);
    expect(byHand.stdout + byHand.stderr).not.toContain(secret);
  });
});
