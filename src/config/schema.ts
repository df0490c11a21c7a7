/**
 * The whole configuration, validated once at start (and on reload), then frozen.
 * Unknown keys fail (strict objects) so a typo never silently disables a rule.
 * Notifier entries are validated in two steps: here only `id` and `type`; the provider's own
 * schema checks the rest (see load.ts), so each provider declares its own keys.
 */
import { z } from 'zod';
import { durationMs } from './duration.js';
import { brandSchema, detectionSchema, watchItemSchema } from '../match/config-schema.js';
import { SEVERITIES } from '../match/types.js';
import { digestSchema, retentionSchema } from './jobs-schema.js';
import { enrichSchema } from '../enrich/config-schema.js';

const severity = z.enum(SEVERITIES as [string, ...string[]]);

/** A CertStream endpoint: ws:// or wss:// (any other scheme fails at load, saying so). */
const websocketUrl = z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' });

/** host:port as the HTTP server binds it ("127.0.0.1:9797", "[::1]:9797", ":9797"). */
const listenAddress = z.string().refine(
  (s) => {
    const m = /^(?:\[[^\]]+\]|[^:\s]*):(\d{1,5})$/.exec(s.trim());
    return m !== null && Number(m[1]) <= 65535;
  },
  { message: 'must be host:port, e.g. 127.0.0.1:9797' },
);

export const feedSchema = z
  .strictObject({
    /** One CertStream WebSocket URL. */
    url: websocketUrl.optional(),
    /** Several CertStream servers at once; merged, duplicates processed once. */
    urls: z.array(websocketUrl).optional(),
    /** Replay file: one CertStream JSON message per line (offline runs, tests, demo). */
    replay: z.string().min(1).optional(),
    /** Replay pace in messages per second (0 = as fast as possible). */
    replay_rate: z.number().nonnegative().default(0),
    /** Keep running after the replay file ends (daemon mode) instead of exiting (CLI mode). */
    replay_then_idle: z.boolean().default(true),
    ping_interval: durationMs.default(15_000),
    /** No frame and no pong for this long: the connection is dead; terminate and redial. */
    pong_timeout: durationMs.default(45_000),
    /** Socket open but no certificate for this long: redial. */
    stale_after: durationMs.default(120_000),
    /** Feed down or stale for this long: one ctwatch.health alert (and one on recovery). */
    alert_after: durationMs.default(900_000),
    reconnect_min: durationMs.default(1_000),
    reconnect_max: durationMs.default(60_000),
    /** A connection healthy this long resets the backoff. */
    reconnect_reset_after: durationMs.default(60_000),
    /** Frames above this many bytes are counted as oversized and skipped. */
    max_message_bytes: z.number().int().positive().default(2 * 1024 * 1024),
    /** A cert_index gap may still be filled by late entries (a lagging second feed) for this long before it is counted missing. */
    gap_grace: durationMs.default(10_000),
    /** Messages waiting for processing; beyond it new arrivals are dropped and counted ('overload'). */
    max_queue: z.number().int().positive().default(10_000),
    /**
     * Most bytes of messages waiting for processing (estimated: DER + 64 per name + 512 per message);
     * beyond it new arrivals are dropped and counted ('overload'), so a stream of huge messages
     * cannot exhaust memory before max_queue is reached.
     */
    max_queue_bytes: z.number().int().positive().default(128 * 1024 * 1024),
    /** Most names one certificate may carry before the rest are ignored (and counted). */
    max_names: z.number().int().positive().default(1_000),
    /** Read CT logs directly: "all" usable logs of the log list, or a list of log URLs. */
    ct_logs: z.union([z.literal('all'), z.array(z.string().url()).min(1)]).optional(),
    log_list: z
      .strictObject({
        /** A v3 log_list.json to use instead of the snapshot shipped with ctwatch. */
        file: z.string().min(1).optional(),
        /** Where to refresh the list from (its signature: the same URL ending in .sig); unset = never refresh. */
        url: z.string().url().optional(),
        /** PEM public key the list must be signed with, instead of Google's key pinned in the package. */
        public_key: z.string().min(1).optional(),
        /** When to refresh it (cron). A failed refresh keeps the list in use. */
        refresh: z.string().default('23 */6 * * *'),
      })
      .default({ url: 'https://www.gstatic.com/ct/log_list/v3/all_logs_list.json', refresh: '23 */6 * * *' }),
    /** Where a log never read before starts: its current end (default) or its first entry. */
    ct_start: z.enum(['end', 'start']).default('end'),
    /** Pause between polls of a log that is caught up. */
    ct_poll_interval: durationMs.default(30_000),
    /** Requests in flight per log, and the least time between two requests to one log. */
    ct_max_concurrent: z.number().int().positive().max(32).default(2),
    ct_min_request_interval: durationMs.default(100),
    /** A log not successfully contacted for this long raises a ctwatch.health alert. */
    ct_unhealthy_after: durationMs.default(900_000),
  })
  .refine((f) => f.url || (f.urls && f.urls.length > 0) || f.replay || f.ct_logs, {
    message: 'set feed.ct_logs, feed.url, feed.urls or feed.replay',
  });

