/**
 * A PostgreSQL database of the bench's own on the server at CTWATCH_BENCH_PG_URL (default the
 * project machines' postgres://postgres@127.0.0.1:5432/test), created fresh and dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function benchDatabase(): Promise<{ url: string | null; skipped: string; drop: () => Promise<void> }> {
  const server = process.env.CTWATCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `ctwatch_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server, connectionTimeoutMillis: 3_000 });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch (err) {
    return { url: null, skipped: `PostgreSQL unreachable at the bench URL (${(err as Error).message})`, drop: async () => undefined };
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  return { url: u.toString(), skipped: '', drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
