/** Small helpers shared by CLI commands: output formats, durations, exit codes. */
import { secrets } from '../log/secrets.js';
import { parseDurationMs } from '../config/duration.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A CLI failure with its exit code; printed once by main, redacted. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
    opts: { cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'CliError';
  }
}

export function out(text: string): void {
  process.stdout.write(secrets.redact(text));
}

export function err(text: string): void {
  process.stderr.write(secrets.redact(text));
}

/** "7d" → ms ago as an absolute time. Throws CliError on a bad duration. */
export function sinceToTime(since: string | undefined, now = Date.now()): number | undefined {
  if (since === undefined) return undefined;
  const ms = parseDurationMs(since);
  if (ms === null) throw new CliError(`--since: "${since}" is not a duration (e.g. 24h, 7d)`, EXIT_USAGE);
  return now - ms;
}

/** RFC 4180 CSV. Cells that start with = + - @ are prefixed with ' so spreadsheets do not run them. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Control and bidi characters shown as escapes, so a name cannot rewrite the terminal. */
export function safeForTerminal(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
