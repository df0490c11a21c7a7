/** Loading config and opening the store for CLI commands, with errors that name what failed. */
import { loadConfigFile, resolveConfigPath, type LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { openStore, type Store } from '../store/index.js';
import type { ProcessorRules } from '../pipeline/processor.js';
import { CliError, EXIT_USAGE } from './util.js';

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

export function withStore<T>(loaded: LoadedConfig, fn: (store: Store) => T): T {
  const store = openStore(loaded.config.store.path, { realertAfterMs: loaded.config.store.realert_after, checkpointOnClose: false });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
