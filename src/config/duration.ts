/**
 * Durations in config: a number of seconds, or a string like "500ms", "45s", "15m", "24h", "30d".
 */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses "15m" → 900000. Returns null when the text is not a duration. Pure. */
export function parseDurationMs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(text);
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}

/** zod schema: number (seconds) or duration string, parsed to milliseconds. */
export const durationMs = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return Math.round(v * 1000);
  const ms = parseDurationMs(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (use e.g. 45s, 15m, 24h, 30d, or a number of seconds)` });
    return z.NEVER;
  }
  return ms;
});
