/**
 * pino logger writing JSON to stdout (or pretty text on a terminal), with every line passed
 * through the secret registry first. Components get a child logger with a `module` binding.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { secrets } from './secrets.js';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  pretty?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a collector. */
  write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  const level = opts.level ?? (process.env.CTWATCH_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  const destination = { write: (line: string) => write(secrets.redact(line)) };
  if (opts.pretty) {
    return pino({ level, base: { pid: process.pid } }, makePrettyStream(destination));
  }
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** pino-pretty is loaded lazily: only terminals need it. */
function makePrettyStream(destination: { write(line: string): void }) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = requirePretty();
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: { write: (s: string) => destination.write(s) } as never, sync: true });
}

import { createRequire } from 'node:module';
function requirePretty(): (opts: object) => NodeJS.WritableStream {
  const require = createRequire(import.meta.url);
  return require('pino-pretty');
}

/** A logger that drops everything; for CLI commands and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
