/**
 * Several real ctwatch daemons on one PostgreSQL database (issue 16): a fresh database per test,
 * daemon processes on free loopback ports, and the reads the high-availability tests check.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startDaemon, writeConfig, type Daemon } from '../helpers/daemon-process.js';
import { until } from '../helpers/app.js';
import { freePort } from '../helpers/ports.js';

/** A database of its own on the server at `serverUrl` (postgres://.../test), dropped by `drop`. */
export async function freshDatabase(serverUrl: string): Promise<{ url: string; query: Rows; drop: () => Promise<void> }> {
  const name = `ctwatch_ha_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return {
    url,
    query: async (sql, values) => (await pool.query(sql, values)).rows,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface Instance {
  name: string;
  port: number;
  daemon: Daemon;
  /** GET /readyz?verbose: status and body (null when the daemon does not answer). */
  readyz(): Promise<{ status: number; body: Record<string, unknown> } | null>;
  /** The CT log URLs this instance reads now (from /readyz?verbose); null when it does not answer. */
  ctLogs(): Promise<string[] | null>;
}

/**
 * Starts one daemon with `config` (its http.listen set to a free port) and waits until it
 * answers /readyz (any status). Its log is in `daemon.output()`.
 */
export async function startInstance(dir: string, name: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<Instance> {
  const port = await freePort();
  const file = writeConfig(dir, { ...config, http: { ...(config.http as object), listen: `127.0.0.1:${port}` } }, `${name}.yaml`);
  const daemon = startDaemon(file, { CTWATCH_LOG_LEVEL: 'info', ...env });
  const readyz = async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz?verbose`, { signal: AbortSignal.timeout(3_000) });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    } catch {
      return null;
    }
  };
  const inst: Instance = {
    name,
    port,
    daemon,
    readyz,
    async ctLogs() {
      const r = await readyz();
      if (!r) return null;
      return ((r.body.ct_logs as { url: string }[] | undefined) ?? []).map((l) => l.url).sort();
    },
  };
  await until(async () => daemon.child.exitCode !== null || (await readyz()) !== null, 30_000, `${name} answering`);
  if (daemon.child.exitCode !== null) throw new Error(`${name} exited at start:\n${daemon.output()}`);
  return inst;
}

/** Stops an instance (SIGTERM) and waits for it; resolves with its exit code. */
export async function stopInstance(i: Instance): Promise<number | null> {
  if (i.daemon.child.exitCode !== null) return i.daemon.child.exitCode;
  i.daemon.child.kill('SIGTERM');
  return (await i.daemon.exited).code;
}


/** Runs one statement, resolving to its rows. */
export type Rows = <T extends pg.QueryResultRow>(sql: string, values?: unknown[]) => Promise<T[]>;

/** What the high-availability tests read back from the shared database. */
export function storeFacts(rows: Rows) {
  const count = async (sql: string, values?: unknown[]) => Number((await rows<{ n: string }>(sql, values))[0]!.n);
  return {
    /** The saved reading position of a CT log (0 before the first save). */
    async position(logUrl: string): Promise<number> {
      const r = await rows<{ position_json: string }>('SELECT position_json FROM ctlog_positions WHERE log_key = $1', [logUrl]);
      return r[0] ? (JSON.parse(r[0].position_json) as { index: number }).index : 0;
    },
    /** Deliveries not delivered yet (pending or dead). */
    undelivered: () => count(`SELECT count(*) AS n FROM deliveries WHERE status <> 'delivered'`),
    /** (issuance, rule) pairs stored more than once: must be 0. */
    repeatedHits: () => count('SELECT count(*) AS n FROM (SELECT issuance_id, rule_key FROM hits GROUP BY 1, 2 HAVING count(*) > 1) d'),
    /** Hits that are alerted (not suppressed). */
    alertedHits: () => count('SELECT count(*) AS n FROM hits WHERE suppressed = 0'),
    /** Sightings from these CT logs, and the (entry, hit) pairs seen more than once (an entry processed twice). */
    async ctSightings(logUrls: string[]): Promise<{ total: number; repeated: number }> {
      return {
        total: await count('SELECT count(*) AS n FROM sightings WHERE log_url = ANY($1)', [logUrls]),
        repeated: await count('SELECT count(*) AS n FROM (SELECT log_url, log_index, hit_id FROM sightings WHERE log_url = ANY($1) GROUP BY 1, 2, 3 HAVING count(*) > 1) d', [logUrls]),
      };
    },
  };
}

/** The webhook-id of every hit alert a receiver got (health and digest messages left out). */
export function hitAlertIds(requests: readonly { headers: Record<string, unknown>; body: string }[]): string[] {
  return requests.filter((r) => (JSON.parse(r.body) as { type: string }).type === 'ctwatch.hit').map((r) => String(r.headers['webhook-id']));
}
