import type { Clock } from '../../../src/feed/ctlog/clock.js';

/**
 * Virtual clock: sleep(ms) advances virtual time by ms and records it, yielding to the event
 * loop only briefly, so backoffs of minutes take no real time and can be asserted exactly.
 */
export class FakeClock implements Clock {
  t = 1_800_000_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(resolve, 2);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

/** Polls `cond` (real time, up to `limitMs`) and throws with `what` if it never holds. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Checks a MemoryPositionStore's save history for a log whose tree stops verifying at
 * `verified`: no save ever claims more, and every round that read up to `end` was followed by a
 * save back at `verified` (the fallback after the failed proof). Returns the number of fallbacks.
 */
export function expectFallbacks(saves: Array<{ position: { index: number; verifiedSize: number } }>, verified: number, end: number): number {
  const ps = saves.map((s) => s.position);
  if (ps.some((p) => p.verifiedSize > verified)) throw new Error(`a save claims more than ${verified} verified entries`);
  let fallbacks = 0;
  ps.forEach((p, i) => {
    if (p.index !== end || p.verifiedSize === end) return;
    const next = ps[i + 1];
    if (next === undefined) return; // stopped between the last batch and the proof
    if (next.index !== verified) throw new Error(`after reading to ${end} the position went to ${next.index}, not ${verified}`);
    fallbacks++;
  });
  return fallbacks;
}
