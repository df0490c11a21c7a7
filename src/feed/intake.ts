/**
 * The bounded queue between the sources and the processor. Sources push decoded events as they
 * arrive; the queue is drained in time-boxed slices so sockets, timers and HTTP keep running.
 * When events arrive faster than they can be processed, the queue stops at `maxQueue` events or
 * `maxQueueBytes` (estimated, see eventBytes) and the excess is dropped and counted ('overload'):
 * memory stays bounded, also against a stream of few but huge messages, and processing goes on.
 *
 * Batches shrink when processing is slow (a burst of candidates that need the full parse): the
 * batch size follows the measured cost per event so that one batch fits in `sliceMs`, and the
 * event loop gets back to the sockets often enough to read (and, when full, drop) what arrives,
 * answer pings and serve /readyz. Otherwise the kernel socket buffers would fill, TCP would push
 * back on the server, and the loss would happen on the server, uncounted.
 */
import type { CertEvent } from './types.js';
import type { DropReason } from './observer.js';

/** Bytes an event is counted for beyond its DER and names (object, fields, dates, strings' headers). */
const EVENT_OVERHEAD = 512;
/** Bytes counted per name (a typical name, its string header and array slot; names are at most 253 characters). */
const NAME_BYTES = 64;

/**
 * Estimated memory an event holds while queued: its DER, a flat size per name and a fixed
 * overhead. O(1), so the queue keeps its speed; the DER (up to a 16 MiB frame) is what can be
 * huge, and it is counted exactly. Deterministic for a given event.
 */
export function eventBytes(ev: CertEvent): number {
  return EVENT_OVERHEAD + (ev.der ? ev.der.length : 0) + (ev.names ? ev.names.length * NAME_BYTES : 0);
}

export interface IntakeOptions {
  maxQueue: number;
  /** Most estimated bytes queued (eventBytes); default unbounded. One event is always accepted into an empty queue. */
  maxQueueBytes?: number;
  /**
   * Processes one batch (match, parse candidates, commit). May return a promise when part of the
   * work runs elsewhere (the full parse in a worker thread); the queue then goes on with the next
   * batch, with at most `maxInFlight` batches unfinished.
   */
  process: (batch: CertEvent[]) => unknown;
  maxInFlight?: number;
  onDrop: (reason: DropReason, event: CertEvent) => void;
  onDepth?: (depth: number) => void;
  /** Most events per batch (one SQLite transaction). */
  batchSize?: number;
  /** Time budget per slice before yielding to the event loop. */
  sliceMs?: number;
  /**
   * Backpressure: called with true when the queue reaches half of maxQueue (sources that can,
   * pause reading their socket, so TCP pushes back on the server), and with false once it is
   * down to a quarter. A server that then drops for a slow client (certstream-server-go does)
   * leaves gaps that the gap tracker counts per log; the queue itself drops only when it is
   * full anyway (several feeds at once, or a source that cannot pause).
   */
  onPressure?: (pressed: boolean) => void;
}

export class Intake {
  private queue: CertEvent[] = [];
  /** Sum of eventBytes over the queue. */
  private queuedBytes = 0;
  private scheduled = false;
  private draining: Promise<void> | null = null;
  private resolveDrained: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly sliceMs: number;
  /** Moving average of processing cost per event, in ms. */
  private msPerEvent = 0;
  private roomWaiters: (() => void)[] = [];
  private pressed = false;
  private inFlight = 0;

  constructor(private readonly opts: IntakeOptions) {
    this.batchSize = opts.batchSize ?? 256;
    this.sliceMs = opts.sliceMs ?? 20;
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Estimated bytes queued (see eventBytes). */
  get bytes(): number {
    return this.queuedBytes;
  }

  private get maxBytes(): number {
    return this.opts.maxQueueBytes ?? Infinity;
  }

  /** True when a push now would be dropped. Sources check it to skip decoding what would be dropped. */
  get full(): boolean {
    return this.depth >= this.opts.maxQueue || this.queuedBytes >= this.maxBytes;
  }

  /**
   * Resolves once the queue has room again (at once when it has). For sources that can wait
   * (a replay file) instead of dropping. Never rejects.
   */
  whenRoom(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((r) => this.roomWaiters.push(r));
  }

  /** Queues an event, or drops it (counted) when the queue is full. */
  push(event: CertEvent): void {
    const size = eventBytes(event);
    if (this.depth >= this.opts.maxQueue || (this.depth > 0 && this.queuedBytes + size > this.maxBytes)) {
      this.opts.onDrop('overload', event);
      return;
    }
    this.queue.push(event);
    this.queuedBytes += size;
    if (!this.pressed && this.opts.onPressure && (this.depth >= this.opts.maxQueue / 2 || this.queuedBytes >= this.maxBytes / 2)) {
      this.pressed = true;
      this.opts.onPressure(true);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    const deadline = performance.now() + this.sliceMs;
    while (this.depth > 0 && performance.now() < deadline && this.inFlight < (this.opts.maxInFlight ?? 4)) {
      const size = this.msPerEvent > 0 ? Math.max(1, Math.min(this.batchSize, Math.floor(this.sliceMs / this.msPerEvent))) : Math.min(this.batchSize, 16);
      // Taken out of the queue, not just passed over: an event the queue still referenced would
      // outlive a few young-generation collections and be promoted to the old generation, where
      // a firehose of them makes the heap (and the RSS) grow between full collections.
      const batch = this.queue.splice(0, size);
      if (this.queue.length === 0) this.queuedBytes = 0;
      else for (let i = 0; i < batch.length; i++) this.queuedBytes -= eventBytes(batch[i]!);
      const t0 = performance.now();
      try {
        const r = this.opts.process(batch);
        if (r && typeof (r as Promise<unknown>).then === 'function') this.track(r as Promise<unknown>);
      } catch {
        // The processor handles and counts its own errors; a throw here is a bug, and the
        // stream must go on regardless.
      }
      const per = Math.max(1e-4, (performance.now() - t0) / batch.length);
      this.msPerEvent = this.msPerEvent === 0 ? per : this.msPerEvent * 0.8 + per * 0.2;
    }
    this.opts.onDepth?.(this.depth);
    if (this.pressed && this.depth <= this.opts.maxQueue / 4 && this.queuedBytes <= this.maxBytes / 4) {
      this.pressed = false;
      this.opts.onPressure?.(false);
    }
    if (!this.full && this.roomWaiters.length) for (const w of this.roomWaiters.splice(0)) w();
    if (this.depth > 0) {
      // Waiting for a batch in a worker: its completion schedules the next slice.
      if (this.inFlight < (this.opts.maxInFlight ?? 4)) this.schedule();
    } else if (this.inFlight === 0) {
      this.settle();
    }
  }

  private track(p: Promise<unknown>): void {
    this.inFlight++;
    const done = () => {
      this.inFlight--;
      if (this.depth > 0) this.schedule();
      else if (this.inFlight === 0 && !this.scheduled) this.settle();
    };
    p.then(done, done);
  }

  private settle(): void {
    this.resolveDrained?.();
    this.resolveDrained = null;
    this.draining = null;
  }

  /** Resolves once everything queued so far has been processed (and committed). */
  drained(): Promise<void> {
    if (this.depth === 0 && !this.scheduled && this.inFlight === 0) return Promise.resolve();
    this.draining ??= new Promise((r) => (this.resolveDrained = r));
    return this.draining;
  }
}
