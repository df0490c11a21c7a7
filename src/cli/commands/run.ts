/**
 * `ctwatch run`: the daemon.
 *
 * Signals:
 *  - SIGTERM/SIGINT: graceful stop (readiness 503 at once, feed closed, received work committed,
 *    in-flight deliveries finished or left queued, database closed), exit 0. Bounded by
 *    SHUTDOWN_DEADLINE_MS; a second SIGTERM/SIGINT forces exit 1 at once (the same signal again
 *    within SIGNAL_ECHO_MS is the first one delivered twice, by the process group and by npm).
 *  - SIGHUP: reload the config file (validated and compiled before anything changes; on error the
 *    running config stays, the error is logged and counted).
 *  - uncaughtException/unhandledRejection: logged fatal, closed quickly, exit 1 so the supervisor
 *    (systemd Restart=on-failure, a container restart policy) starts a fresh process.
 */
import { loadConfigFile, type LoadedConfig } from '../../config/load.js';
import { ConfigError } from '../../config/errors.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { startApp, type App } from '../../app.js';
import type { LevelWithSilent } from 'pino';
import { configErrorLine } from '../context.js';
import { startupErrorLine } from '../startup-errors.js';

export interface RunOptions {
  pretty?: boolean;
  /** Exit when a replay file is done (demo, tests). */
  exitAfterReplay?: boolean;
}

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Graceful stop budget. Below systemd's and Docker's stop timeouts, and the documented 5 s. */
export const SHUTDOWN_DEADLINE_MS = 4_500;
/** A repeat of the first stop signal within this long is the same request delivered twice (see the header). */
export const SIGNAL_ECHO_MS = 1_000;
/** After a crash: close what can be closed quickly; the supervisor restarts us. */
export const FATAL_DEADLINE_MS = 2_000;

