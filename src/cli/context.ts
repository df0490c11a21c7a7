/** Loading config and opening the store for CLI commands, with errors that name what failed. */
import { loadConfigFile, resolveConfigPath, type LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { openStore, type Store } from '../store/index.js';
import { CliError, EXIT_USAGE } from './util.js';

export function loadConfigOrExit(flag: string | undefined): LoadedConfig {
  try {
    return loadConfigFile(resolveConfigPath(flag));
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, EXIT_USAGE, { cause: e });
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
