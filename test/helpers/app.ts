/** Starting the daemon in-process for tests, with a collected (not printed) log. */
import path from 'node:path';
import { buildConfig, type LoadedConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { startApp, type App, type AppOptions } from '../../src/app.js';

export interface TestApp {
  app: App;
  loaded: LoadedConfig;
  logs: string[];
  base: string;
}

export async function startTestApp(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, extra: Partial<AppOptions> = {}): Promise<TestApp> {
  const loaded = buildConfig(raw, env, null);
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', write: (l) => logs.push(l) });
  const app = await startApp(loaded, { log, ...extra });
  return { app, loaded, logs, base: `http://127.0.0.1:${app.http.address.port}` };
}

export function dbPath(dir: string): string {
  return path.join(dir, 'ctwatch.db');
}

export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // metrics are text
  }
  return { status: r.status, body };
}