/** Runs the daemon until a signal stops it. Resolves to the process exit code; never throws. */
export async function runCommand(loaded: LoadedConfig, opts: RunOptions = {}): Promise<number> {
  // An empty variable counts as unset; a wrong one is a usage error, named, before anything starts.
  const envLevel = (process.env.CTWATCH_LOG_LEVEL || undefined) as LevelWithSilent | undefined;
  if (envLevel !== undefined && !LEVELS.includes(envLevel)) {
    process.stderr.write(`ctwatch: CTWATCH_LOG_LEVEL: "${envLevel}" is not one of ${LEVELS.join(', ')}\n`);
    return 2;
  }
  const log = createLogger({ level: envLevel ?? loaded.config.log.level, pretty: opts.pretty ?? !!process.stdout.isTTY });
  const appLog = log.child({ module: 'app' });
  for (const w of loaded.warnings) log.child({ module: 'config' }).warn({ file: loaded.file }, w);
  let app: App | null = null;
  let stopping: { code: number; why: string } | null = null;
  let overrun: NodeJS.Timeout | undefined;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));

  let firstSignalAt = 0;
  const stop = (code: number, why: string): void => {
    if (stopping) {
      // The same signal again within SIGNAL_ECHO_MS is the one stop request delivered twice, not a
      // second request: Ctrl-C or a supervisor signals the whole process group, and `npm start`
      // forwards the signal to the daemon as well.
      if (why === stopping.why && Date.now() - firstSignalAt < SIGNAL_ECHO_MS) return;
      if (code !== 0 || why.startsWith('SIG')) {
        appLog.warn({ why }, 'second stop request: exiting now');
        process.exit(1);
      }
      return;
    }
    stopping = { code, why };
    firstSignalAt = Date.now();
    const deadline = code === 0 ? SHUTDOWN_DEADLINE_MS : FATAL_DEADLINE_MS;
    appLog.info({ why, deadlineMs: deadline }, 'shutting down');
    const t0 = Date.now();
    // If a closer hangs past every deadline, leave anyway: the supervisor must not wait forever.
    // Cleared once closed: a caller that goes on after runCommand (the demo's dashboard) must
    // not be killed by it.
    overrun = setTimeout(() => {
      appLog.error({ ms: Date.now() - t0 }, 'shutdown overran its deadline; exiting');
      process.exit(code === 0 ? 1 : code);
    }, deadline + 1_000).unref();
    if (app) void finish(app, deadline, t0);
    // else: startApp is still running; it sees `stopping` when it returns.
  };

  const finish = async (a: App, deadline: number, t0: number): Promise<void> => {
    await a.close(deadline);
    clearTimeout(overrun);
    appLog.info({ ms: Date.now() - t0, ...(await summary(a)) }, 'stopped');
    resolveExit(stopping!.code);
  };

  process.on('SIGTERM', () => stop(0, 'SIGTERM'));
  process.on('SIGINT', () => stop(0, 'SIGINT'));
  process.on('SIGHUP', () => {
    if (stopping) return;
    if (!app) {
      appLog.warn('SIGHUP before the daemon finished starting; ignored');
      return;
    }
    const next = reload(log, loaded.file, app, envLevel === undefined);
    if (next) loaded = next;
  });
  process.on('uncaughtException', (err) => {
    appLog.fatal({ err }, 'uncaught exception');
    stop(1, 'uncaughtException');
  });
  process.on('unhandledRejection', (err) => {
    appLog.fatal({ err }, 'unhandled rejection');
    stop(1, 'unhandledRejection');
  });

  try {
    app = await startApp(loaded, {
      log,
      onReplayDone: (opts.exitAfterReplay ?? (!!loaded.config.feed.replay && !loaded.config.feed.replay_then_idle)) ? () =>
            void waitDelivered(app)
              .catch((err) => appLog.error({ err }, 'waiting for deliveries after the replay failed'))
              .then(() => stop(0, 'replay finished')) : undefined,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    // A rule the matcher cannot compile is a config error: one line naming the item, exit 2.
    if (code === 'RULES_INVALID') {
      process.stderr.write(`ctwatch: ${configErrorLine(err as Error, loaded.file)}\n`);
      return 2;
    }
    const line = startupErrorLine(err, loaded.config.http.listen);
    if (line) {
      process.stderr.write(`ctwatch: ${line}\n`);
      // A store.url node-postgres cannot use is a config error too; an unreachable server is not.
      return code === 'STORE_URL' ? 2 : 1;
    }
    appLog.fatal({ err, code }, 'cannot start');
    return 1;
  }
  if (stopping) void finish(app, SHUTDOWN_DEADLINE_MS, Date.now());
  return exited;
}

/**
 * Re-reads and validates `file`, then swaps it in (and its log.level, unless CTWATCH_LOG_LEVEL
 * is set). Returns the new config, or null when it was rejected (logged with every field error and counted in ctwatch_config_reloads_total{result="error"}).
 */
function reload(log: Logger, file: string | null, app: App, applyLevel: boolean): LoadedConfig | null {
  const configLog = log.child({ module: 'config' });
  if (!file) {
    configLog.warn('SIGHUP: no config file to re-read');
    return null;
  }
  try {
    const next = loadConfigFile(file);
    const { restartNeeded } = app.reload(next);
    // Child loggers read the level through their prototype, so this reaches every component.
    if (applyLevel) log.level = next.config.log.level;
    for (const w of next.warnings) configLog.warn({ file }, w);
    if (restartNeeded.length) configLog.warn({ file, restartNeeded }, 'config reloaded; these changes need a restart and were not applied');
    else configLog.info({ file }, 'config reloaded');
    return next;
  } catch (err) {
    app.metrics.reloads.inc({ result: 'error' });
    const issues = err instanceof ConfigError ? err.issues : [(err as Error).message];
    configLog.error({ file, code: (err as { code?: string }).code ?? 'RELOAD_FAILED', issues }, 'config reload failed; keeping the running config');
    return null;
  }
}

/** Counters for the "stopped" line: what this process received, examined and committed. */
async function summary(app: App): Promise<Record<string, number>> {
  const sum = async (c: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }, pred: (l: Record<string, unknown>) => boolean = () => true) =>
    (await c.get()).values.filter((v) => pred(v.labels)).reduce((a, v) => a + v.value, 0);
  const m = app.metrics;
  return {
    certMessages: await sum(m.messages, (l) => l.type === 'certificate_update' || l.type === 'dns_entries'),
    certificatesExamined: await sum(m.certificates),
    newHits: await sum(m.hits, (l) => l.outcome === 'new'),
    overloadDropped: await sum(m.dropped, (l) => l.reason === 'overload'),
    duplicates: await sum(m.dropped, (l) => l.reason === 'duplicate'),
  };
}

/** After a replay: give the dispatcher time to send what is due (bounded). */
async function waitDelivered(app: App | null): Promise<void> {
  if (!app) return;
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    await app.dispatcher.runOnce();
    if ((await app.backend.outbox.countDue(Date.now())) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
