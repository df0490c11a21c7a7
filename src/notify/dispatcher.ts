/**
 * The dispatcher owns delivery: it claims due outbox rows per notifier with a lease, builds the
 * message, sends it with a timeout, and marks the rows delivered, retried (jittered exponential
 * backoff, honouring Retry-After) or dead (permanent error, too many attempts, too old).
 *
 * Each notifier has its own pump, so one failing or slow channel never delays or repeats another.
 * Human channels get grouped messages: the first hit for a brand or watch item goes out at once;
 * hits for the same group within `group_window` after a send wait and go out together.
 * Machine channels (webhook, exec) get one hit per message.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../http/metrics.js';
import type { ClaimedDelivery } from '../store/outbox.js';
import type { OutboxApi } from '../store/backend.js';
import { buildHitAlert, groupAlertId } from './alert-builder.js';
import { DeliveryError, type AlertMessage, type HitAlert, type HitUpdate, type Notifier, type ProviderDefinition } from './types.js';
import type { Enrichment } from '../enrich/types.js';

export interface NotifierEntry {
  notifier: Notifier;
  def: ProviderDefinition;
  /** Messages per second for this notifier; defaults to the provider's. */
  ratePerSecond?: number;
  /** This notifier's send timeout (NotifierConfig.timeoutMs); defaults to delivery.timeout. */
  timeoutMs?: number;
}

export interface DispatcherOptions {
  outbox: OutboxApi;
  notifiers: ReadonlyMap<string, NotifierEntry>;
  delivery: Config['delivery'];
  log: Logger;
  metrics: Metrics;
  now?: () => number;
  random?: () => number;
  /** Called when hit deliveries of a notifier went dead (to raise a ctwatch.health alert elsewhere). */
  onDead?: (notifierId: string, count: number, lastError: string) => void;
  /** The latest enrichment of a hit (added to its alert); absent when enrichment is off. */
  enrichmentFor?: (hitId: number) => Enrichment | null | Promise<Enrichment | null>;
  /** Pass interval of the background loop. */
  tickMs?: number;
  /** Handles a failed pass (e.g. SQLITE_BUSY): logs, counts, alerts. Default: logged. */
  onPassError?: (notifierId: string, err: unknown) => void;
}

interface PumpState {
  busy: boolean;
  /** Not before this time (a receiver's Retry-After). */
  nextSendAt: number;
  /** Token bucket for the provider's rate: at most `ratePerSecond` sends a second, bursts up to one second's worth. */
  tokens: number;
  tokensAt: number;
  disabled: boolean;
  groupSentAt: Map<string, number>;
}

const HUMAN_CLAIM = 2000;
const MACHINE_BATCH = 64;
const MACHINE_CONCURRENCY = 4;

