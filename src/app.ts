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
import { openStore, type Store } from './store/index.js';
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
  store: Store;
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
    // 1. Storage.
    // With enrichment on, new alerts wait up to enrich.hold_alerts for it (released when it is done).
    const store = openStore(cfg.store.path, { realertAfterMs: cfg.store.realert_after, now: opts.now, alertDelayMs: cfg.enrich.enabled ? cfg.enrich.hold_alerts : 0 });
    life.add('store', () => store.close());

    // 2. Rules (config allow list plus `ctwatch allow add` entries).
    let rules = compileRules(loaded, store.hits.listAllow());

    // Work run from timers never throws out of them: caught, logged, counted, alerted (task.failed).
    const background = new BackgroundErrors({
      log,
      count: (task) => metrics.backgroundErrors.inc({ task }),
      raise: (a) => raiseHealth('task.failed', 'high', `background task "${a.task}" failed ${a.count} time(s); last: ${a.lastError}`, { task: a.task, count: a.count, last_error: a.lastError }),
    });
    life.add('background-errors', () => background.close());

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
      onPassError: (_notifierId, err) => background.report('dispatcher', err),
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
    dispatcher.start();
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
    const scheduler = new Scheduler(log.child({ module: 'jobs' }), (job, err) => background.report(`job:${job}`, err));
    const startedAt = Date.now();
    const r = cfg.retention;
    scheduler.add('retention', r.cron, () => {
      const pruned = store.prune({ sightingsMs: r.sightings, inventoryMs: r.inventory, hitsMs: r.hits });
      log.info({ module: 'jobs', job: 'retention', ...pruned }, 'pruned old rows');
    });
    if (cfg.digest) {
      const d = cfg.digest;
      let lastDigestAt = Date.now() - 86_400_000;
      let firingsAtLastDigest = new Map<string, number>();
      scheduler.add(
        'digest',
        d.cron,
        () => {
          const to = Date.now();
          const sum = (c: { get(): Promise<{ values: { value: number }[] }> }) => c.get().then((v) => v.values.reduce((n, x) => n + x.value, 0));
          return Promise.all([sum(metrics.reconnects), sum(metrics.gaps), sum(metrics.dropped)]).then(([reconnects, gapCount, dropped]) => {
            const firings = ruleFiringsSince(metrics, firingsAtLastDigest);
            const n = queueDigests(store, current.config.routes, lastDigestAt, to, { uptimeSeconds: Math.round((to - startedAt) / 1000), reconnects, gaps: gapCount, dropped }, d.max_names, firings.counts);
            firingsAtLastDigest = firings.now;
            lastDigestAt = to;
            if (n) dispatcher.nudge();
          });
        },
        d.timezone,
      );
    }
    life.add('jobs', () => scheduler.close());

    /** Queues a health alert. Never throws (it runs from timers): false when it could not be queued. */
    function raiseHealth(event: string, severity: Severity, summary: string, details: HealthEvent['details'], exceptNotifier?: string): boolean {
      const targets = allRoutedNotifiers(current.config.routes).filter((n) => n !== exceptNotifier && notifiers.has(n));
      const payload: HealthEvent = { event, severity, summary, details, at: new Date((opts.now ?? Date.now)()).toISOString() };
      log.warn({ module: 'health', event, ...details }, summary);
      if (targets.length === 0) return true;
      try {
        store.outbox.enqueue('health', targets, payload);
      } catch (err) {
        // Reported as a task.failed alert once the database takes writes again (not for a
        // task.failed alert itself: that one is retried by BackgroundErrors).
        if (event === 'task.failed') metrics.backgroundErrors.inc({ task: 'health' });
        else background.report('health', Object.assign(new Error(`could not queue the ${event} alert: ${(err as Error).message}`), { code: (err as { code?: unknown }).code }));
        return false;
      }
      dispatcher.nudge();
      return true;
    }

    // 4. Processing: full parses of candidates in worker threads beside this one.
    const parseWorkers = cfg.performance.parse_workers ?? Math.min(2, Math.max(0, os.availableParallelism() - 1));
    const parsePool = parseWorkers > 0 ? new ParsePool(parseWorkers) : undefined;
    if (parsePool) life.add('parse-pool', () => parsePool.close());
    const feedLog = log.child({ module: 'feed' });
    const processor = new Processor({
      store,
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
      dropped(source, reason, ctx, count = 1) {
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
          rules: () => ({ brands: current.config.brands, watch: current.config.watch, allow: [...current.config.allow, ...store.hits.listAllow()] }),
          feeds: () => ({
            sources: sources
              .filter((s) => !(s instanceof CtLogFeed))
              .map((s) => ({ id: s.id, label: feedLabel(s.id), kind: s instanceof ReplaySource ? 'replay' : 'certstream', connected: s instanceof CertstreamClient ? s.connected : null })),
            ctLogs: ctFeed?.status() ?? [],
            logs: (countGaps(gaps.sweep()), gaps.snapshot()),
          }),
        }),
      },
      metrics: () => {
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
        const counts = store.outbox.countByStatus();
        for (const [k, v] of Object.entries(counts)) metrics.outbox.set({ status: k }, v);
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
          { name: 'database', ok: store.ping(), detail: undefined },
        ];
      },
      verbose: () => ({
        logs: (countGaps(gaps.sweep()), gaps.snapshot()),
        missing_entries: gaps.totalMissing(),
        queue_depth: intake.depth,
        outbox: store.outbox.countByStatus(),
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
        log: log.child({ module: 'ctlog' }),
        fetch: opts.fetch,
        // Read in batches as fast as the log serves them: a backlog, so parses go to the workers.
        process: (events, alsoInTransaction) => processor.processBatch(events, alsoInTransaction),
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
      store,
      metrics,
      http,
      dispatcher,
      enrichment,
      reload(next) {
        const restartNeeded = restartKeys(current.config, next.config);
        const nextRules = compileRules(next, store.hits.listAllow()); // throws before anything changes
        rules = nextRules;
        current = next;
        metrics.reloads.inc({ result: 'ok' });
        return { restartNeeded };
      },
      drained: () => intake.drained(),
      async close(deadlineMs = 10_000) {
        http.setDraining();
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
