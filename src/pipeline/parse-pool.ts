/**
 * A small pool of worker threads for the full certificate parse (@peculiar/x509, about 2-4 ms a
 * certificate). Only candidates are parsed, but at firehose rates even 1% of messages is a
 * quarter of a core; in workers it runs beside the thread that reads, matches and commits.
 *
 * parse() never rejects for a bad certificate (the result says so); it rejects only when the pool
 * is closed or a worker died, and the caller then parses inline. Results come back in order.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CertParseError } from '../cert/errors.js';
import type { CertDetails } from '../cert/types.js';
import type { ParseResult } from './parse-worker.js';

export type PoolResult = { ok: true; details: CertDetails } | { ok: false; error: CertParseError };

interface Slot {
  worker: Worker;
  busy: number;
  online: boolean;
}

interface Pending {
  resolve: (r: PoolResult[]) => void;
  reject: (e: Error) => void;
  slot: Slot;
}

export class ParsePool {
  private readonly workers: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private readonly workerUrl: URL;

  /**
   * `workerUrl` defaults to the compiled parse-worker.js beside this module. When that file does
   * not exist (sources run untranspiled, e.g. under a test runner), the pool has no workers and
   * every parse() rejects at once, so callers parse inline.
   */
  constructor(size: number, workerUrl = new URL('./parse-worker.js', import.meta.url)) {
    this.workerUrl = workerUrl;
    if (!fs.existsSync(fileURLToPath(workerUrl))) return;
    for (let i = 0; i < size; i++) this.spawn();
  }

  /** Worker threads running now. */
  get size(): number {
    return this.workers.length;
  }

  private spawn(): void {
    // A parse needs little memory: a bounded heap keeps each worker's footprint small and fixed.
    const worker = new Worker(this.workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 } });
    const slot = { worker, busy: 0, online: false };
    worker.once('online', () => (slot.online = true));
    worker.unref();
    worker.on('message', (m: { id: number; results: ParseResult[] }) => {
      slot.busy--;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(
        m.results.map((r) =>
          r.ok
            ? {
                ok: true as const,
                details: { ...r.details, notBefore: r.details.notBefore === null ? null : new Date(r.details.notBefore), notAfter: r.details.notAfter === null ? null : new Date(r.details.notAfter) },
              }
            : { ok: false as const, error: Object.assign(new CertParseError(r.message), { code: r.code }) },
        ),
      );
    });
    worker.on('error', () => this.fail(slot));
    worker.on('exit', () => this.fail(slot));
    this.workers.push(slot);
  }

  /** A worker died: its requests fail (the caller parses inline), and a new one takes its place. */
  private fail(slot: { worker: Worker; busy: number; online: boolean }): void {
    const i = this.workers.indexOf(slot);
    if (i < 0) return;
    this.workers.splice(i, 1);
    for (const [id, p] of this.pending) {
      if (p.slot === slot) {
        this.pending.delete(id);
        p.reject(new Error('parse worker exited'));
      }
    }
    // Replace a worker that died while working; one that never came up would only die again.
    if (!this.closed && slot.online) this.spawn();
  }

  /** Parses DERs in a worker; resolves with one result per DER, in order. */
  parse(ders: readonly Uint8Array[]): Promise<PoolResult[]> {
    if (this.closed || this.workers.length === 0) return Promise.reject(new Error('parse pool closed'));
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      // Copies: the DERs are views into larger buffers that must not be transferred away.
      slot.worker.postMessage({ id, ders: ders.map((d) => Uint8Array.prototype.slice.call(d)) });
    });
  }

  /** Terminates the workers; pending requests reject. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('parse pool closed'));
    this.pending.clear();
    await Promise.all(this.workers.splice(0).map((s) => s.worker.terminate()));
  }
}
