/** Loading config and opening the store for CLI commands, with errors that name what failed. */
import { loadConfigFile, resolveConfigPath, type LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import type { StoreBackend } from '../store/backend.js';
import { openBackend } from '../store/open-backend.js';
import type { ProcessorRules } from '../pipeline/processor.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './util.js';

/**
 * One line for a config error: "invalid configuration in FILE: a.b: problem; c: problem".
 * Used wherever a command stops on a config error (exit 2), so none prints a stack or a list.
 */
export function configErrorLine(e: ConfigError | { message: string; code?: string }, file: string | null): string {
  const issues = e instanceof ConfigError ? e.issues : [e.message];
  return `invalid configuration${file ? ` in ${file}` : ''}: ${issues.map((i) => i.replace(/\s*\n\s*/g, ' ')).join('; ')}`;
}

/** Loads the config; a bad one throws CliError (exit 2) with one line naming each bad field. */
export function loadConfigOrExit(flag: string | undefined): LoadedConfig {
  const file = resolveConfigPath(flag);
  try {
    return loadConfigFile(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(configErrorLine(e, file), EXIT_USAGE, { cause: e });
    throw e;
  }
}

/**
 * Compiles the rules as the daemon does; a rule the matcher cannot use (a brand domain that is a
 * URL, "pay pal.com") throws CliError (exit 2) naming the item, like any other config error.
 */
export async function compileRulesOrExit(loaded: LoadedConfig): Promise<ProcessorRules> {
  // Loaded on demand: `ctwatch hits` should not pay for loading the matcher.
  const { compileRules } = await import('../app.js');
  try {
    return compileRules(loaded);
  } catch (e) {
    if ((e as { code?: string }).code === 'RULES_INVALID') throw new CliError(configErrorLine(e as Error, loaded.file), EXIT_USAGE, { cause: e });
    throw e;
  }
}

/**
 * Opens the configured store (store.url: PostgreSQL, else store.path: SQLite), runs `fn` on it
 * and closes it, also when `fn` throws. SQLite errors propagate as before (DB_OPEN, DB_TOO_NEW:
 * "ctwatch: CODE: message", exit 1). PostgreSQL failures become one CliError line naming
 * store.url and the server (never the password): a bad URL exits 2 like any config error; an
 * unreachable server, refused login, unknown database or a connection lost while `fn` runs
 * exit 1.
 */
export async function withBackend<T>(loaded: LoadedConfig, fn: (b: StoreBackend) => Promise<T>): Promise<T> {
  const cfg = loaded.config.store;
  if (cfg.url === undefined) {
    const b = await openBackend({ path: cfg.path, realertAfterMs: cfg.realert_after, checkpointOnClose: false });
    try {
      return await fn(b);
    } finally {
      await b.close();
    }
  }
  let b: StoreBackend;
  try {
    b = await openBackend({ url: cfg.url, realertAfterMs: cfg.realert_after });
  } catch (e) {
    throw await pgCliError(e, loaded, 'cannot open');
  }
  try {
    return await fn(b);
  } catch (e) {
    if ((e as { code?: string }).code === 'STORE_UNAVAILABLE') throw await pgCliError(e, loaded, 'lost');
    throw e;
  } finally {
    await b.close();
  }
}

/** One line for a PostgreSQL failure; see withBackend. */
async function pgCliError(e: unknown, loaded: LoadedConfig, what: 'cannot open' | 'lost'): Promise<CliError> {
  const code = (e as { code?: string }).code;
  if (code === 'STORE_URL') return new CliError(configErrorLine(e as Error, loaded.file), EXIT_USAGE, { cause: e });
  const { parseStoreUrl } = await import('../store/pg/connection.js');
  const where = parseStoreUrl(loaded.config.store.url!).display;
  const why = ((e as Error).message ?? String(e)).replace(/^PostgreSQL unavailable: /, '').replace(/\s*\n\s*/g, ' ');
  const unreachable = code === 'STORE_UNAVAILABLE' ? ' (is the server running and reachable?)' : '';
  return new CliError(`store.url: ${what} the PostgreSQL store ${where}: ${why}${unreachable}`, EXIT_FAILURE, { cause: e });
}
