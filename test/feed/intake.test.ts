/** The bounded queue between sources and processor: order, bounds, pressure, and no retention. */
import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Intake } from '../../src/feed/intake.js';
import type { CertEvent } from '../../src/feed/types.js';
import { testEvent } from './test-event.js';

const event = (index: number) => testEvent(index);

describe('Intake', () => {
  it('processes every event once, in order, in batches no larger than batchSize', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    const intake = new Intake({
      maxQueue: 10_000,
      batchSize: 50,
      process: (b) => {
        sizes.push(b.length);
        for (const e of b) seen.push(e.index!);
      },
      onDrop: () => expect.fail('nothing may be dropped below maxQueue'),
    });
    for (let i = 0; i < 1000; i++) intake.push(event(i));
    await intake.drained();
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(intake.depth).toBe(0);
  });

  it('drops (and reports) what does not fit, and signals pressure at half and relief at a quarter', async () => {
    const dropped: number[] = [];
    const pressure: boolean[] = [];
    const intake = new Intake({ maxQueue: 100, process: () => {}, onDrop: (_r, e) => dropped.push(e.index!), onPressure: (p) => pressure.push(p) });
    for (let i = 0; i < 150; i++) intake.push(event(i));
    expect(dropped).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(intake.full).toBe(true);
    await intake.drained();
    expect(pressure).toEqual([true, false]);
  });

  it('waits for unfinished asynchronous batches before it reports drained', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let done = 0;
    const intake = new Intake({ maxQueue: 100, maxInFlight: 1, process: (b) => gate.then(() => (done += b.length)), onDrop: () => {} });
    for (let i = 0; i < 40; i++) intake.push(event(i));
    let drained = false;
    void intake.drained().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    release();
    await intake.drained();
    expect(done).toBe(40);
  });

  it('keeps no reference to an event once its batch is processed, even while the queue stays busy', async () => {
    // Held references would be promoted to the old generation and make the heap grow under a
    // firehose. Checked with a weak reference and a forced collection.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const intake = new Intake({
      maxQueue: 100_000,
      batchSize: 16,
      maxInFlight: 1,
      process: () => new Promise((r) => setImmediate(r)), // one batch at a time: the queue stays busy
      onDrop: () => {},
    });
    let ref: WeakRef<CertEvent>;
    (() => {
      const first = event(0);
      ref = new WeakRef(first);
      intake.push(first);
    })();
    // Keep the queue from ever becoming empty while the first event is long processed.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) intake.push(event(round * 100 + i + 1));
      await new Promise((r) => setImmediate(r));
    }
    expect(intake.depth).toBeGreaterThan(1000);
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
    expect(ref!.deref()).toBeUndefined();
    await intake.drained();
  });
});