export const routeSchema = z.strictObject({
  notifiers: z.array(z.string().min(1)).min(1),
  min_severity: severity.default('medium'),
  brands: z.array(z.string()).optional(),
  watch: z.array(z.string()).optional(),
  techniques: z.array(z.string()).optional(),
});

export const notifierBaseSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'id may contain letters, digits, "_", "." and "-"'),
  type: z.string().min(1),
  /** Overrides the provider's default pace (messages per second) for this notifier. */
  rate_per_second: z.number().positive().max(10_000).optional(),
});

export const configSchema = z.strictObject({
  feed: feedSchema,
  store: z
    .strictObject({
      path: z.string().min(1).default('./data/ctwatch.db'),
      /**
       * postgres://user:pass@host:5432/db (node-postgres syntax, TLS via sslmode/sslrootcert); set:
       * the shared PostgreSQL store, store.path is then unused.
       */
      url: z
        .string()
        .min(1)
        .refine((u) => /^postgres(ql)?:\/\//i.test(u), 'must start with postgres:// or postgresql://')
        .optional(),
      realert_after: durationMs.default(30 * 86_400_000),
    })
    .default({ path: './data/ctwatch.db', realert_after: 30 * 86_400_000 }),
  http: z
    .strictObject({
      listen: listenAddress.default('127.0.0.1:9797'),
      /** Dashboard access token (a secret; usually "${CTWATCH_HTTP_TOKEN}"). Unset: generated at first start, kept in <store.path>.token (0600). */
      token: z.string().min(16, 'at least 16 characters').optional(),
    })
    .default({ listen: '127.0.0.1:9797' }),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .default({ level: 'info' }),
  watch: z.array(watchItemSchema).default([]),
  brands: z.array(brandSchema).default([]),
  allow: z.array(z.string().min(1)).default([]),
  detection: detectionSchema,
  notifiers: z.array(notifierBaseSchema).default([]),
  routes: z.array(routeSchema).default([]),
  delivery: z
    .strictObject({
      timeout: durationMs.default(10_000),
      max_attempts: z.number().int().positive().default(12),
      max_age: durationMs.default(86_400_000),
      backoff_min: durationMs.default(1_000),
      backoff_max: durationMs.default(600_000),
      /** Hits for the same brand/watch item within this window go out as one message on human channels. */
      group_window: durationMs.default(60_000),
      lease: durationMs.default(60_000),
    })
    .default({
      timeout: 10_000,
      max_attempts: 12,
      max_age: 86_400_000,
      backoff_min: 1_000,
      backoff_max: 600_000,
      group_window: 60_000,
      lease: 60_000,
    }),
  performance: z
    .strictObject({
      /** Worker threads for the full parse of candidates; default: cores - 1, at most 2; 0 = inline. */
      parse_workers: z.number().int().min(0).max(8).optional(),
    })
    .default({}),
  retention: retentionSchema,
  digest: digestSchema,
  enrich: enrichSchema,
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
/**
 * A notifier as loaded. `timeoutMs` is its one send timeout: the provider's own (exec
 * `timeout_ms`) when it has one, else `delivery.timeout`; checked at load to be below `delivery.lease`.
 */
export type NotifierConfig = { id: string; type: string; options: Record<string, unknown>; ratePerSecond?: number; timeoutMs: number };
