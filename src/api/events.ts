/**
 * Live new hits for the dashboard (Server-Sent Events). The pipeline calls `publish` with the
 * ids of hits it has just committed; every connected client gets `event: hit` with the HitJson.
 * A comment line (`: ping`) every `pingMs` keeps proxies and the browser from timing out.
 * At most `maxClients` streams at once (others get 503); `close` ends every stream (shutdown).
 */
import type { ServerResponse } from 'node:http';
import type { DashboardQueries } from '../store/dashboard.js';
import { hitJson } from './hit-json.js';

export interface HitEventsOptions {
  maxClients?: number;
  pingMs?: number;
  onError?: (err: unknown) => void;
}

export class HitEvents {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly maxClients: number;
  private readonly pingMs: number;

  /** `queries`: where published ids are read from. */
  constructor(
    private readonly queries: DashboardQueries,
    private readonly opts: HitEventsOptions = {},
  ) {
    this.maxClients = opts.maxClients ?? 16;
    this.pingMs = opts.pingMs ?? 15_000;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Adds a stream (headers already written by the caller). Returns false when full or closed. */
  add(res: ServerResponse): boolean {
    if (this.closed || this.clients.size >= this.maxClients) return false;
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    // A client gone mid-write is not an error worth more than dropping it.
    res.on('error', () => this.clients.delete(res));
    if (!this.timer) {
      this.timer = setInterval(() => this.write(': ping\n\n'), this.pingMs);
      this.timer.unref();
    }
    return true;
  }

  /** Sends the hits with these ids to every client. Never throws (the pipeline calls it). */
  publish(hitIds: readonly number[]): void {
    if (hitIds.length === 0 || this.clients.size === 0) return;
    this.queries.getHits(hitIds).then(
      (hits) => {
        for (const h of hits) this.write(`event: hit\nid: ${h.id}\ndata: ${JSON.stringify(hitJson(h))}\n\n`);
      },
      (err) => this.opts.onError?.(err),
    );
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    }
  }

  /** Ends every stream and refuses new ones. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
