/**
 * Issue 7, point 5: no Docker engine exists on these machines, so the Dockerfile is checked by
 * reading it: two stages on Debian slim Node 22/24, `npm ci` in the build stage only, a non-root
 * runtime user, a /data volume, an exec-form CMD, a HEALTHCHECK on /livez without curl (and that
 * command really works against a live endpoint), the embedded default config validates, and the
 * build context (.dockerignore) holds what the Dockerfile copies. docker-compose.yml runs
 * certstream-server-go next to ctwatch.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { buildConfig } from '../../src/config/load.js';

interface Instruction {
  op: string;
  args: string;
  /** Heredoc body, for COPY <<'X' ... X. */
  heredoc?: string;
}
interface Stage {
  from: string;
  name: string;
  body: Instruction[];
}

/** A small Dockerfile reader: continuation lines, comments, heredocs, ARG defaults in FROM. */
function readDockerfile(text: string): { stages: Stage[]; args: Map<string, string> } {
  const lines = text.split('\n');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\')) line = line.slice(0, -1) + ' ' + (lines[++i] ?? '').trim();
    const [, op, rest] = /^\s*(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!op) continue;
    const ins: Instruction = { op: op.toUpperCase(), args: rest!.trim() };
    const hd = /<<-?'?(\w+)'?/.exec(ins.args);
    if (hd) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== hd[1]) body.push(lines[i]!);
      ins.heredoc = body.join('\n') + '\n';
    }
    if (ins.op === 'ARG' && stages.length === 0) {
      const [k, v] = ins.args.split('=');
      args.set(k!, v ?? '');
    } else if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      const from = m[1]!.replace(/\$\{(\w+)\}/g, (_x, k: string) => args.get(k) ?? '');
      stages.push({ from, name: m[2] ?? '', body: [] });
    } else stages.at(-1)?.body.push(ins);
  }
  return { stages, args };
}

const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const { stages } = readDockerfile(dockerfile);
const build = stages.find((s) => s.name === 'build')!;
const runtime = stages.at(-1)!;
const ops = (s: Stage, op: string) => s.body.filter((x) => x.op === op);
const isExecForm = (a: string) => Array.isArray(JSON.parse(a));

describe('Dockerfile', () => {
  it('is multi-stage on Debian slim Node 22 or 24', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.from).toMatch(/^node:(22|24)-(bookworm|trixie)-slim$/);
  });

  it('runs npm ci in the build stage (native addon built there), and only production deps reach the runtime', () => {
    const runs = ops(build, 'RUN').map((r) => r.args).join('\n');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm rebuild better-sqlite3/);
    expect(runs).toMatch(/npm prune --omit=dev/);
    expect(ops(runtime, 'RUN').map((r) => r.args).join('\n')).not.toMatch(/npm (ci|install)/);
    const copies = ops(runtime, 'COPY').map((c) => c.args);
    expect(copies).toContain('--from=build /src/node_modules ./node_modules');
    expect(copies.some((c) => c.includes('/src/dist/src'))).toBe(true);
  });

  it('copies every tsconfig include root into the build stage (so `npm run build` sees them)', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    const copied = ops(build, 'COPY').map((c) => c.args.split(/\s+/)[0]!);
    for (const inc of tsconfig.include) {
      const root = inc.split('/**')[0]!;
      expect(copied, `tsconfig include ${inc}`).toContain(root);
    }
  });

  it('runs as a non-root user with a /data volume and an exec-form command', () => {
    const user = ops(runtime, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(ops(runtime, 'VOLUME').map((v) => JSON.parse(v.args))).toContainEqual(['/data']);
    for (const op of ['CMD', 'ENTRYPOINT']) for (const c of ops(runtime, op)) expect(isExecForm(c.args), `${op} ${c.args}`).toBe(true);
    const entry = JSON.parse(ops(runtime, 'ENTRYPOINT').at(-1)!.args) as string[];
    const cmd = JSON.parse(ops(runtime, 'CMD').at(-1)!.args) as string[];
    expect([...entry, ...cmd]).toEqual(['node', '/app/bin/ctwatch.js', 'run']);
  });

  it('has a HEALTHCHECK on /livez through node (no curl/wget), and that command works', async () => {
    const hc = ops(runtime, 'HEALTHCHECK');
    expect(hc).toHaveLength(1);
    const cmd = /\bCMD\s+(\[.*\])$/.exec(hc[0]!.args)![1]!;
    const argv = JSON.parse(cmd) as string[];
    expect(argv[0]).toBe('node');
    expect(argv.join(' ')).toContain('/livez');
    const instructions = stages.flatMap((st) => st.body.map((x) => x.args)).join('\n');
    expect(instructions).not.toMatch(/\b(curl|wget)\b/);

    // Run the same command against a live /livez, then against nothing.
    let status = 200;
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/livez' ? status : 404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const script = argv[2]!.replace(':9797/', `:${port}/`);
    // Asynchronous on purpose: the HTTP server above runs in this process.
    const run = () => new Promise<number | null>((resolve) => spawn(process.execPath, ['-e', script], { stdio: 'ignore' }).on('close', resolve));
    expect(await run()).toBe(0);
    status = 500;
    expect(await run()).toBe(1);
    await new Promise<void>((r) => server.close(() => r()));
    expect(await run()).toBe(1);
  });

  it('ships a default config that validates, keeps the database on /data and listens beyond loopback', () => {
    const copy = ops(runtime, 'COPY').find((c) => c.heredoc && c.args.includes('/etc/ctwatch/ctwatch.yaml'));
    expect(copy).toBeDefined();
    const loaded = buildConfig(parseYaml(copy!.heredoc!), {}, null);
    expect(loaded.config.store.path).toBe('/data/ctwatch.db');
    expect(loaded.config.http.listen).toBe('0.0.0.0:9797');
    expect(loaded.config.feed.url).toBe('ws://certstream:8080/full-stream');
    expect(ops(runtime, 'ENV').map((e) => e.args).join(' ')).toContain('CTWATCH_CONFIG=/etc/ctwatch/ctwatch.yaml');
  });

  it('.dockerignore keeps the context small without hiding what the Dockerfile copies', () => {
    const ignore = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const p of ['.git', 'node_modules', 'dist']) expect(ignore).toContain(p);
    const sources = [...ops(build, 'COPY'), ...ops(runtime, 'COPY')].filter((c) => !c.args.startsWith('--from') && !c.heredoc).flatMap((c) => c.args.split(/\s+/).slice(0, -1));
    for (const src of sources) {
      expect(fs.existsSync(path.join(ROOT, src)), `${src} exists`).toBe(true);
      const ignored = ignore.some((p) => !p.startsWith('!') && (src === p || src.startsWith(`${p}/`))) && !ignore.includes(`!${src}`);
      expect(ignored, `${src} is in the build context`).toBe(false);
    }
  });
});

