/**
 * Whether the store answers: the state behind `/readyz` (503 with the reason while down) and the
 * `store.unavailable` / recovery health events (one each per outage), plus the backoff between
 * attempts while the database is away (jittered, so a fleet of instances does not redial in
 * lockstep). Groundwork for issue 16: nothing uses it yet; the
 * switch-over feeds it every store call's outcome (`failed` / `succeeded`) and waits on
 * `waitUntilUp` before retrying held-back work.
 */
import { Backoff } from '../feed/backoff.js';
import { StoreError } from './backend.js';

export interface AvailabilityState {
  up: boolean;
  /** When the current state began (ms). */
  since: number;
  /** Why the store is down (the first error of the outage), null while up. */
  reason: string | null;
  /** Outages since start. */
  outages: number;
}

export interface AvailabilityOptions {
  /** True when the store answers (StoreBackend.ping); must not throw. */
  ping: () => Promise<boolean>;
  /** Told once when an outage starts and once when it ends. */
  onChange?: (state: AvailabilityState) => void;
  now?: () => number;
  /** Waits between probes; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Probe delays: jittered, doubling from minDelayMs up to maxDelayMs (feed/backoff.ts). Defaults 500 ms and 30 s. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** The jitter's random source (tests pass () => 1: each delay is then its ceiling). */
  random?: () => number;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class StoreAvailability {
  private current: AvailabilityState;
  private readonly backoff: Backoff;
  private readonly now: () => number;

  constructor(private readonly opts: AvailabilityOptions) {
    this.now = opts.now ?? Date.now;
    this.backoff = new Backoff(opts.minDelayMs ?? 500, opts.maxDelayMs ?? 30_000, opts.random);
    this.current = { up: true, since: this.now(), reason: null, outages: 0 };
  }

  get state(): AvailabilityState {
    return { ...this.current };
  }

  /**
   * A store call rejected with `err`. Only outages (StoreError STORE_UNAVAILABLE) count; a bad
   * statement is a bug, not an outage. Returns true when this call started an outage.
   */
  failed(err: unknown): boolean {
    if (!(err instanceof StoreError) || err.code !== 'STORE_UNAVAILABLE') return false;
    if (!this.current.up) return false;
    this.current = { up: false, since: this.now(), reason: err.message, outages: this.current.outages + 1 };
    this.backoff.reset();
    this.opts.onChange?.(this.state);
    return true;
  }

  /** A store call succeeded: ends an outage (once). */
  succeeded(): void {
    if (this.current.up) return;
    this.current = { up: true, since: this.now(), reason: null, outages: this.current.outages };
    this.opts.onChange?.(this.state);
  }

  /**
   * Resolves at once while up; otherwise pings with backoff until the store answers (then
   * `succeeded`) or `signal` aborts (then resolves with false).
   */
  async waitUntilUp(signal?: AbortSignal): Promise<boolean> {
    const sleep = this.opts.sleep ?? defaultSleep;
    while (!this.current.up) {
      if (signal?.aborted) return false;
      await sleep(this.backoff.next(), signal);
      if (signal?.aborted) return false;
      if (await this.opts.ping()) this.succeeded();
    }
    return true;
  }
}