export class Dispatcher {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly state = new Map<string, PumpState>();
  private timer: NodeJS.Timeout | null = null;
  private readonly closing = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    for (const id of opts.notifiers.keys()) this.state.set(id, { busy: false, nextSendAt: 0, tokens: 1, tokensAt: 0, disabled: false, groupSentAt: new Map() });
  }

  /**
   * Starts the background loop. Interrupted sends from a previous run of this instance are due
   * at once. Resolves once they are released; rejects when the store does (the loop runs anyway).
   */
  async start(): Promise<void> {
    const released = this.opts.outbox.releaseLeases();
    this.timer = setInterval(() => this.kick(), this.opts.tickMs ?? 200);
    this.timer.unref();
    await released;
    this.kick();
  }

  /** Asks for a pass soon (after new hits were committed). Cheap; safe to call often. */
  nudge(): void {
    setImmediate(() => this.kick());
  }

  private kick(): void {
    if (this.stopping || this.closing.signal.aborted) return;
    for (const id of this.opts.notifiers.keys()) {
      const p = this.pump(id);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
  }

  /** One pass over every notifier, awaiting the sends (tests drive this with a fake clock). */
  async runOnce(): Promise<void> {
    await Promise.all([...this.opts.notifiers.keys()].map((id) => this.pump(id)));
  }

  private async pump(id: string): Promise<void> {
    const st = this.state.get(id)!;
    if (st.busy || st.disabled) return;
    st.busy = true;
    try {
      const entry = this.opts.notifiers.get(id)!;
      const rate = Math.max(0.001, entry.ratePerSecond ?? entry.def.ratePerSecond);
      for (let rounds = 0; rounds < 10_000 && !this.stopping && !this.closing.signal.aborted; rounds++) {
        let now = this.now();
        let wait = Math.max(st.nextSendAt - now, this.tokenWait(st, rate, now));
        if (wait > 0) {
          // Short waits are slept here; longer ones are left to a later pass.
          if (wait > 250) break;
          await sleep(wait);
          now = this.now();
          wait = Math.max(st.nextSendAt - now, this.tokenWait(st, rate, now));
          if (wait > 0) break;
        }
        const human = entry.def.audience === 'human';
        if (!human) {
          // Machine channels: claim as many as the rate allows now, send them one by one, and
          // mark the delivered ones in one transaction (one fsync per batch, not per message).
          const claimed = await this.opts.outbox.claimDue(id, now, Math.max(1, Math.min(MACHINE_BATCH, Math.floor(st.tokens))), this.opts.delivery.lease);
          if (claimed.length === 0) break;
          const delivered: number[] = [];
          // A few requests in flight at once: one slow round trip must not hold up the rest.
          let next = 0;
          const worker = async () => {
            while (next < claimed.length && !st.disabled && !this.stopping && !this.closing.signal.aborted) {
              const d = claimed[next++]!;
              // Machine channel: exactly one hit (or health/digest/test message) per send.
              const msg = await this.messageFor(id, [d]);
              if (!msg) continue;
              st.tokens -= 1;
              if (await this.deliver(id, entry, st, msg, [d], null, false)) delivered.push(d.id);
            }
          };
          await Promise.all(Array.from({ length: Math.min(MACHINE_CONCURRENCY, claimed.length) }, worker));
          if (delivered.length) await this.opts.outbox.markDelivered(delivered, this.now());
          if (st.disabled) break;
          continue;
        }
        const claimed = await this.opts.outbox.claimDue(id, now, HUMAN_CLAIM, this.opts.delivery.lease);
        if (claimed.length === 0) break;
        const message = await this.humanMessage(id, st, claimed, now);
        if (!message) continue; // everything claimed was deferred to its group window
        st.tokens -= 1;
        await this.deliver(id, entry, st, message.msg, message.rows, message.groupKey, true);
        if (st.disabled) break;
      }
    } catch (err) {
      // A pass runs from a timer: its failure (the database busy, ...) must not escape it.
      if (this.opts.onPassError) this.opts.onPassError(id, err);
      else this.opts.log.error({ err, notifier: id }, 'dispatcher pass failed');
    } finally {
      st.busy = false;
    }
  }

  /** Refills the bucket to `now`; returns how long until one token is there (0 = send now). */
  private tokenWait(st: PumpState, rate: number, now: number): number {
    const capacity = Math.max(1, rate);
    if (now > st.tokensAt) {
      st.tokens = Math.min(capacity, st.tokens + ((now - st.tokensAt) * rate) / 1000);
      st.tokensAt = now;
    }
    return st.tokens >= 1 ? 0 : Math.ceil(((1 - st.tokens) * 1000) / rate);
  }

  /** Human channel: the first due group that is outside its window goes out as one message. */
  private async humanMessage(
    notifierId: string,
    st: PumpState,
    claimed: ClaimedDelivery[],
    now: number,
  ): Promise<{ msg: AlertMessage; rows: ClaimedDelivery[]; groupKey: string | null } | null> {
    // Non-hit messages (health, digest, test) go alone, first.
    const single = claimed.find((d) => d.kind !== 'hit' || d.groupKey === null);
    const groups = new Map<string, ClaimedDelivery[]>();
    for (const d of claimed) if (d !== single && d.kind === 'hit' && d.groupKey !== null) (groups.get(d.groupKey) ?? groups.set(d.groupKey, []).get(d.groupKey)!).push(d);

    let chosen: { rows: ClaimedDelivery[]; groupKey: string | null } | null = single ? { rows: [single], groupKey: null } : null;
    for (const [key, rows] of groups) {
      const last = st.groupSentAt.get(key);
      const openAt = last === undefined ? now : last + this.opts.delivery.group_window;
      if (!chosen && openAt <= now) {
        chosen = { rows, groupKey: key };
        continue;
      }
      // Not this pass: release them to when their group may send again (no attempt counted).
      await this.opts.outbox.defer(rows.map((r) => r.id), Math.max(openAt, now));
    }
    if (!chosen) return null;
    const msg = await this.messageFor(notifierId, chosen.rows);
    if (!msg) return null;
    return { msg, rows: chosen.rows, groupKey: chosen.groupKey };
  }

  private async messageFor(notifierId: string, rows: ClaimedDelivery[]): Promise<AlertMessage | null> {
    const first = rows[0]!;
    if (first.kind === 'hit') {
      const hits: HitAlert[] = [];
      const orphans: number[] = [];
      for (const r of rows) {
        if (r.hit) hits.push(buildHitAlert(r.hit, notifierId, await this.opts.enrichmentFor?.(r.hit.id)));
        else orphans.push(r.id);
      }
      if (orphans.length) await this.opts.outbox.markDead(orphans, 'hit no longer exists');
      if (hits.length === 0) return null;
      // Machine channels: the id is the hit's (stable per hit and notifier) id.
      const id = rows.length === 1 ? hits[0]!.id : groupAlertId(first.id, rows.length);
      return { kind: 'hits', id, hits };
    }
    const id = `ctw-${first.kind}-${first.id}`;
    if (first.kind === 'update') {
      if (!first.hit) {
        await this.opts.outbox.markDead([first.id], 'hit no longer exists');
        return null;
      }
      const p = first.payload as { round: number; changes: HitUpdate['changes']; reply_to: string | null };
      const hit = buildHitAlert(first.hit, notifierId, (await this.opts.enrichmentFor?.(first.hit.id)) ?? null);
      return { kind: 'update', id, update: { hit, round: p.round, changes: p.changes, replyTo: p.reply_to } };
    }
    const payload = first.payload as Record<string, unknown>;
    if (first.kind === 'health') return { kind: 'health', id, health: payload as never };
    if (first.kind === 'digest') return { kind: 'digest', id, digest: payload as never };
    // 'test': a clearly marked sample hit.
    return { kind: 'hits', id, hits: [payload as unknown as HitAlert], test: true };
  }

  private async deliver(
    id: string,
    entry: NotifierEntry,
    st: PumpState,
    msg: AlertMessage,
    rows: ClaimedDelivery[],
    groupKey: string | null,
    markNow: boolean,
  ): Promise<boolean> {
    const ids = rows.map((r) => r.id);
    const signal = AbortSignal.any([AbortSignal.timeout(entry.timeoutMs ?? this.opts.delivery.timeout), this.closing.signal]);
    try {
      await entry.notifier.send(msg, signal);
      const now = this.now();
      if (markNow) await this.opts.outbox.markDelivered(ids, now);
      if (groupKey !== null) st.groupSentAt.set(groupKey, now);
      this.opts.metrics.deliveries.inc({ notifier: id, outcome: 'delivered' });
      return true;
    } catch (err) {
      await this.onFailure(id, st, rows, err);
      return false;
    }
  }

  private async onFailure(id: string, st: PumpState, rows: ClaimedDelivery[], err: unknown): Promise<void> {
    const now = this.now();
    const ids = rows.map((r) => r.id);
    const de = err instanceof DeliveryError ? err : null;
    const code = de?.code ?? (this.closing.signal.aborted ? 'SHUTDOWN' : (err as { name?: string })?.name === 'TimeoutError' ? 'TIMEOUT' : 'SEND_FAILED');
    const text = `${code}: ${de?.message ?? String((err as Error)?.message ?? err)}`.slice(0, 300);
    const m = this.opts.metrics;
    if (this.closing.signal.aborted && !de) {
      // Interrupted by shutdown: not an attempt; stays queued for the next start.
      await this.opts.outbox.defer(ids, now);
      return;
    }
    if (de?.disable) {
      st.disabled = true;
      const killed = await this.opts.outbox.killPending(id, text);
      m.deliveries.inc({ notifier: id, outcome: 'disabled' });
      this.opts.log.error({ notifier: id, code, dead: killed }, 'notifier endpoint asked to be disabled; its deliveries are dead');
      this.opts.onDead?.(id, killed, text);
      return;
    }
    const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
    const oldest = Math.min(...rows.map((r) => r.createdAt));
    const { max_attempts, max_age, backoff_min, backoff_max } = this.opts.delivery;
    if (de?.permanent || attempts >= max_attempts || now - oldest >= max_age) {
      await this.opts.outbox.markDead(ids, text);
      m.deliveries.inc({ notifier: id, outcome: 'dead' });
      this.opts.log.error({ notifier: id, code, attempts, deliveries: ids.length }, 'delivery failed for good');
      if (rows.some((r) => r.kind === 'hit')) this.opts.onDead?.(id, ids.length, text);
      return;
    }
    const ceiling = Math.min(backoff_max, backoff_min * 2 ** Math.min(attempts - 1, 30));
    const backoff = ceiling / 2 + (this.random() * ceiling) / 2;
    const next = now + Math.max(backoff, de?.retryAfterMs ?? 0);
    await this.opts.outbox.markRetry(ids, Math.round(next), text);
    // Nothing goes to this notifier before the receiver's Retry-After has passed.
    if (de?.retryAfterMs) st.nextSendAt = Math.max(st.nextSendAt, now + de.retryAfterMs);
    m.deliveries.inc({ notifier: id, outcome: 'retry' });
    this.opts.log.warn({ notifier: id, code, attempts, retryInMs: Math.round(next - now) }, 'delivery failed; will retry');
  }

  /** Stops claiming; waits up to `deadlineMs` for sends in flight, then aborts them (they stay queued). Idempotent. */
  async close(deadlineMs = 3_000): Promise<void> {
    // From now on nothing new is claimed; only sends already in flight are awaited. What is
    // still due stays in the outbox for the next start.
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const all = Promise.all([...this.inflight]);
    const timedOut = await Promise.race([all.then(() => false), sleep(deadlineMs).then(() => true)]);
    if (timedOut) {
      this.closing.abort();
      await Promise.race([all, sleep(1_000)]);
    }
    this.closing.abort();
    for (const { notifier } of this.opts.notifiers.values()) await notifier.close?.().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
