/**
 * pino logger writing JSON to stdout (or human-readable text on a terminal or with --pretty), with
 * every line passed through the secret registry before it leaves the process. Components get a
 * child logger with a `module` binding.
 */
import { createRequire } from 'node:module';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { secrets } from './secrets.js';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Human-readable lines (pino-pretty) instead of JSON. Still redacted. */
  pretty?: boolean;
  /** Colours in pretty mode; defaults to whether stdout is a terminal. */
  colorize?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a collector. */
  write?: (line: string) => void;
}

/**
 * Returns a pino logger. Every line (JSON or pretty) is redacted before `write` sees it; secrets
 * registered after the logger was made are redacted too (the registry is read per line).
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => void process.stdout.write(line));
  const level = opts.level ?? ((process.env.CTWATCH_LOG_LEVEL || undefined) as LevelWithSilent | undefined) ?? 'info';
  if (opts.pretty) {
    const prettify = loadPrettyFactory()({
      colorize: opts.colorize ?? !!process.stdout.isTTY,
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: false,
    });
    // Redact the JSON line first (values are still in their JSON-escaped form there), then the
    // rendered text again, in case rendering unescaped a value into its raw form.
    const destination = { write: (line: string) => write(secrets.redact(prettify(secrets.redact(line)))) };
    return pino({ level, base: { pid: process.pid } }, destination);
  }
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => write(secrets.redact(line)) },
  );
}

/** pino-pretty is loaded lazily: JSON mode (production) never needs it. */
function loadPrettyFactory(): (opts: object) => (line: string) => string {
  const require = createRequire(import.meta.url);
  return (require('pino-pretty') as { prettyFactory: (opts: object) => (line: string) => string }).prettyFactory;
}

/** A logger that drops everything; for CLI commands and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
