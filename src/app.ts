/**
 * The one place that wires the stages together:
 *   sources (feed/) → intake queue → processor (cert/ + match/) → store/ → dispatcher (notify/)
 *   plus health tracking, HTTP (http/) and scheduled jobs (jobs/).
 * Start order is acquisition order; close runs in reverse (see Lifecycle).
 */
import { compileMatcher } from './match/index.js';
import type { LoadedConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import type { Logger } from './log/logger.js';
import { Lifecycle } from './lifecycle.js';
import { Metrics } from './http/metrics.js';
import type { HttpServer, ReadinessCheck } from './http/server.js';
import type { Store } from './store/index.js';
import { openSelectedStore } from './store/open-backend.js';
import { isStoreUnavailable, isTransientStoreError, LEADER_LEASE, type StoreBackend } from './store/backend.js';
import { probeAvailability, StoreAvailability, withAvailability } from './store/availability.js';
import { HealthBacklog } from './notify/health-backlog.js';
import { refreshAllowList } from './jobs/allow-refresh.js';
import path from 'node:path';
import { getProvider } from './notify/registry.js';
import { Dispatcher, type NotifierEntry } from './notify/dispatcher.js';
import { DeadDeliveryAlerts } from './notify/dead-alerts.js';
import { BackgroundErrors } from './jobs/background-errors.js';
import { allRoutedNotifiers, compileRoutes } from './notify/routing.js';
import type { HealthEvent } from './notify/types.js';
import { secrets } from './log/secrets.js';
import { Processor, type ProcessorRules } from './pipeline/processor.js';
import { Intake } from './feed/intake.js';
import { createTextHandler } from './feed/certstream-text.js';
import { CertstreamClient } from './feed/certstream-client.js';
import { ReplaySource } from './feed/replay-source.js';
import { CtLogFeed } from './feed/ctlog-feed.js';
import { FeedHealth } from './feed/health.js';
import { GapTracker } from './feed/gap-tracker.js';
import { RecentKeys } from './feed/dedup.js';
import { LogRateLimiter } from './log/rate-limit.js';
import type { FeedObserver } from './feed/observer.js';
import type { CertEvent, Source } from './feed/types.js';
import type { Severity } from './match/types.js';
import { Scheduler } from './jobs/scheduler.js';
import os from 'node:os';
import { ParsePool } from './pipeline/parse-pool.js';
import { queueDigests, ruleFiringsSince } from './jobs/digest.js';
import { resolveDashboardToken } from './http/token.js';
import { apiRoutes } from './api/routes.js';
import { HitEvents } from './api/events.js';
import { ctLogRateKey } from './api/feeds.js';
import { FeedRates } from './feed/rates.js';
import { createEnrichment, type EnrichmentService } from './enrich/index.js';
import { brandFaviconsFrom, brandTermsFrom } from './enrich/assess.js';

/** How often the allow list is re-read from the store (another instance or the CLI may change it). */
const ALLOW_REFRESH_MS = 15_000;
/** The leader lease (scheduled jobs, shared-store alerts): held this long after each use. */
const LEADER_TTL_MS = 60_000;
/**
 * A CT log's lease: renewed every third of it; a dead instance's logs are read again by another
 * within about this plus one renewal period (15 + 5 s, well inside the 30 s promised).
 */
const CTLOG_LEASE_TTL_MS = 15_000;

/** The /readyz database check: down while the store is unavailable, with the reason. */
function databaseCheck(st: { up: boolean; reason: string | null }, sqlite: Store | null): ReadinessCheck {
  if (!st.up) return { name: 'database', ok: false, detail: `store unavailable: ${st.reason ?? 'no answer'}` };
  // SQLite answers synchronously: a closed or broken file shows at once.
  if (sqlite && !sqlite.ping()) return { name: 'database', ok: false, detail: 'database does not answer' };
  return { name: 'database', ok: true, detail: undefined };
}

/** Queue depth below which candidates are parsed on the main thread (one intake batch). */
const INLINE_PARSE_BELOW_DEPTH = 256;

export interface AppOptions {
  log: Logger;
  /** Called once when a replay file has been fully processed. */
  onReplayDone?: (count: number) => void;
  /** Injected clock for tests. */
  now?: () => number;
  /** Injected fetch for the CT-log source (tests). */
  fetch?: typeof fetch;
  /**
   * Tests and benchmarks only: called with each batch just before it is processed (to record
   * what was processed, or to make processing artificially slow for overload tests).
   */
  beforeProcess?: (batch: readonly CertEvent[]) => void;
  /** Tests only: the ports the enrichment web check uses for https://name/ and http://name/. */
  enrichWebPorts?: { https: number; http: number };
}

export interface App {
  /** The store every part uses (SQLite or PostgreSQL), each call's outcome feeding the store's availability. */
  backend: StoreBackend;
  /** The SQLite store behind `backend` (tests and tools read it directly); null on PostgreSQL. */
  store: Store | null;
  metrics: Metrics;
  http: HttpServer;
  dispatcher: Dispatcher;
  /** The enrichment worker, or null when enrich.enabled is false. */
  enrichment: EnrichmentService | null;
  /** Re-validated config swapped in atomically; returns the keys that need a restart to apply. */
  reload(next: LoadedConfig): { restartNeeded: string[] };
  /** Resolves when everything received so far is committed. */
  drained(): Promise<void>;
  /** Graceful stop: readiness 503 at once, feed closed, received work committed, db closed. Idempotent. */
  close(deadlineMs?: number): Promise<void>;
}

export function compileRules(loaded: LoadedConfig, extraAllow: readonly string[] = []): ProcessorRules {
  const c = loaded.config;
  const matcher = compileMatcher({ watch: [...c.watch], brands: [...c.brands], allow: [...c.allow, ...extraAllow], detection: c.detection });
  return {
    matcher,
    route: compileRoutes(c.routes),
    watchIssuers: new Map(c.watch.map((w) => [w.domain, w.issuers])),
  };
}

export async function startApp(loaded: LoadedConfig, opts: AppOptions): Promise<App> {
  const log = opts.log;
  const cfg = loaded.config;
  const life = new Lifecycle(log);
  const metrics = new Metrics();
  let current: LoadedConfig = loaded;

  try {
    // 1. Storage: SQLite (store.path) or the shared PostgreSQL store (store.url).
    // With enrichment on, new alerts wait up to enrich.hold_alerts for it (released when it is done).
    const opened = await openSelectedStore({
      ...(cfg.store.url ? { url: cfg.store.url } : { path: cfg.store.path }),
      realertAfterMs: cfg.store.realert_after,
      now: opts.now,
      alertDelayMs: cfg.enrich.enabled ? cfg.enrich.hold_alerts : 0,
      onIdleError: (err) => log.debug({ module: 'store', err: err.message }, 'idle database connection lost'),
    });
    life.add('store', () => opened.backend.close());
    // Every call's outcome tells whether the store answers: /readyz and the store.* health events.
    const availability = new StoreAvailability({
      ping: () => opened.backend.ping(),
      onChange: (st) => {
        if (st.up) {
          raiseHealth('store.recovered', 'low', `the store answers again after ${Math.round((st.since - outageStart) / 1000)} s; processing resumed`, { instance: opened.backend.instanceId, down_for_seconds: Math.round((st.since - outageStart) / 1000) }, undefined, true);
          return;
        }
        outageStart = st.since;
        raiseHealth('store.unavailable', 'high', `the store is unavailable (${st.reason}): CT-log reading is paused and CertStream intake is bounded until it answers`, { instance: opened.backend.instanceId, reason: st.reason }, undefined, true);
        // Keep reading the sockets: what the full queue cannot hold is dropped and counted
        // (store_unavailable) instead of stalling the connection until the server drops it.
        for (const s of sources) if (s instanceof CertstreamClient) s.resume();
      },
    });
    let outageStart = 0;
    const store = withAvailability(opened.backend, availability);
    life.add('store-probe', probeAvailability(availability, () => opened.backend.ping()));
    const multiInstance = store.kind === 'postgres';
    // Aborted first thing on close: work waiting for an unavailable store gives up.
    const stopping = new AbortController();

    // 2. Rules (config allow list plus `ctwatch allow add` entries, seen by every instance).
    let allowFromStore = await store.hits.listAllow();
    let rules = compileRules(loaded, allowFromStore);
    life.add(
      'allow-refresh',
      refreshAllowList({
        read: () => store.hits.listAllow(),
        initial: allowFromStore,
        onChange: (allow) => {
          rules = compileRules(current, allow);
          allowFromStore = allow;
          log.info({ module: 'app', allow: allow.length }, 'allow list changed in the store; rules recompiled');
        },
        onError: (err) => reportBackground('allow-list', err),
        storeUp: () => availability.state.up,
        everyMs: ALLOW_REFRESH_MS,
      }),
    );

    // Work run from timers never throws out of them: caught, logged, counted, alerted (task.failed).
    const background = new BackgroundErrors({
      log,
      count: (task) => metrics.backgroundErrors.inc({ task }),
      raise: (a) => raiseHealth('task.failed', 'high', `background task "${a.task}" failed ${a.count} time(s); last: ${a.lastError}`, { task: a.task, count: a.count, last_error: a.lastError }),
    });
    life.add('background-errors', () => background.close());
    // A store outage has its own alert (store.unavailable): its failures are not task failures.
    const reportBackground = (task: string, err: unknown) => {
      if (!isStoreUnavailable(err)) background.report(task, err);
    };
    // Health alerts wait here while the store cannot take them, and go when it can.
    const healthBacklog = new HealthBacklog({
      enqueue: (targets, payload) => store.outbox.enqueue('health', targets, payload),
      onQueued: () => dispatcher.nudge(),
      onError: (err) => reportBackground('health', err),
      isTransient: isTransientStoreError,
    });
    life.add('health-backlog', () => healthBacklog.close());

    // 3. Notifiers and the dispatcher.
    const notifiers = new Map<string, NotifierEntry>();
    for (const n of loaded.notifiers) {
      const def = getProvider(n.type)!;
      notifiers.set(n.id, { def, ratePerSecond: n.ratePerSecond, timeoutMs: n.timeoutMs, notifier: def.create(n.id, n.options, { addSecret: (v) => secrets.add(v), now: opts.now }) });
    }
    const dispatcher = new Dispatcher({
      outbox: store.outbox,
      notifiers,
      delivery: cfg.delivery,
      log: log.child({ module: 'dispatcher' }),
      metrics,
      now: opts.now,
      enrichmentFor: (hitId) => store.enrichment.enrichmentFor(hitId),
      onDead: (notifierId, count, lastError) => deadAlerts.dead(notifierId, count, lastError),
      onPassError: (_notifierId, err) => reportBackground('dispatcher', err),
    });
    // At most one delivery.dead alert per failing notifier per group_window, with counts.
    const deadAlerts = new DeadDeliveryAlerts({
      windowMs: Math.max(1_000, cfg.delivery.group_window),
      now: opts.now,
      raise: (a) =>
        raiseHealth(
          'delivery.dead',
          'high',
          `${a.count} ${a.count === 1 ? 'delivery' : 'deliveries'} to notifier "${a.notifierId}" failed for good${a.summary ? ' since the last alert' : ''}`,
          { notifier: a.notifierId, count: a.count, last_error: a.lastError, window_seconds: Math.round(Math.max(1_000, cfg.delivery.group_window) / 1000) },
          a.notifierId,
        ),
    });
    await dispatcher.start();
    // In-flight sends get what is left of the shutdown deadline (minus the 1 s abort grace); unsent ones stay queued.
    life.add('dispatcher', (leftMs) => dispatcher.close(Math.min(3_000, Math.max(100, leftMs - 1_200))));
    life.add('dead-alerts', () => deadAlerts.close());

    // 3a. Enrichment (DNS, RDAP, web) of committed hits, off the ingest path.
    const enrichment = cfg.enrich.enabled
      ? createEnrichment(cfg.enrich, {
          store: store.enrichment,
          log: log.child({ module: 'enrich' }),
          registry: metrics.registry,
          brandTerms: (brand) => brandTermsFrom(current.config.brands)(brand),
          brandFavicons: (brand) => brandFaviconsFrom(current.config.brands)(brand),
          onOutbox: () => dispatcher.nudge(),
          now: opts.now,
          webPorts: opts.enrichWebPorts,
          onTimerError: (err) => background.report('enrich', err),
        })
      : null;
    if (enrichment) {
      enrichment.start();
      life.add('enrich', (leftMs) => enrichment.close(Math.min(2_000, Math.max(100, leftMs - 1_500))));
    }

    // 3b. Scheduled jobs: retention and the digest.
    const scheduler = new Scheduler(log.child({ module: 'jobs' }), (job, err) => reportBackground(`job:${job}`, err));
    const startedAt = Date.now();
    const r = cfg.retention;
    // Several instances: the jobs run on the one holding the leader lease.
    const isLeader = () => (multiInstance ? store.leases.acquire(LEADER_LEASE, LEADER_TTL_MS) : Promise.resolve(true));
    scheduler.add('retention', r.cron, async () => {
      if (!(await isLeader())) return;
      const pruned = await store.prune({ sightingsMs: r.sightings, inventoryMs: r.inventory, hitsMs: r.hits });
      log.info({ module: 'jobs', job: 'retention', ...pruned }, 'pruned old rows');
    });
    if (cfg.digest) {
      const d = cfg.digest;
      let lastDigestAt = Date.now() - 86_400_000;
      let firingsAtLastDigest = new Map<string, number>();
      scheduler.add(
        'digest',
        d.cron,
        async () => {
          if (!(await isLeader())) return;
          const to = Date.now();
          const sum = (c: { get(): Promise<{ values: { value: number }[] }> }) => c.get().then((v) => v.values.reduce((n, x) => n + x.value, 0));
          const [reconnects, gapCount, dropped] = await Promise.all([sum(metrics.reconnects), sum(metrics.gaps), sum(metrics.dropped)]);
          const firings = ruleFiringsSince(metrics, firingsAtLastDigest);
          const n = await queueDigests(store, current.config.routes, lastDigestAt, to, { uptimeSeconds: Math.round((to - startedAt) / 1000), reconnects, gaps: gapCount, dropped }, d.max_names, firings.counts);
          firingsAtLastDigest = firings.now;
          lastDigestAt = to;
          if (n) dispatcher.nudge();
        },
        d.timezone,
      );
    }
    life.add('jobs', () => scheduler.close());

    /**
     * Queues a health alert, now or (the store unavailable) as soon as it answers. Never throws
     * (it runs from timers); always true (held alerts are not lost while the process runs).
     * `leaderOnly`: about the shared store, which every instance sees fail; the instance holding
     * the leader lease when it is queued reports it, the others drop theirs.
     */
    function raiseHealth(event: string, severity: Severity, summary: string, details: HealthEvent['details'], exceptNotifier?: string, leaderOnly = false): boolean {
      const targets = allRoutedNotifiers(current.config.routes).filter((n) => n !== exceptNotifier && notifiers.has(n));
      const payload: HealthEvent = { event, severity, summary, details, at: new Date((opts.now ?? Date.now)()).toISOString() };
      log.warn({ module: 'health', event, ...details }, summary);
      if (targets.length === 0) return true;
      healthBacklog.add({ targets, payload, ...(leaderOnly && multiInstance ? { gate: isLeader } : {}) });
      return true;
    }

    // 4. Processing: full parses of candidates in worker threads beside this one.
    const parseWorkers = cfg.performance.parse_workers ?? Math.min(2, Math.max(0, os.availableParallelism() - 1));
    const parsePool = parseWorkers > 0 ? new ParsePool(parseWorkers) : undefined;
    if (parsePool) life.add('parse-pool', () => parsePool.close());
    const feedLog = log.child({ module: 'feed' });
    const processor = new Processor({
      hits: store.hits,
      // CertStream batches wait for an unavailable store (the intake queue fills, then drops and counts).
      retryCommit: (err) => (isStoreUnavailable(err) ? availability.waitUntilUp(stopping.signal) : Promise.resolve(false)),
      metrics,
      log: log.child({ module: 'pipeline' }),
      rules: () => rules,
      maxNames: cfg.feed.max_names,
      parsePool,
      onCommitted: (r) => {
        if (r.deliveries > 0) dispatcher.nudge();
        hitEvents.publish(r.hitIds);
        if (enrichment && r.hitIds.length) enrichment.submit(r.hitIds);
      },
    });
    const intake: Intake = new Intake({
      maxQueue: cfg.feed.max_queue,
      maxQueueBytes: cfg.feed.max_queue_bytes,
      process: (batch) => {
        opts.beforeProcess?.(batch);
        // Less than one batch left queued: no backlog, so candidates are parsed here.
        return processor.processBatch(batch, undefined, intake.depth < INLINE_PARSE_BELOW_DEPTH);
      },
      // Declared below; only called once events flow, after everything is wired.
      onDrop: (reason, ev) => observer.dropped(ev.source, reason, { logUrl: ev.logUrl, index: ev.index }),
      onDepth: (d) => metrics.queueDepth.set(d),
      // Behind: stop reading the CertStream sockets until the queue is down to a quarter.
      onPressure: (pressed) => {
        if (pressed && !availability.state.up) return; // see the store's onChange
        metrics.backpressure.inc({ state: pressed ? 'paused' : 'resumed' });
        for (const s of sources) if (s instanceof CertstreamClient) (pressed ? s.pause() : s.resume());
      },
    });

    // 5. Feed health (readiness and the stale-feed alert).
    const health = new FeedHealth({
      staleAfterMs: cfg.feed.stale_after,
      alertAfterMs: cfg.feed.alert_after,
      now: opts.now,
      onEvent: (event, d) =>
        event === 'feed.stale'
          ? raiseHealth('feed.stale', 'high', `ctwatch has not received certificates for ${Math.round(d.downForMs / 1000)} s: it is NOT watching`, { down_for_seconds: Math.round(d.downForMs / 1000) })
          : raiseHealth('feed.recovered', 'low', `ctwatch is receiving certificates again after ${Math.round(d.downForMs / 1000)} s`, { down_for_seconds: Math.round(d.downForMs / 1000) }),
    });
    const gaps = new GapTracker({ graceMs: cfg.feed.gap_grace });
    const countGaps = (confirmed: { log: string; missing: number }[]) => {
      for (const c of confirmed) metrics.gaps.inc({ log: metrics.logLabel(c.log) }, c.missing);
    };
    const gapTimer = setInterval(() => countGaps(gaps.sweep()), Math.max(50, Math.min(1_000, cfg.feed.gap_grace / 4)));
    gapTimer.unref();
    life.add('gaps', () => clearInterval(gapTimer));
    const recent = new RecentKeys();
    // At most 5 lines a minute per reason, each with where it came from (never the names).
    const dropLimiter = new LogRateLimiter(5, 60_000);
    const observer: FeedObserver = {
      connected(source, up) {
        health.setConnected(source, up);
        metrics.connected.set({ feed: feedLabel(source) }, up ? 1 : 0);
        feedLog.info({ feed: feedLabel(source), connected: up }, up ? 'feed connected' : 'feed disconnected');
      },
      reconnect(source, reason, delayMs) {
        metrics.reconnects.inc({ feed: feedLabel(source), reason });
        feedLog.info({ feed: feedLabel(source), reason, delay_ms: delayMs }, 'feed reconnecting');
      },
      message(source, type) {
        feedRates.add(source);
        metrics.messages.inc({ type });
        metrics.lastMessage.set({ type }, Date.now() / 1000);
      },
      dropped(source, why, ctx, count = 1) {
        // A full queue while the store is away is the outage's loss, not a slow processor's.
        const reason = why === 'overload' && !availability.state.up ? 'store_unavailable' : why;
        metrics.dropped.inc({ reason }, count);
        const l = dropLimiter.allow(reason);
        if (l.log) {
          feedLog.warn(
            { feed: feedLabel(source), reason, count, log: ctx?.logUrl, index: ctx?.index, detail: ctx?.detail, suppressed: l.suppressed || undefined },
            'skipped bad input',
          );
        }
      },
    };
    const feedIndex = new Map<string, number>();
    const feedLabel = (source: string) => {
      if (!feedIndex.has(source)) feedIndex.set(source, feedIndex.size);
      return source.startsWith('replay:') ? 'replay' : `feed${feedIndex.get(source)}`;
    };

    const onText = createTextHandler({
      intake,
      health,
      observer,
      gaps,
      recent,
      maxNames: cfg.feed.max_names,
      onGaps: countGaps,
      onDuplicate: () => metrics.dropped.inc({ reason: 'duplicate' }),
    });

    // 6. HTTP, with the dashboard (UI and /api/v1 behind the token; live hits over SSE).
    const sources: Source[] = [];
    let ctFeed: CtLogFeed | null = null;
    const dashboardToken = resolveDashboardToken(cfg.http.token, cfg.store.path).token;
    // Kept fresh by /metrics and a timer: /readyz?verbose answers without a database round trip.
    let outboxCounts: Record<string, number> | null = null;
    const refreshOutboxCounts = () =>
      store.outbox.countByStatus().then(
        (c) => (outboxCounts = c),
        () => outboxCounts,
      );
    const outboxTimer = setInterval(() => void refreshOutboxCounts(), 10_000);
    outboxTimer.unref();
    life.add('outbox-counts', () => clearInterval(outboxTimer));
    void refreshOutboxCounts();
    const hitEvents = new HitEvents(store.dashboard, { onError: (err) => log.warn({ module: 'api', err }, 'live hit event failed') });
    const feedRates = new FeedRates({ beforeSample: () => ctFeed?.status().forEach((st) => feedRates.setTotal(ctLogRateKey(st.url), st.entriesProcessed)) });
    feedRates.start();
    life.add('feed-rates', () => feedRates.close());
    // Loaded here, not at the top: `ctwatch check` imports this module and needs no web server.
    const { startHttpServer } = await import('./http/server.js');
    const http = await startHttpServer({
      listen: cfg.http.listen,
      log: log.child({ module: 'http' }),
      dashboard: {
        token: dashboardToken,
        routes: apiRoutes({
          queries: store.dashboard,
          events: hitEvents,
          rates: feedRates,
          now: opts.now,
          enrichment: { latest: (id) => store.enrichment.enrichmentFor(id), history: (id, n) => store.enrichment.history(id, n) },
          matcher: () => rules.matcher,
          rules: () => ({ brands: current.config.brands, watch: current.config.watch, allow: [...current.config.allow, ...allowFromStore] }),
          feeds: () => ({
            sources: sources
              .filter((s) => !(s instanceof CtLogFeed))
              .map((s) => ({ id: s.id, label: feedLabel(s.id), kind: s instanceof ReplaySource ? 'replay' : 'certstream', connected: s instanceof CertstreamClient ? s.connected : null })),
            ctLogs: ctFeed?.status() ?? [],
            logs: (countGaps(gaps.sweep()), gaps.snapshot()),
          }),
        }),
      },
      metrics: async () => {
        countGaps(gaps.sweep());
        for (const st of ctFeed?.status() ?? []) {
          const log = metrics.logLabel(st.url);
          if (st.lag !== null) metrics.ctlogLag.set({ log }, st.lag);
          if (st.lastContact !== null) metrics.ctlogLastContact.set({ log }, st.lastContact / 1000);
          metrics.ctlogVerificationFailures.set({ log }, st.verificationFailures);
          metrics.ctlogEntries.set({ log }, st.entriesProcessed);
          metrics.ctlogHealthy.set({ log }, st.healthy ? 1 : 0);
          metrics.ctlogRejected.set({ log }, st.rejectedEntries);
          metrics.ctlogMisbehaviour.set({ log }, st.misbehaviour);
        }
        const counts = await refreshOutboxCounts();
        for (const [k, v] of Object.entries(counts ?? {})) metrics.outbox.set({ status: k }, v);
        return metrics.render();
      },
      metricsContentType: metrics.registry.contentType,
      readiness: (): ReadinessCheck[] => {
        const now = (opts.now ?? Date.now)();
        const last = health.lastMessage;
        return [
          { name: 'feed_connected', ok: health.connected, detail: health.connected ? undefined : 'no feed connection is up' },
          {
            name: 'recent_message',
            ok: last > 0 && now - last <= cfg.feed.stale_after,
            detail: last > 0 ? `last message ${Math.round((now - last) / 1000)} s ago` : 'no message received yet',
          },
          databaseCheck(availability.state, opened.sqlite),
        ];
      },
      verbose: () => ({
        logs: (countGaps(gaps.sweep()), gaps.snapshot()),
        missing_entries: gaps.totalMissing(),
        queue_depth: intake.depth,
        outbox: outboxCounts,
        feeds: sources.map((s) => ({ feed: feedLabel(s.id), connected: s instanceof CertstreamClient ? s.connected : null })),
        ct_log_list: ctFeed?.listInfo(),
        ct_logs: ctFeed?.status().map((st) => ({ ...st, lastContact: st.lastContact && new Date(st.lastContact).toISOString(), lastProgress: st.lastProgress && new Date(st.lastProgress).toISOString() })),
      }),
    });
    life.add('http', () => http.close());
    // Closed before the server (LIFO): open event streams end instead of holding the close.
    life.add('events', () => hitEvents.close());

    // 7. Sources last: nothing arrives before everything that handles it is up.
    const f = cfg.feed;
    if (f.replay) {
      health.setAlwaysUp(true);
      const replay: ReplaySource = new ReplaySource({
        file: f.replay,
        rate: f.replay_rate,
        onText: (t, at) => onText(replay.id, t, at),
        whenRoom: () => intake.whenRoom(),
        onEnd: (count) => {
          feedLog.info({ messages: count }, 'replay finished');
          void intake.drained().then(() => opts.onReplayDone?.(count));
        },
      });
      sources.push(replay);
    }
    for (const url of [...(f.url ? [f.url] : []), ...(f.urls ?? [])]) {
      secrets.add(new URL(url).password || null);
      const client: CertstreamClient = new CertstreamClient({
        url,
        pingIntervalMs: f.ping_interval,
        pongTimeoutMs: f.pong_timeout,
        staleAfterMs: f.stale_after,
        reconnectMinMs: f.reconnect_min,
        reconnectMaxMs: f.reconnect_max,
        resetAfterMs: f.reconnect_reset_after,
        maxMessageBytes: f.max_message_bytes,
        onText: (t, at) => onText(client.id, t, at),
        observer,
        userAgent: 'ctwatch/0.1',
      });
      sources.push(client);
    }
    if (f.ct_logs) {
      const feed: CtLogFeed = new CtLogFeed({
        feed: f,
        store,
        stateDir: path.dirname(path.resolve(cfg.store.path)),
        // Several instances: each log is read by the one holding its lease.
        ...(multiInstance ? { leases: { api: store.leases, ttlMs: CTLOG_LEASE_TTL_MS } } : {}),
        log: log.child({ module: 'ctlog' }),
        fetch: opts.fetch,
        // Read in batches as fast as the log serves them: a backlog, so parses go to the workers.
        process: (events, commit) => processor.processBatch(events, commit),
        onStatus: (url, st) => health.setConnected(`ctlog:${url}`, st.healthy),
        onEntries: (n) => {
          if (n === 0) return;
          health.messageReceived();
          metrics.messages.inc({ type: 'ct_log_entry' }, n);
        },
        // A log not contacted for ct_unhealthy_after: one alert, and one when it answers again.
        onReachability: (url, reachable, lastError) =>
          reachable
            ? raiseHealth('ctlog.recovered', 'low', `CT log ${url} is reachable again`, { log: url })
            : raiseHealth('ctlog.unhealthy', 'high', `CT log ${url} has not been reachable for ${Math.round(f.ct_unhealthy_after / 60_000)} min: its entries are not being watched`, { log: url, last_error: lastError }),
        // Evidence is in the ctlog_evidence table; the alert names the log and what it did.
        onMisbehaving: (url, m) => raiseHealth('ctlog.misbehaving', 'high', `CT log ${url} misbehaved: ${m.summary}`, { log: url, kind: m.kind }),
        onRoundError: (url, code) => metrics.ctlogErrors.inc({ log: metrics.logLabel(url), code }),
        onAlert: (event, severity, summary, details) => raiseHealth(event, severity, summary, details),
        onRefresh: (result) => metrics.ctlogListRefreshes.inc({ result }),
        onKeyChangeRefused: () => metrics.ctlogListKeyChangesRefused.inc(),
      });
      ctFeed = feed;
      sources.push(feed);
      if (f.log_list.url && !f.log_list.file) {
        void feed.refresh(); // never rejects: failures are logged, counted and alerted
        scheduler.add('log-list-refresh', f.log_list.refresh, () => feed.refresh().then(() => undefined));
      }
    }
    health.start();
    life.add('feed', async () => {
      health.close();
      await Promise.all(sources.map((s) => s.close()));
      // Work already received is committed before the database closes.
      await intake.drained();
    });
    for (const s of sources) await s.start();
    log.info({ module: 'app', http: `${http.address.host}:${http.address.port}`, feeds: sources.length }, 'ctwatch started');

    return {
      backend: store,
      store: opened.sqlite,
      metrics,
      http,
      dispatcher,
      enrichment,
      reload(next) {
        const restartNeeded = restartKeys(current.config, next.config);
        const nextRules = compileRules(next, allowFromStore); // throws before anything changes
        rules = nextRules;
        current = next;
        metrics.reloads.inc({ result: 'ok' });
        return { restartNeeded };
      },
      drained: () => intake.drained(),
      async close(deadlineMs = 10_000) {
        http.setDraining();
        stopping.abort();
        await life.close(deadlineMs);
      },
    };
  } catch (err) {
    await life.close(5_000);
    throw err;
  }
}

/** Keys whose change cannot be applied to a running daemon. */
function restartKeys(a: Config, b: Config): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  if (a.store.path !== b.store.path) out.push('store.path');
  if (a.store.url !== b.store.url) out.push('store.url');
  if (a.http.listen !== b.http.listen) out.push('http.listen');
  if (a.http.token !== b.http.token) out.push('http.token');
  if (!same(a.feed, b.feed)) out.push('feed');
  if (!same(a.notifiers, b.notifiers)) out.push('notifiers');
  if (!same(a.delivery, b.delivery)) out.push('delivery');
  if (a.store.realert_after !== b.store.realert_after) out.push('store.realert_after');
  // The scheduler is set up at start from these; a reload must not pretend to apply them.
  if (!same(a.retention, b.retention)) out.push('retention');
  if (!same(a.digest, b.digest)) out.push('digest');
  if (!same(a.enrich, b.enrich)) out.push('enrich');
  return out;
}

export type { CertEvent };
