/**
 * The real daemon for the dashboard's browser tests: the replayed Navigli corpus (real CT
 * entries, its planted phishing names) plus certificates with hostile names, subjects and
 * issuer, served by `ctwatch run` on a loopback port with a known token.
 */
import fs from 'node:fs';
import { freePort } from '../../helpers/ports.js';
import path from 'node:path';
import { CertFactory, fullStreamMessage } from '../../helpers/cert-factory.js';
import { FIXTURES, tmpDir } from '../../helpers/fixtures.js';
import { runCli, startDaemon, writeConfig, type Daemon } from '../../helpers/daemon-process.js';
import type { HitJson } from '../../../web/src/types.js';

export const TOKEN = 'web-test-token-0123456789abcdef';

/** Hostile certificates: each SAN list pairs a hostile name with a PayPal look-alike so a hit is stored. */
export const HOSTILE_ISSUER = 'C=US, O=<img src=x onerror=alert(2)>, CN=Evil \u202Egnp.CA';
export const HOSTILE_SETS: string[][] = [
  ['<script>alert(1)</script>', 'paypal-login-secure.example'],
  ['"><img src=x onerror=alert(1)>', 'paypal-verify-account.example'],
  ['paypal-\u202Emoc.nigol.example', 'paypal-rtl-account.example'],
  ['paypal' + 'x'.repeat(244) + '.example', 'paypal-long-label.example'],
  ['<script>paypal-login.example'],
  ['"><img src=x onerror=alert(1)>.paypal-login.example'],
];

/** The same brands as config/demo.yaml. */
const CONFIG = {
  watch: [{ domain: '.chixbbq.org', issuers: ["Let's Encrypt"] }],
  brands: [
    { name: 'Avito', domains: ['avito.ru'], keywords: ['avito'] },
    { name: 'Sberbank', domains: ['sberbank.ru', 'sber.ru'], keywords: ['sberbank'] },
    { name: 'BlaBlaCar', domains: ['blablacar.com', 'blablacar.ru'], keywords: ['blablacar'] },
    { name: 'PayPal', domains: ['paypal.com', 'paypal.me'], keywords: ['paypal'] },
  ],
};

export interface CorpusDaemon {
  base: string;
  dir: string;
  configFile: string;
  daemon: Daemon;
  /** `ctwatch hits --json` (plus flags) on the daemon's database. */
  cliHits(flags?: string[]): Promise<HitJson[]>;
  stop(): Promise<void>;
}


export async function startCorpusDaemon(): Promise<CorpusDaemon> {
  const dir = tmpDir('ctwatch-web-');
  const lines = fs.readFileSync(path.join(FIXTURES, 'certs/derived_navigli2025h2_full-stream_replay.jsonl'), 'utf8').trim().split('\n');
  const factory = await CertFactory.create(HOSTILE_ISSUER);
  let index = 900_000;
  for (const names of HOSTILE_SETS) {
    const iss = await factory.issue(names, new Date(Date.now() - 3_600_000));
    lines.push(fullStreamMessage(iss.precert, names, { log: 'https://hostile-log.example/', index: index++, precert: true }));
  }
  const replay = path.join(dir, 'replay.jsonl');
  fs.writeFileSync(replay, lines.join('\n') + '\n');
  const port = await freePort();
  const configFile = writeConfig(dir, {
    feed: { replay, replay_then_idle: true },
    store: { path: path.join(dir, 'ctwatch.db') },
    http: { listen: `127.0.0.1:${port}`, token: TOKEN },
    log: { level: 'warn' },
    ...CONFIG,
    notifiers: [],
    routes: [],
  });
  const daemon = startDaemon(configFile);
  const base = `http://127.0.0.1:${port}`;
  const cliHits = async (flags: string[] = []) => {
    const r = await runCli(['hits', '--config', configFile, '--json', ...flags]);
    if (r.code !== 0) throw new Error(`ctwatch hits failed: ${r.stderr}`);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HitJson);
  };
  // Up, and the whole replay stored (the hostile entries come last).
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/api/v1/hits?q=paypal-login&limit=10`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (r.ok && ((await r.json()) as { hits: unknown[] }).hits.length >= 3) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error(`daemon did not serve the replayed hits: ${daemon.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dir,
    configFile,
    daemon,
    cliHits,
    async stop() {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
