/**
 * `ctwatch run`: the daemon. Signals: SIGTERM/SIGINT stop gracefully (a second one forces exit 1);
 * SIGHUP reloads the config (validated and compiled before anything changes).
 * uncaughtException/unhandledRejection: logged fatal, closed quickly, exit 1 for the supervisor.
 */
import { loadConfigFile, type LoadedConfig } from '../../config/load.js';
import { ConfigError } from '../../config/errors.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { startApp, type App } from '../../app.js';

export interface RunOptions {
  pretty?: boolean;
  /** Exit when a replay file is done (demo, tests). */
  exitAfterReplay?: boolean;
}

export async function runCommand(loaded: LoadedConfig, opts: RunOptions = {}): Promise<number> {
  const log = createLogger({ level: (process.env.CTWATCH_LOG_LEVEL as never) ?? loaded.config.log.level, pretty: opts.pretty ?? process.stdout.isTTY });
  let app: App | null = null;
  let stopping = false;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));

  const stop = (code: number, why: string) => {
    if (stopping) {
      log.warn({ module: 'app' }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ module: 'app', why }, 'shutting down');
    const t0 = Date.now();
    void (app ? app.close(code === 0 ? 8_000 : 2_000) : Promise.resolve()).then(() => {
      log.info({ module: 'app', ms: Date.now() - t0 }, 'stopped');
      resolveExit(code);
    });
  };
  process.on('SIGTERM', () => stop(0, 'SIGTERM'));
  process.on('SIGINT', () => stop(0, 'SIGINT'));
  process.on('SIGHUP', () => reload(log, loaded.file, () => app).then((next) => next && (loaded = next)));
  process.on('uncaughtException', (err) => {
    log.fatal({ err, module: 'app' }, 'uncaught exception');
    stop(1, 'uncaughtException');
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err, module: 'app' }, 'unhandled rejection');
    stop(1, 'unhandledRejection');
  });

  try {
    app = await startApp(loaded, {
      log,
      onReplayDone: opts.exitAfterReplay ? () => void waitDelivered(app).then(() => stop(0, 'replay finished')) : undefined,
    });
  } catch (err) {
    log.fatal({ err, module: 'app', code: (err as { code?: string }).code }, 'cannot start');
    await new Promise((r) => setTimeout(r, 50));
    return 1;
  }
  return exited;
}

async function reload(log: Logger, file: string | null, getApp: () => App | null): Promise<LoadedConfig | null> {
  const app = getApp();
  if (!app || !file) return null;
  try {
    const next = loadConfigFile(file);
    const { restartNeeded } = app.reload(next);
    log.info({ module: 'config', restartNeeded }, restartNeeded.length ? 'config reloaded; some changes need a restart and were not applied' : 'config reloaded');
    return next;
  } catch (err) {
    app.metrics.reloads.inc({ result: 'error' });
    const issues = err instanceof ConfigError ? err.issues : [(err as Error).message];
    log.error({ module: 'config', code: (err as { code?: string }).code, issues }, 'config reload failed; keeping the running config');
    return null;
  }
}

/** After a replay: give the dispatcher time to send what is due (bounded). */
async function waitDelivered(app: App | null): Promise<void> {
  if (!app) return;
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    await app.dispatcher.runOnce();
    if (app.store.outbox.countDue(Date.now()) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
