/**
 * Replays a file of CertStream messages (one JSON message per line) through the same path as the
 * WebSocket feed: for offline runs, the demo and tests.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { TextResult } from './observer.js';
import type { Source } from './types.js';

export interface ReplaySourceOptions {
  file: string;
  /** Messages per second; 0 = as fast as the pipeline takes them. */
  rate: number;
  onText: (text: string, receivedAt: number) => TextResult;
  /** Resolves when the pipeline can take more: a file can wait, unlike a live feed, so nothing is dropped. */
  whenRoom?: () => Promise<void>;
  /** Called once when the whole file was handed over. */
  onEnd?: (count: number) => void;
}

export class ReplaySource implements Source {
  readonly id: string;
  private stopped = false;
  private done: Promise<void> | null = null;

  constructor(private readonly opts: ReplaySourceOptions) {
    this.id = `replay:${opts.file}`;
  }

  /** Starts reading in the background. Throws (code REPLAY_OPEN) if the file cannot be opened. */
  async start(): Promise<void> {
    try {
      fs.accessSync(this.opts.file, fs.constants.R_OK);
    } catch (err) {
      throw Object.assign(new Error(`cannot read replay file ${this.opts.file}`, { cause: err }), { code: 'REPLAY_OPEN' });
    }
    this.done = this.run();
  }

  /** Resolves when the file has been fully handed over (or the source was closed). */
  finished(): Promise<void> {
    return this.done ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    const input = fs.createReadStream(this.opts.file, { encoding: 'utf8' });
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    const gapMs = this.opts.rate > 0 ? 1000 / this.opts.rate : 0;
    let count = 0;
    let next = Date.now();
    for await (const line of lines) {
      if (this.stopped) break;
      if (!line.trim()) continue;
      if (gapMs > 0) {
        next += gapMs;
        const wait = next - Date.now();
        if (wait > 0) await sleep(wait);
      } else if (count % 256 === 255) {
        // Let timers, HTTP and the processing loop run between slices of a large file.
        await new Promise((r) => setImmediate(r));
      }
      if (this.opts.whenRoom) await this.opts.whenRoom();
      if (this.stopped) break;
      this.opts.onText(line, Date.now());
      count++;
    }
    lines.close();
    input.destroy();
    this.opts.onEnd?.(count);
  }

  /** Idempotent. */
  async close(): Promise<void> {
    this.stopped = true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
