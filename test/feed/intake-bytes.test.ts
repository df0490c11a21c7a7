/**
 * The intake queue is bounded by bytes as well as by count (issue 14): a stream of few but huge
 * messages (frames may be 16 MiB) is dropped and counted ('overload') once `maxQueueBytes` is
 * queued, long before `maxQueue` events, so memory stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { Intake, eventBytes } from '../../src/feed/intake.js';
import { buildConfig } from '../../src/config/load.js';
import { testEvent } from './test-event.js';

const MiB = 1024 * 1024;

const event = (index: number, derBytes: number, names?: string[]) => testEvent(index, { derBytes, ...(names ? { names } : {}) });

describe('Intake byte bound', () => {
  it('drops (and reports) huge events beyond maxQueueBytes, far below maxQueue; accounting returns to zero', async () => {
    const dropped: number[] = [];
    const pressure: boolean[] = [];
    const seen: number[] = [];
    const intake = new Intake({
      maxQueue: 10_000,
      maxQueueBytes: 10 * MiB,
      process: (b) => b.forEach((e) => seen.push(e.index!)),
      onDrop: (reason, e) => {
        expect(reason).toBe('overload');
        dropped.push(e.index!);
      },
      onPressure: (p) => pressure.push(p),
    });
    for (let i = 0; i < 100; i++) intake.push(event(i, MiB));
    // 9 events of 1 MiB + overhead fit under 10 MiB; the 10th would exceed it.
    expect(intake.depth).toBe(9);
    expect(intake.bytes).toBeLessThanOrEqual(10 * MiB);
    expect(intake.full).toBe(false);
    expect(dropped).toEqual(Array.from({ length: 91 }, (_, i) => 9 + i));
    await intake.drained();
    expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => i));
    expect(intake.bytes).toBe(0);
    expect(pressure).toEqual([true, false]);
    // Room again: small events flow.
    intake.push(event(1000, 0));
    await intake.drained();
    expect(seen.at(-1)).toBe(1000);
  });

  it('an event larger than the whole bound is still taken into an empty queue (never a permanent stall)', async () => {
    const seen: number[] = [];
    const intake = new Intake({ maxQueue: 10, maxQueueBytes: MiB, process: (b) => b.forEach((e) => seen.push(e.index!)), onDrop: () => undefined });
    intake.push(event(1, 2 * MiB));
    expect(intake.full).toBe(true);
    intake.push(event(2, 10));
    await intake.drained();
    expect(seen).toEqual([1]);
  });

  it('bytes are partially released as batches leave (no drift)', async () => {
    const intake = new Intake({ maxQueue: 10_000, maxQueueBytes: 64 * MiB, batchSize: 7, process: () => undefined, onDrop: () => expect.fail('nothing dropped') });
    let expected = 0;
    for (let i = 0; i < 500; i++) {
      const e = event(i, (i * 997) % 5000, Array.from({ length: i % 13 }, (_, k) => `name${k}-${i}.example.org`));
      expected += eventBytes(e);
      intake.push(e);
    }
    expect(intake.bytes).toBe(expected);
    await intake.drained();
    expect(intake.bytes).toBe(0);
  });

  it('feed.max_queue_bytes defaults to 128 MiB and reaches the config', () => {
    expect(buildConfig({ feed: { replay: 'x' } }).config.feed.max_queue_bytes).toBe(128 * MiB);
    expect(buildConfig({ feed: { replay: 'x', max_queue_bytes: 1_000_000 } }).config.feed.max_queue_bytes).toBe(1_000_000);
  });
});
