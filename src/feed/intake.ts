/**
 * The bounded queue between the sources and the processor. Sources push decoded events as they
 * arrive; the queue is drained in time-boxed slices so sockets, timers and HTTP keep running.
 * When events arrive faster than they can be processed, the queue stops at `maxQueue` and the
 * excess is dropped and counted ('overload'): memory stays bounded and processing goes on.
 */
import type { CertEvent } from './types.js';
import type { DropReason } from './observer.js';

export interface IntakeOptions {
  maxQueue: number;
  /** Processes one batch synchronously (match, parse candidates, commit). */
  process: (batch: CertEvent[]) => void;
  onDrop: (reason: DropReason, event: CertEvent) => void;
  onDepth?: (depth: number) => void;
  /** Most events per batch (one SQLite transaction). */
  batchSize?: number;
  /** Time budget per slice before yielding to the event loop. */
  sliceMs?: number;
}

export class Intake {
  private queue: CertEvent[] = [];
  private head = 0;
  private scheduled = false;
  private draining: Promise<void> | null = null;
  private resolveDrained: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly sliceMs: number;

  constructor(private readonly opts: IntakeOptions) {
    this.batchSize = opts.batchSize ?? 256;
    this.sliceMs = opts.sliceMs ?? 20;
  }

  get depth(): number {
    return this.queue.length - this.head;
  }

  /** Queues an event, or drops it (counted) when the queue is full. */
  push(event: CertEvent): void {
    if (this.depth >= this.opts.maxQueue) {
      this.opts.onDrop('overload', event);
      return;
    }
    this.queue.push(event);
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
    while (this.depth > 0 && performance.now() < deadline) {
      const end = Math.min(this.queue.length, this.head + this.batchSize);
      const batch = this.queue.slice(this.head, end);
      this.head = end;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      try {
        this.opts.process(batch);
      } catch {
        // The processor handles and counts its own errors; a throw here is a bug, and the
        // stream must go on regardless.
      }
    }
    this.opts.onDepth?.(this.depth);
    if (this.depth > 0) this.schedule();
    else {
      this.queue = [];
      this.head = 0;
      this.resolveDrained?.();
      this.resolveDrained = null;
      this.draining = null;
    }
  }

  /** Resolves once everything queued so far has been processed. */
  drained(): Promise<void> {
    if (this.depth === 0 && !this.scheduled) return Promise.resolve();
    this.draining ??= new Promise((r) => (this.resolveDrained = r));
    return this.draining;
  }
}
