/**
 * Whether the store answers: the state behind `/readyz` (503 with the reason while down) and the
 * `store.unavailable` / recovery health events (one each per outage), plus the backoff between
 * attempts while the database is away (jittered, so a fleet of instances does not redial in
 * lockstep). The daemon feeds it every store call's outcome (withAvailability), pings an idle
 * store (probeAvailability) and waits on `waitUntilUp` before retrying held-back work.
 */
import { Backoff } from '../feed/backoff.js';
import { StoreError, type StoreBackend } from './backend.js';

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

  /** A store call succeeded: ends an outage (once) and wakes every waitUntilUp. */
  succeeded(): void {
    if (this.current.up) return;
    this.current = { up: true, since: this.now(), reason: null, outages: this.current.outages };
    for (const wake of this.waiters.splice(0)) wake(true);
    this.opts.onChange?.(this.state);
  }

  private readonly waiters: ((up: boolean) => void)[] = [];
  private probing = false;

  /**
   * Resolves true at once while up; otherwise once the store answers again: found by one shared
   * probe loop (pings with backoff) or by any other store call that succeeds meanwhile, whichever
   * comes first. Resolves false when `signal` aborts first (the state stays down).
   */
  waitUntilUp(signal?: AbortSignal): Promise<boolean> {
    if (this.current.up) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    const woken = new Promise<boolean>((resolve) => {
      const done = (up: boolean) => {
        signal?.removeEventListener('abort', abort);
        resolve(up);
      };
      const abort = () => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        done(false);
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', abort, { once: true });
    });
    this.probe();
    return woken;
  }

  /** Starts the probe loop unless it runs: pings with backoff while down and someone waits. */
  private probe(): void {
    if (this.probing) return;
    this.probing = true;
    const sleep = this.opts.sleep ?? defaultSleep;
    void (async () => {
      try {
        while (!this.current.up && this.waiters.length > 0) {
          await sleep(this.backoff.next());
          if (this.current.up || this.waiters.length === 0) break;
          if (await this.opts.ping().catch(() => false)) this.succeeded();
        }
      } finally {
        // In the same tick as the loop's end: a wait that starts right after starts a new loop.
        this.probing = false;
      }
    })();
  }
}

/**
 * Pings the store every `intervalMs` while it is up (an idle instance notices an outage too) and,
 * while it is down, probes with backoff (waitUntilUp) until it answers. Returns a stop function.
 * Never throws from its timer.
 */
export function probeAvailability(av: StoreAvailability, ping: () => Promise<boolean>, intervalMs = 2_000): () => void {
  const stop = new AbortController();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const round = av.state.up
      ? ping().then((ok) => {
          if (!ok) av.failed(new StoreError('STORE_UNAVAILABLE', 'the store does not answer'));
        })
      : av.waitUntilUp(stop.signal).then(() => undefined);
    round.catch(() => undefined).finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    stop.abort();
  };
}

/**
 * The backend with every call's outcome fed to `av`: a call rejecting with STORE_UNAVAILABLE
 * starts an outage, any call that resolves ends it. Same methods and behaviour otherwise
 * (results and errors pass through unchanged).
 */
export function withAvailability(backend: StoreBackend, av: StoreAvailability): StoreBackend {
  return {
    kind: backend.kind,
    instanceId: backend.instanceId,
    hits: watched(backend.hits, av),
    outbox: watched(backend.outbox, av),
    positions: watched(backend.positions, av),
    leases: watched(backend.leases, av),
    dashboard: watched(backend.dashboard, av),
    enrichment: watched(backend.enrichment, av),
    ctlog: watched(backend.ctlog, av),
    prune: watched({ prune: backend.prune }, av).prune,
    ping: () => backend.ping(),
    close: () => backend.close(),
  };
}

/**
 * A plain object with `api`'s methods (own and inherited: class instances keep them on the
 * prototype), each reporting the outcome of the promise it returns to `av`.
 */
function watched<T extends object>(api: T, av: StoreAvailability): T {
  const out: Record<string, unknown> = {};
  for (let p: object | null = api; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const key of Object.getOwnPropertyNames(p)) {
      const fn = (api as Record<string, unknown>)[key];
      if (key === 'constructor' || key in out || typeof fn !== 'function') continue;
      out[key] = (...args: unknown[]) => {
        const r = (fn as (...a: unknown[]) => unknown).apply(api, args);
        if (!(r instanceof Promise)) return r;
        return r.then(
          (v) => (av.succeeded(), v),
          (err: unknown) => {
            av.failed(err);
            throw err;
          },
        );
      };
    }
  }
  return out as T;
}
