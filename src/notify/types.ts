/**
 * The contract between the dispatcher (which owns retries, pacing, grouping and the
 * outbox) and notifier providers (which only format and send).
 */
import type { z } from 'zod';
import type { Severity } from '../match/types.js';
import type { Enrichment } from '../enrich/types.js';

/** One hit as delivered to a channel. Field names follow the webhook payload (version 1). */
export interface HitAlert {
  /** Stable per hit and notifier: the delivery id the webhook receiver deduplicates on. */
  id: string;
  hitId: number;
  /** Matched name, raw (attacker-controlled). */
  name: string;
  brand: string | null;
  watch: string | null;
  technique: string;
  severity: Severity;
  score: number;
  reason: string;
  /** Every name in the certificate, raw. */
  names: string[];
  cert: {
    sha256: string | null;
    issuer: string | null;
    subject: string | null;
    serial: string | null;
    not_before: string | null;
    not_after: string | null;
    precert: boolean;
    log: string | null;
    index: number | null;
  };
  seen_at: string;
  /**
   * What enrichment found (DNS, registration, web), raw and attacker-controlled; absent or null
   * when enrichment is off or had not finished when the alert went out. When present, `severity`
   * above is enrichment.severity (the hit's own is enrichment.base_severity).
   */
  enrichment?: Enrichment | null;
}

/** A re-check found a state change of a hit that was already alerted (one message per re-check). */
export interface HitUpdate {
  hit: HitAlert;
  round: number;
  /** Raw texts (may quote a page title): sanitise before showing them. */
  changes: { code: string; text: string }[];
  /** Message id of the original alert on this channel (for threading), or null. */
  replyTo: string | null;
}

/** Operational event about ctwatch itself (feed stale/recovered, deliveries dead, log unhealthy). */
export interface HealthEvent {
  event: string; // e.g. "feed.stale", "feed.recovered", "delivery.dead"
  severity: Severity;
  summary: string;
  details: Record<string, string | number | boolean | null>;
  at: string;
}

export interface DigestSummary {
  from: string;
  to: string;
  total: number;
  byBrand: Record<string, number>;
  byTechnique: Record<string, number>;
  bySeverity: Record<string, number>;
  highNames: { name: string; brand: string | null; watch: string | null; severity: Severity }[];
  health: { uptimeSeconds: number; reconnects: number; gaps: number; dropped: number };
  /** The rules that fired most over the period (brand rules of this route), with how many of their hits were triaged. */
  ruleFirings?: RuleFiringSummary[];
}

/** One configured rule's firings over a digest period. `rule` is `keyword:WORD` or `label:LABEL` (from the config). */
export interface RuleFiringSummary {
  brand: string;
  rule: string;
  /** Certificate names on which the rule raised a match. */
  fired: number;
  /** Hits of the period attributed to the rule that were acknowledged or marked false positive. */
  acknowledged: number;
}

/** What one send call carries. `id` is the delivery id: stable across retries. */
export type AlertMessage =
  | { kind: 'hits'; id: string; hits: HitAlert[]; test?: boolean }
  | { kind: 'health'; id: string; health: HealthEvent }
  | { kind: 'digest'; id: string; digest: DigestSummary }
  | { kind: 'update'; id: string; update: HitUpdate };

/**
 * Thrown by Notifier.send when a message was not delivered.
 * permanent: retrying the same message cannot succeed (e.g. Slack invalid_payload).
 * retryAfterMs: the receiver asked us to wait (HTTP Retry-After).
 * disable: the endpoint asked never to be called again (webhook 410 Gone).
 * The message must never contain a secret (webhook URL, password, key).
 */
export class DeliveryError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  readonly retryAfterMs: number | null;
  readonly disable: boolean;
  constructor(
    code: string,
    message: string,
    opts: { permanent?: boolean; retryAfterMs?: number | null; disable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'DeliveryError';
    this.code = code;
    this.permanent = opts.permanent ?? false;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.disable = opts.disable ?? false;
  }
}

export interface Notifier {
  readonly id: string;
  readonly type: string;
  /**
   * Sends one message. Resolves when the receiver accepted it; throws DeliveryError otherwise.
   * Must honour `signal` (the dispatcher's timeout). Not idempotent by itself: the receiver
   * deduplicates on message.id where it can.
   */
  send(message: AlertMessage, signal: AbortSignal): Promise<void>;
  /** Releases pooled connections. Idempotent. */
  close?(): Promise<void>;
}

export interface ProviderContext {
  /** Registers a string that must never appear in logs (e.g. a webhook URL). */
  addSecret(value: string): void;
  /** Clock for timestamps (webhook-timestamp, Retry-After dates); defaults to Date.now. */
  now?: () => number;
}

/** A notifier provider declares everything the dispatcher and config loader need. */
export interface ProviderDefinition<C = any> {
  type: string;
  /** Validates the provider-specific keys (everything but id/type). Strict: unknown keys fail. */
  configSchema: z.ZodType<C>;
  /** Config keys whose values are secrets (redacted in logs and `config check`). */
  secretFields: readonly string[];
  /** Human channels get grouped, defanged and escaped content; machine channels get raw, one hit per message. */
  audience: 'human' | 'machine';
  /** Most messages per second the dispatcher may send to one instance. */
  ratePerSecond: number;
  /** Most hits one grouped message lists in full (the rest are counted). */
  maxHitsPerMessage: number;
  create(id: string, config: C, ctx: ProviderContext): Notifier;
  /**
   * The provider's own send timeout from its config (exec: `timeout_ms`), or undefined to use
   * `delivery.timeout`. The dispatcher aborts a send after exactly this long, so a provider never
   * has two timeouts.
   */
  timeoutMs?(config: C): number | undefined;
}
