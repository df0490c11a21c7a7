/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, a free port on 127.0.0.1),
 * so a test can stop and start it without touching the shared test server other tests use.
 * As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../helpers/ports.js';
import { tmpDir } from '../helpers/fixtures.js';

/** The newest installed server's bin folder (Debian layout), or null. */
function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
    private readonly user: { uid: number; gid: number } | null,
  ) {}

  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** initdb and start; null when no PostgreSQL server is installed. */
  static async create(): Promise<PrivatePostgres | null> {
    const bin = binDir();
    if (!bin) return null;
    const dir = tmpDir('ctwatch-pg-');
    let user: { uid: number; gid: number } | null = null;
    if (process.getuid?.() === 0) {
      user = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) };
      fs.chownSync(dir, user.uid, user.gid);
    }
    const pg = new PrivatePostgres(bin, path.join(dir, 'data'), await freePort(), user);
    pg.run('initdb', ['-D', pg.dir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    pg.start();
    return pg;
  }

  private run(tool: string, args: string[]): void {
    const r = spawnSync(path.join(this.bin, tool), args, { ...(this.user ?? {}), cwd: path.dirname(this.dir), encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stderr || r.stdout}`);
  }

  /** Starts the server and waits until it accepts connections. */
  start(): void {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${path.dirname(this.dir)} -c fsync=off`;
    this.run('pg_ctl', ['-D', this.dir, '-o', opts, '-l', path.join(path.dirname(this.dir), 'server.log'), '-w', 'start']);
  }

  /** Stops the server (fast shutdown: open sessions are disconnected, as on a real stop). */
  stop(): void {
    this.run('pg_ctl', ['-D', this.dir, '-m', 'fast', '-w', 'stop']);
  }

  /** Stops the server if running and deletes its files. */
  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}
