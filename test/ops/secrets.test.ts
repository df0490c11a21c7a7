/**
 * Issue 7, point 3: a full session of the real daemon with secrets configured (webhook HMAC key,
 * SMTP passwords in a URL and in `auth`, a Slack webhook URL, every ${ENV} value) and receivers
 * that fail, echo the URL back in their error bodies, then succeed. None of the secrets may
 * appear in any log line (JSON or pretty), nor in the output or errors of the CLI commands.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { verifyStandardWebhook } from '../helpers/standard-webhooks.js';
import { navigliMessages, tmpDir, ROOT } from '../helpers/fixtures.js';
import { until } from '../helpers/app.js';
import { BIN, Daemon, ensureBuilt, runCli } from './helpers/daemon.js';
import { baseConfig, writeConfig } from './helpers/config.js';

const HOOK_SECRET = 'whsec_' + Buffer.from('ops-secret-hmac-key-Zq8vT3mW9pL2').toString('base64');
const SMTP_PASS = 'sm7p-Pa55/w0rd+Kx9'; // "/" and "+" so the URL carries it percent-encoded
const SMTP_PASS2 = 'second-smtp-Pw-4f7Qe2';
const SLACK_TOKEN = 'xSlackTok3nQ7r2Vb9Lm';
const FEED_TOKEN = 'feed-token-Hx81Nn2w';

describe('secrets never leave the process (real daemon and CLI)', () => {
  const server = new FakeCertstream();
  const hook = new HttpReceiver();
  const slack = new HttpReceiver();
  const messages = navigliMessages();
  const dir = tmpDir('ctwatch-ops-');
  const file = path.join(dir, 'ctwatch.yaml');
  const outputs: { what: string; text: string }[] = [];
  const mails: string[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;
  let deadPort = 0;
  let slackUrl = '';
  let smtpUrl = '';
  let env: NodeJS.ProcessEnv = {};

  const secretForms = (): string[] => {
    const raw = [HOOK_SECRET, SMTP_PASS, SMTP_PASS2, SLACK_TOKEN, FEED_TOKEN, slackUrl, smtpUrl];
    return [...new Set(raw.flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]))];
  };
  const config = (extra: Record<string, unknown> = {}) =>
    baseConfig(dir, '${FEED_URL}', {
      brands: [
        { name: 'Sberbank', domains: ['sberbank.ru'], keywords: ['sberbank'] },
        { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
      ],
      notifiers: [
        { id: 'siem', type: 'webhook', url: hook.url, secret: '${HOOK_SECRET}' },
        { id: 'chat', type: 'slack', url: '${SLACK_URL}' },
        { id: 'mail', type: 'email', url: '${SMTP_URL}', require_tls: false, from: 'ctwatch@example.test', to: 'soc@example.test' },
        { id: 'mail2', type: 'email', host: '127.0.0.1', port: deadPort, auth: { user: 'alerts', pass: SMTP_PASS2 }, from: 'ctwatch@example.test', to: 'soc@example.test' },
      ],
      routes: [{ notifiers: ['siem', 'chat', 'mail', 'mail2'], min_severity: 'low' }],
      ...extra,
    });

  beforeAll(async () => {
    ensureBuilt();
    await server.start();
    await hook.start();
    await slack.start();
    // Slack answers 500 echoing the full request path (as some servers do) twice, then 200.
    slack.respond = (req, n) => (n <= 2 ? { status: 500, body: `no route for ${req.url} (token ${SLACK_TOKEN})` } : { status: 200, body: 'ok' });
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _s, cb) {
        if (auth.username === 'alerts' && auth.password === SMTP_PASS) cb(null, { user: 'alerts' });
        else cb(Object.assign(new Error(`Invalid password ${auth.password}`), { responseCode: 535 }));
      },
      onData(stream, _s, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks).toString('utf8'));
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    const dead = new HttpReceiver();
    await dead.start();
    deadPort = dead.port;
    await dead.stop();
    slackUrl = `http://127.0.0.1:${slack.port}/services/T0ABCDEF/B0GHIJKL/${SLACK_TOKEN}`;
    smtpUrl = `smtp://alerts:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${smtpPort}`;
    env = {
      HOOK_SECRET,
      SLACK_URL: slackUrl,
      SMTP_URL: smtpUrl,
      FEED_URL: `${server.url}?token=${FEED_TOKEN}`,
    };
    writeConfig(file, config());
  }, 120_000);

  afterAll(async () => {
    await server.stop();
    await hook.stop();
    await slack.stop();
    await new Promise<void>((r) => smtp.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a daemon session: deliveries succeed and fail, reloads succeed and fail; no secret in any log line', async () => {
    const d = Daemon.run(file, env);
    await d.started();
    await server.waitForClients(1);
    for (const i of [5, 17]) server.broadcast(JSON.stringify(messages[i]));

    // The secrets are really in use: the webhook is signed with the key, Slack is reached on the
    // secret path, the SMTP server accepted the password.
    await hook.waitFor((r) => r.length >= 2).catch((e) => {
      throw new Error(`${(e as Error).message}\n${d.stdout.slice(-4000)}`);
    });
    expect(verifyStandardWebhook(HOOK_SECRET, hook.requests[0]!.headers as never, hook.requests[0]!.body)).toBe(true);
    await slack.waitFor((r) => r.length >= 3);
    expect(slack.requests[0]!.url).toContain(SLACK_TOKEN);
    await until(() => mails.length >= 1, 15_000, 'mail delivered');
    // The dead SMTP relay and the echoing Slack endpoint produced error lines.
    await d.waitForLine((l) => l.msg.startsWith('delivery failed') && l.notifier === 'mail2');
    await d.waitForLine((l) => l.msg.startsWith('delivery failed') && l.notifier === 'chat');

    // A failed reload (invalid file that mentions secrets), then a good one.
    writeConfig(file, { ...config(), http: { listen: '127.0.0.1:0', port: SMTP_PASS2 } });
    d.proc.kill('SIGHUP');
    await d.waitForLine((l) => l.msg.startsWith('config reload failed'));
    writeConfig(file, config());
    d.proc.kill('SIGHUP');
    await d.waitForLine((l) => /config reloaded/.test(l.msg), 10_000, d.lines.findIndex((l) => l.msg.startsWith('config reload failed')));
    const { code } = await d.stop('SIGTERM');
    expect(code).toBe(0);
    outputs.push({ what: 'daemon stdout', text: d.stdout }, { what: 'daemon stderr', text: d.stderr });
    expect(d.lines.length).toBeGreaterThan(10);
    expect(d.lines.filter((l) => l.level === 'warn' || l.level === 'error').length).toBeGreaterThan(2);
    assertNoSecrets();
  });

  it('CLI output and errors: config check, outbox, hits, notify test', async () => {
    const cli = async (what: string, args: string[], cfg = file) => {
      const r = await runCli([...args, '--config', cfg], env);
      outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr`, text: r.stderr });
      return r;
    };
    const ok = await cli('config check', ['config', 'check']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('notifiers[0].secret');

    const bad = path.join(dir, 'bad.yaml');
    // A substituted secret in the wrong field: the field error must not echo it.
    writeConfig(bad, { ...config(), delivery: { timeout: '${HOOK_SECRET}' }, log: { level: '${SLACK_URL}' } });
    const invalid = await cli('config check (invalid)', ['config', 'check'], bad);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/delivery\.timeout/);
    // The duration parser quotes the bad value: it was there, and it was redacted.
    expect(invalid.stderr).toContain('[redacted]');

    expect((await cli('outbox', ['outbox', '--json'])).code).toBe(0);
    expect((await cli('hits', ['hits', '--json'])).code).toBe(0);
    // Slack answers 200 by now; the echoing 404 is exercised by a fresh receiver state.
    slack.respond = (req) => ({ status: 404, body: `no route for ${req.url}` });
    const t1 = await cli('notify test chat', ['notify', 'test', 'chat']);
    expect(t1.code).toBe(1);
    const t2 = await cli('notify test mail2', ['notify', 'test', 'mail2']);
    expect(t2.code).toBe(1);
    const t3 = await cli('notify test mail', ['notify', 'test', 'mail']);
    expect(t3.code, t3.stderr).toBe(0);
    assertNoSecrets();
  });

  it('pretty output (--pretty, and on a terminal) is human-readable and redacted too', async () => {
    const d = Daemon.run(file, env, ['--pretty']);
    await until(() => /ctwatch started/.test(d.stdout), 20_000, 'pretty start line');
    await server.waitForClients(1);
    server.broadcast(JSON.stringify(messages[65]));
    await until(() => /delivery failed/.test(d.stdout) || slack.requests.length > 6, 10_000, 'some activity');
    await d.stop('SIGTERM');
    expect(d.stdout).toMatch(/INFO.*ctwatch started/);
    expect(d.lines).toHaveLength(0); // no JSON lines
    outputs.push({ what: 'pretty stdout', text: d.stdout });

    // On a terminal (util-linux `script` gives the child a pty), pretty is the default. The
    // daemon runs in the background of script's shell and writes its pid, so the test can stop
    // it as soon as it has started.
    const hasScript = spawnSync('script', ['--version']).status === 0;
    if (!hasScript) {
      console.log('skipped the terminal check: util-linux `script` is not installed');
    } else {
      const pidFile = path.join(dir, 'tty-daemon.pid');
      const node = process.execPath;
      const shell = `${node} ${BIN} config check --config ${file} && { ${node} ${BIN} run --config ${file} & echo $! > ${pidFile}; wait; }`;
      const tty = spawn('script', ['-qfec', shell, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env, CTWATCH_LOG_LEVEL: 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      tty.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
      const closed = new Promise<void>((r) => tty.on('close', () => r()));
      try {
        await until(() => /ctwatch started/.test(text) && fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 20_000, 'terminal daemon start');
        process.kill(Number(fs.readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
        await closed;
      } finally {
        tty.kill('SIGKILL');
      }
      expect(text).toMatch(/configuration is valid/);
      expect(text).toMatch(/INFO.*ctwatch started/);
      expect(text).toMatch(/INFO.*stopped/);
      expect(text).not.toMatch(/^\{"level"/m);
      outputs.push({ what: 'terminal session', text });
    }
    assertNoSecrets();
  });

  function assertNoSecrets(): void {
    const forms = secretForms();
    for (const { what, text } of outputs) {
      for (const s of forms) {
        if (text.includes(s)) {
          const at = text.indexOf(s);
          throw new Error(`secret ${JSON.stringify(s.slice(0, 6))}… found in ${what}: …${text.slice(Math.max(0, at - 200), at + s.length + 100)}…`);
        }
      }
    }
    expect(outputs.length).toBeGreaterThan(0);
  }
});