describe('docker-compose.yml', () => {
  // merge: docker compose resolves YAML merge keys (<<: *anchor), as this does.
  const compose = parseYaml(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });

  it('runs certstream-server-go next to ctwatch, which reads its full stream', () => {
    expect(compose.services.certstream.image).toMatch(/^0rickyy0\/certstream-server-go(:|$)/);
    const c = compose.services.ctwatch;
    expect(c.build).toBe('.');
    expect(c.init).toBe(true);
    expect(c.depends_on).toContain('certstream');
    expect(c.environment.CTWATCH_FEED_URL).toBe('ws://certstream:8080/full-stream');
    expect(c.volumes).toContain('ctwatch-data:/data');
    expect(compose.volumes).toHaveProperty('ctwatch-data');
  });

  it('profile "ha": PostgreSQL and two instances sharing it with one config (issue 16)', () => {
    const pg = compose.services.postgres;
    expect(pg.profiles).toEqual(['ha']);
    expect(pg.image).toMatch(/^postgres:1[5-9]/);
    expect(pg.healthcheck.test.join(' ')).toContain('pg_isready');
    const [a, b] = [compose.services['ctwatch-a'], compose.services['ctwatch-b']];
    for (const c of [a, b]) {
      expect(c.profiles).toEqual(['ha']);
      expect(c.depends_on.postgres.condition).toBe('service_healthy');
      expect(c.volumes).toContain('./config/ctwatch-ha.yaml:/etc/ctwatch/ctwatch.yaml:ro');
    }
    // Each keeps its own local state volume and host port.
    expect(a.volumes.find((v: string) => v.endsWith(':/data'))).not.toBe(b.volumes.find((v: string) => v.endsWith(':/data')));
    expect(a.ports).not.toEqual(b.ports);
    // The mounted config validates and selects the shared store.
    const raw = parseYaml(fs.readFileSync(path.join(ROOT, 'config/ctwatch-ha.yaml'), 'utf8'));
    const loaded = buildConfig(raw, { POSTGRES_PASSWORD: 'pw', CTWATCH_HTTP_TOKEN: 'a-dashboard-token-123' }, null);
    expect(loaded.config.store.url).toBe('postgres://ctwatch:pw@postgres:5432/ctwatch');
  });
});
