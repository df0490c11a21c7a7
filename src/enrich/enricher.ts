/**
 * The enrichment worker. Fed after a commit (never on the ingest path: `submit` only schedules
 * work for a later turn of the event loop), it looks up each new hit's names (DNS, RDAP, web),
 * stores the result with its history, lets the hit's held alerts go, and re-checks open hits at
 * the configured times, queueing ONE update alert per re-check that finds a change.
 *
 * Bounded: at most `concurrency` hits at once, at most `max_queue` waiting (the oldest
 * lowest-severity job is dropped first, counted), results cached per registrable domain / name.
 */
import { getDomain } from 'tldts';
import type { Logger } from '../log/logger.js';
import type { EnrichmentStore } from '../store/enrichment-store.js';
import type { HitRow } from '../store/types.js';
import { groupAlertId, hitAlertId } from '../notify/alert-builder.js';
import { assess, changesBetween, type BrandFavicons } from './assess.js';
import type { EnrichConfig } from './config-schema.js';
import { resolves, type DnsLookup } from './dns.js';
import type { EnrichMetrics } from './metrics.js';
import { EnrichQueue, type EnrichJob } from './queue.js';
import type { RdapClient } from './rdap.js';
import type { DnsRecord, Enrichment, RegistrationRecord, WebRecord } from './types.js';
import type { WebFetcher } from './web.js';

export interface EnricherOptions {
  config: EnrichConfig;
  store: EnrichmentStore;
  log: Logger;
  metrics: EnrichMetrics;
  dns: DnsLookup;
  rdap: RdapClient;
  web: WebFetcher;
  /** Brand name and keywords of a hit's brand (for "title names the brand"). */
  brandTerms(brand: string | null): string[];
  /** The favicon hashes of a hit's brand (brands[].favicons), or null. */
  brandFavicons?(brand: string | null): BrandFavicons | null;
  /** Called after alerts were released or update alerts queued (e.g. dispatcher.nudge). */
  onOutbox(): void;
  now?: () => number;
  /** How often due re-checks are looked for (default 30 s). */
  tickMs?: number;
  /**
   * Handles a failure of work run from a timer or a later turn (claiming due re-checks writes the
   * database: SQLITE_BUSY or an unreachable PostgreSQL must not escape and exit the daemon; the
   * restart look-up of start()). Default: logged.
   */
  onTimerError?: (err: unknown) => void;
}

/** Payload of an 'update' delivery (see notify/ HitUpdate). */
export interface UpdatePayload {
  round: number;
  changes: { code: string; text: string }[];
  /** The message id of the original alert on this notifier, for threading; null when unknown. */
  reply_to: string | null;
}

const CACHE_MAX = 10_000;
/** A claimed re-check is not claimed again for this long (a crash mid-job retries it then). */
const RECHECK_LEASE_MS = 10 * 60_000;

class TtlCache<T> {
  private readonly map = new Map<string, { at: number; value: Promise<T> }>();
  constructor(private readonly ttlMs: number, private readonly now: () => number) {}
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.map.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    if (this.map.size >= CACHE_MAX) this.map.delete(this.map.keys().next().value!);
    const value = load();
    this.map.delete(key);
    this.map.set(key, { at: this.now(), value });
    return value;
  }
}

