/**
 * Prometheus metrics. One registry per app instance (tests run several). Label values come only
 * from fixed sets, configured ids, or log URLs (bounded and sanitised): never from certificate names.
 */
import client from 'prom-client';

const MAX_LOG_LABELS = 500;
/** Distinct (brand, rule) series of ctwatch_rule_firings_total; beyond, firings count under brand="other". */
const MAX_RULE_SERIES = 20_000;

export class Metrics {
  readonly registry = new client.Registry();
  readonly messages = new client.Counter({ name: 'ctwatch_messages_total', help: 'Feed messages received, by type', labelNames: ['type'], registers: [this.registry] });
  readonly certificates = new client.Counter({ name: 'ctwatch_certificates_total', help: 'Certificates examined', registers: [this.registry] });
  readonly certsParsed = new client.Counter({ name: 'ctwatch_certs_parsed_total', help: 'Certificates fully parsed with @peculiar/x509', registers: [this.registry] });
  readonly fastPath = new client.Counter({ name: 'ctwatch_fast_names_total', help: 'Certificates whose names the fast reader read (ok) or could not read (fallback)', labelNames: ['result'], registers: [this.registry] });
  readonly parseErrors = new client.Counter({ name: 'ctwatch_parse_errors_total', help: 'Certificates that did not parse', registers: [this.registry] });
  readonly matches = new client.Counter({ name: 'ctwatch_matches_total', help: 'Rule matches on certificate names, by technique', labelNames: ['technique'], registers: [this.registry] });
  /** Labels come from the config (brand names, `keyword:WORD`, `label:LABEL`, `watch:ITEM`), never from certificate names. */
  readonly ruleFirings = new client.Counter({
    name: 'ctwatch_rule_firings_total',
    help: 'Certificate names on which a configured rule raised a match, by brand (or watch item) and rule id from the config',
    labelNames: ['brand', 'rule'],
    registers: [this.registry],
  });
  readonly hits = new client.Counter({ name: 'ctwatch_hits_total', help: 'Hits recorded, by outcome (new, sighting, suppressed)', labelNames: ['outcome'], registers: [this.registry] });
  readonly reconnects = new client.Counter({ name: 'ctwatch_feed_reconnects_total', help: 'Feed reconnects, by reason', labelNames: ['feed', 'reason'], registers: [this.registry] });
  readonly connected = new client.Gauge({ name: 'ctwatch_feed_connected', help: '1 when the feed connection is up', labelNames: ['feed'], registers: [this.registry] });
  readonly dropped = new client.Counter({ name: 'ctwatch_dropped_total', help: 'Messages or names skipped, by reason (escaped_name: names kept with unsafe characters escaped)', labelNames: ['reason'], registers: [this.registry] });
  readonly lastMessage = new client.Gauge({ name: 'ctwatch_last_message_timestamp_seconds', help: 'When the last message of each type arrived', labelNames: ['type'], registers: [this.registry] });
  readonly gaps = new client.Counter({ name: 'ctwatch_log_missing_entries_total', help: 'CT log entries never received (cert_index gaps), per log', labelNames: ['log'], registers: [this.registry] });
  readonly backpressure = new client.Counter({ name: 'ctwatch_feed_backpressure_total', help: 'Times the feed sockets were paused (queue half full) and resumed', labelNames: ['state'], registers: [this.registry] });
  readonly queueDepth = new client.Gauge({ name: 'ctwatch_queue_depth', help: 'Messages waiting for processing', registers: [this.registry] });
  readonly deliveries = new client.Counter({ name: 'ctwatch_deliveries_total', help: 'Delivery attempts, by notifier and outcome', labelNames: ['notifier', 'outcome'], registers: [this.registry] });
  readonly outbox = new client.Gauge({ name: 'ctwatch_outbox', help: 'Deliveries by status', labelNames: ['status'], registers: [this.registry] });
  readonly backgroundErrors = new client.Counter({ name: 'ctwatch_background_errors_total', help: 'Failures of work run from timers (jobs, dispatcher passes, health alerts), by task', labelNames: ['task'], registers: [this.registry] });
  readonly reloads = new client.Counter({ name: 'ctwatch_config_reloads_total', help: 'Config reloads, by result', labelNames: ['result'], registers: [this.registry] });
  readonly ctlogLag = new client.Gauge({ name: 'ctwatch_ctlog_lag_entries', help: 'Entries behind the signed tree head, per CT log read directly', labelNames: ['log'], registers: [this.registry] });
  readonly ctlogLastContact = new client.Gauge({ name: 'ctwatch_ctlog_last_contact_timestamp_seconds', help: 'Last verified tree head fetched, per CT log', labelNames: ['log'], registers: [this.registry] });
  readonly ctlogVerificationFailures = new client.Gauge({ name: 'ctwatch_ctlog_verification_failures', help: 'Tree heads or trees that failed verification since start, per CT log', labelNames: ['log'], registers: [this.registry] });
  readonly ctlogEntries = new client.Gauge({ name: 'ctwatch_ctlog_entries_processed', help: 'Entries processed since start, per CT log', labelNames: ['log'], registers: [this.registry] });
  readonly ctlogRejected = new client.Gauge({ name: 'ctwatch_ctlog_rejected_entries', help: 'Precertificate entries rejected since start because they do not carry the hashed TBS, per CT log', labelNames: ['log'], registers: [this.registry] });
  readonly ctlogMisbehaviour = new client.Gauge({ name: 'ctwatch_ctlog_misbehaviour_events', help: 'Distinct misbehaviours observed since start (two roots, shrinking tree, inconsistent tree, stale tree head, rejected entry), per CT log', labelNames: ['log'], registers: [this.registry] });
  readonly ctlogErrors = new client.Counter({ name: 'ctwatch_ctlog_errors_total', help: 'Failed rounds and skipped entries, per CT log and error code', labelNames: ['log', 'code'], registers: [this.registry] });
  readonly ctlogListRefreshes = new client.Counter({ name: 'ctwatch_ctlog_list_refreshes_total', help: 'CT log list refreshes, by result (ok, failed)', labelNames: ['result'], registers: [this.registry] });
  readonly ctlogListKeyChangesRefused = new client.Counter({ name: 'ctwatch_ctlog_list_key_changes_refused_total', help: 'Times a log list named another key for a CT log already known (the known key is kept)', registers: [this.registry] });
  readonly ctlogHealthy = new client.Gauge({ name: 'ctwatch_ctlog_healthy', help: '1 when the last round with the CT log succeeded', labelNames: ['log'], registers: [this.registry] });
  readonly processSeconds = new client.Histogram({
    name: 'ctwatch_commit_latency_seconds',
    help: 'From message arrival to hit committed',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  private readonly logLabels = new Set<string>();
  /** Running totals behind ctwatch_rule_firings_total, readable synchronously (the daily digest). */
  readonly ruleTotals = new Map<string, { brand: string; rule: string; fired: number }>();

  /**
   * Counts one name on which `rule` (an id from Match.rules) of `brand` fired. Both come from the
   * config; the number of series is still capped (MAX_RULE_SERIES) for configs with huge brand lists.
   */
  countRule(brand: string, rule: string): void {
    let key = `${brand}\u0000${rule}`;
    let total = this.ruleTotals.get(key);
    if (total === undefined) {
      if (this.ruleTotals.size >= MAX_RULE_SERIES) {
        brand = 'other';
        rule = 'other';
        key = 'other\u0000other';
        total = this.ruleTotals.get(key);
      }
      if (total === undefined) {
        total = { brand, rule, fired: 0 };
        this.ruleTotals.set(key, total);
      }
    }
    total.fired++;
    this.ruleFirings.inc({ brand, rule });
  }

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) client.collectDefaultMetrics({ register: this.registry, prefix: 'ctwatch_' });
  }

  /** A safe, bounded label for a CT log URL. */
  logLabel(url: string | null): string {
    if (!url) return 'unknown';
    const clean = url.replace(/[^A-Za-z0-9._:/-]/g, '_').slice(0, 120);
    if (this.logLabels.has(clean)) return clean;
    if (this.logLabels.size >= MAX_LOG_LABELS) return 'other';
    this.logLabels.add(clean);
    return clean;
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
