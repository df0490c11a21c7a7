/**
 * Enrichment metrics, registered on the app's registry. Label values are fixed strings (check
 * names, result kinds, severities), never names from certificates or the network.
 */
import client from 'prom-client';

export class EnrichMetrics {
  readonly jobs;
  readonly dropped;
  readonly queueDepth;
  readonly lookups;
  readonly updates;

  constructor(registry: client.Registry) {
    const registers = [registry];
    this.jobs = new client.Counter({ name: 'ctwatch_enrich_jobs_total', help: 'Enrichment jobs run, by round (first, recheck) and outcome (done, failed)', labelNames: ['round', 'outcome'], registers });
    this.dropped = new client.Counter({ name: 'ctwatch_enrich_dropped_total', help: 'Enrichment jobs dropped because the queue was full, by hit severity', labelNames: ['severity'], registers });
    this.queueDepth = new client.Gauge({ name: 'ctwatch_enrich_queue_depth', help: 'Enrichment jobs waiting', registers });
    this.lookups = new client.Counter({ name: 'ctwatch_enrich_lookups_total', help: 'Enrichment look-ups, by check (dns, rdap, web) and result status', labelNames: ['check', 'result'], registers });
    this.updates = new client.Counter({ name: 'ctwatch_enrich_updates_total', help: 'Update alerts queued after a re-check found a change (one per notifier)', registers });
  }
}