export class Enricher {
  private readonly now: () => number;
  private readonly queue: EnrichQueue;
  private readonly rdapCache;
  private readonly dnsCache;
  private readonly webCache;
  private active = 0;
  private pendingSubmits = 0;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly opts: EnricherOptions) {
    this.now = opts.now ?? Date.now;
    this.queue = new EnrichQueue(opts.config.max_queue);
    const ttl = opts.config.cache_ttl;
    this.rdapCache = new TtlCache<RegistrationRecord>(ttl, this.now);
    this.dnsCache = new TtlCache<DnsRecord>(ttl, this.now);
    this.webCache = new TtlCache<WebRecord>(ttl, this.now);
  }

  /**
   * Starts the re-check timer and picks up first looks a restart interrupted. Returns at once: the
   * look-up of those runs meanwhile (idle() waits for it; a failure goes to onTimerError).
   */
  start(): void {
    const first = this.opts.config.recheck[0] ?? 3_600_000;
    this.pendingSubmits++;
    void this.guarded(async () => {
      try {
        const lost = await this.opts.store.unenriched(this.now() - first, 1_000);
        if (lost.length) this.submit(lost);
      } finally {
        this.pendingSubmits--;
        this.pump();
      }
    });
    this.timer = setInterval(() => void this.guarded(() => this.tick()), this.opts.tickMs ?? 30_000);
    this.timer.unref();
  }

  /** Queues the first look at new hits. Returns at once; the work starts on a later turn. */
  submit(hitIds: readonly number[]): void {
    if (this.closed || hitIds.length === 0) return;
    this.pendingSubmits++;
    setImmediate(() => {
      if (this.closed) {
        this.pendingSubmits--;
        return;
      }
      void this.guarded(async () => {
        try {
          for (const id of hitIds) {
            const hit = await this.opts.store.hit(id);
            // Closing: the queue was emptied; first looks are picked up at the next start.
            if (this.closed) return;
            if (!hit || hit.suppressed) continue;
            await this.enqueue({ hitId: id, round: 0, severity: hit.severity });
          }
        } finally {
          // Counted until its hits are queued, so idle() cannot resolve in between.
          this.pendingSubmits--;
          this.pump();
        }
      });
    });
  }

  /**
   * Runs work started by a timer or a later turn; a failure goes to onTimerError (or the log),
   * never out of it. The returned promise always resolves.
   */
  private async guarded(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (this.opts.onTimerError) this.opts.onTimerError(err);
      else this.opts.log.error({ module: 'enrich', err }, 'enrichment timer work failed');
    }
  }

  /** Queues the re-checks that are due now. Resolves with how many were claimed; rejects when the store fails. */
  async tick(): Promise<number> {
    if (this.closed) return 0;
    const due = await this.opts.store.claimDue(this.now(), 200, RECHECK_LEASE_MS);
    for (const d of due) {
      const hit = await this.opts.store.hit(d.hitId);
      // Closing: claimed re-checks are claimed again when their lease ends.
      if (this.closed) return due.length;
      if (hit) await this.enqueue({ hitId: d.hitId, round: d.round, severity: hit.severity });
    }
    this.pump();
    return due.length;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops taking work; waits up to `deadlineMs` for jobs in flight. Idempotent. */
  async close(deadlineMs = 2_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.queue.shift()) {
      // Dropped: the re-check schedule is in the store; first looks are picked up at the next start.
    }
    await Promise.race([Promise.all([...this.running]), new Promise((r) => setTimeout(r, deadlineMs).unref())]);
    this.opts.dns.cancel();
  }

  private isIdle(): boolean {
    return this.active === 0 && this.queue.length === 0 && this.pendingSubmits === 0;
  }

  /** Queues `job` at once; resolves when the alerts of a job dropped for it are released. */
  private async enqueue(job: EnrichJob): Promise<void> {
    const dropped = this.queue.push(job);
    this.opts.metrics.queueDepth.set(this.queue.length);
    if (dropped) {
      this.opts.metrics.dropped.inc({ severity: dropped.severity });
      // Its alerts must not wait for an enrichment that will not come.
      if (dropped.round === 0 && (await this.opts.store.releaseAlerts(dropped.hitId, this.now())) > 0) this.opts.onOutbox();
    }
  }

  private pump(): void {
    while (!this.closed && this.active < this.opts.config.concurrency) {
      const job = this.queue.shift();
      if (!job) break;
      this.opts.metrics.queueDepth.set(this.queue.length);
      this.active++;
      const p = this.run(job).finally(() => {
        this.active--;
        this.running.delete(p);
        this.pump();
        if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
      });
      this.running.add(p);
    }
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(job: EnrichJob): Promise<void> {
    const round = job.round === 0 ? 'first' : 'recheck';
    try {
      const hit = await this.opts.store.hit(job.hitId);
      if (!hit) return;
      const e = await this.enrich(hit, job.round);
      // Closing: the store may be gone. A re-check is claimed again when its lease ends; a first
      // look is redone at the next start (start() → unenriched).
      if (this.closed) return;
      // Re-checks are timed from the first look (a replayed hit may carry an old first sighting).
      const offsets = this.opts.config.recheck;
      const earlier = job.round > 0 ? await this.opts.store.history(hit.id, 100) : [];
      const firstLook = job.round === 0 ? this.now() : Date.parse(earlier.at(-1)?.checked_at ?? '') || this.now();
      const next = job.round < offsets.length ? { round: job.round + 1, dueAt: firstLook + offsets[job.round]! } : null;
      // A first look that finishes after the hold ran out: the alerts already out went without it.
      // Read just before the save, both called in one synchronous run (no await in between): on
      // SQLite both happen at the call, so any alert built later carries the enrichment; on
      // PostgreSQL the read is sent first, ahead of the save's several round trips.
      const outP = job.round === 0 ? this.opts.store.alertsOut(hit.id) : Promise.resolve([]);
      const savedP = this.opts.store.save(hit.id, e, next);
      const [wentWithout] = await Promise.all([outP, savedP]);
      let outbox = job.round === 0 && (await this.opts.store.releaseAlerts(hit.id, this.now())) > 0;
      if (earlier.length) outbox = (await this.queueUpdate(hit, earlier, e)) || outbox;
      // Late first look: one update (round 0) with everything notable, to those notifiers only.
      else if (wentWithout.length) outbox = (await this.queueUpdate(hit, [], e, new Set(wentWithout))) || outbox;
      if (outbox) this.opts.onOutbox();
      this.opts.metrics.jobs.inc({ round, outcome: 'done' });
    } catch (err) {
      this.opts.metrics.jobs.inc({ round, outcome: 'failed' });
      if (this.closed) return;
      this.opts.log.warn({ err, hit_id: job.hitId, round: job.round }, 'enrichment failed');
      try {
        if (job.round === 0 && (await this.opts.store.releaseAlerts(job.hitId, this.now())) > 0) this.opts.onOutbox();
      } catch {
        // The store is unusable: the alert's hold runs out by itself.
      }
    }
  }

  /**
   * One update alert per notifier the hit's alert went to (only those in `only` when given), when
   * `next` shows a state `earlier` never did (with `earlier` empty: anything notable at all).
   */
  private async queueUpdate(hit: HitRow, earlier: readonly Enrichment[], next: Enrichment, only?: ReadonlySet<string>): Promise<boolean> {
    const changes = changesBetween(earlier, next, this.opts.brandTerms(hit.brand), this.opts.brandFavicons?.(hit.brand));
    if (!changes.length) return false;
    const payloads = new Map<string, UpdatePayload>();
    for (const s of await this.opts.store.sentAlerts(hit.id)) {
      if (payloads.has(s.notifierId) || (only && !only.has(s.notifierId))) continue;
      const replyTo = s.message === null ? null : s.message.count === 1 ? hitAlertId(hit.id, s.notifierId) : groupAlertId(s.message.firstDeliveryId, s.message.count);
      payloads.set(s.notifierId, { round: next.round, changes: changes.map((c) => ({ code: c.code, text: c.text })), reply_to: replyTo });
    }
    if (!payloads.size) return false;
    await this.opts.store.queueUpdates(hit.id, payloads, this.now());
    this.opts.metrics.updates.inc(payloads.size);
    return true;
  }

  /** Looks the hit's names up. Never throws for network failures (they are in the records). */
  private async enrich(hit: HitRow, round: number): Promise<Enrichment> {
    const c = this.opts.config;
    const m = this.opts.metrics;
    const matched = hit.name.replace(/^\*\./, '').toLowerCase();
    const registrable = hit.registrable ?? getDomain(matched) ?? null;
    const names = [...new Set([matched, ...(registrable ? [registrable] : [])])].slice(0, c.max_names);
    const [registration, dns] = await Promise.all([
      c.rdap && registrable ? this.rdapCache.get(registrable, () => this.opts.rdap.lookup(registrable)) : Promise.resolve(null),
      c.dns ? Promise.all(names.map((n) => this.dnsCache.get(n, () => this.opts.dns.lookup(n)))) : Promise.resolve(null),
    ]);
    if (registration) m.lookups.inc({ check: 'rdap', result: registration.status });
    for (const d of dns ?? []) m.lookups.inc({ check: 'dns', result: d.status });
    let web: WebRecord[] | null = null;
    if (c.web) {
      web = await Promise.all(
        names.map((n, i) => {
          const d = dns?.[i];
          // DNS already says there is nothing to connect to: no second look-up.
          if (d && !resolves(d) && d.status !== 'timeout' && d.status !== 'servfail' && d.status !== 'error') return Promise.resolve(unresolved(n));
          return this.webCache.get(`${n} ${hit.sha256 ?? ''}`, () => this.opts.web.fetchName(n, hit.sha256));
        }),
      );
      for (const w of web) m.lookups.inc({ check: 'web', result: w.status });
    }
    const signals = { registration, dns, web };
    const a = assess(hit.severity, signals, this.opts.brandTerms(hit.brand), this.opts.brandFavicons?.(hit.brand));
    return {
      checked_at: new Date(this.now()).toISOString(),
      round,
      registrable,
      ...signals,
      severity: a.severity,
      base_severity: hit.severity,
      reasons: a.reasons,
    };
  }
}

function unresolved(name: string): WebRecord {
  return { url: `https://${name}/`, status: 'unresolved', http_status: null, final_url: null, title: null, server: null, address: null, redirects: 0, cert_sha256: null, cert_matches_hit: null, error: 'name does not resolve', favicon_url: null, favicon_sha256: null };
}
