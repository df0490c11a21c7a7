/** The running daemon's allow list follows the store (entries added by the CLI or another instance). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { refreshAllowList } from '../../src/jobs/allow-refresh.js';

describe('refreshAllowList', () => {
  afterEach(() => vi.useRealTimers());

  it.each([
    { label: 'a new entry is handed on once', reads: [['a.com', 'b.com'], ['a.com', 'b.com']], up: true, changes: [['a.com', 'b.com']], errors: 0 },
    { label: 'the same list changes nothing', reads: [['a.com'], ['a.com']], up: true, changes: [], errors: 0 },
    { label: 'nothing is read while the store is down', reads: [['a.com', 'b.com']], up: false, changes: [], errors: 0 },
    { label: 'a failed read is reported, the next one goes on', reads: [new Error('boom'), ['b.com']], up: true, changes: [['b.com']], errors: 1 },
  ])('$label', async ({ reads, up, changes, errors }) => {
    vi.useFakeTimers();
    const seen: string[][] = [];
    const failed: unknown[] = [];
    let n = 0;
    const stop = refreshAllowList({
      read: () => {
        const r = reads[n++] ?? reads.at(-1)!;
        return r instanceof Error ? Promise.reject(r) : Promise.resolve(r as string[]);
      },
      initial: ['a.com'],
      onChange: (allow) => seen.push(allow),
      onError: (err) => failed.push(err),
      storeUp: () => up,
      everyMs: 1_000,
    });
    await vi.advanceTimersByTimeAsync(2_500);
    stop();
    expect(seen).toEqual(changes);
    expect(failed).toHaveLength(errors);
    expect(n).toBe(up ? 2 : 0);
  });
});
