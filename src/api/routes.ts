/**
 * The dashboard's JSON API under /api/v1 (docs/api.md). Registered behind the access check
 * (src/http/auth.ts); talks to the store only through DashboardQueries.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardQueries } from '../store/dashboard.js';
import { TAKEDOWN_STATUSES, TRIAGE_ACTIONS, type TakedownStatus, type TriageAction, type TriageInput } from '../store/types.js';
import type { Matcher } from '../match/types.js';
import type { Enrichment } from '../enrich/types.js';
import { checkInput, checkName } from '../match/check-result.js';
import { sendJson } from '../http/health.js';
import { crtshUrl, hitJson, reasonsOf } from './hit-json.js';
import { ApiError, encodeCursor, parseFilter, parseId, parsePage } from './params.js';
import type { HitEvents } from './events.js';
import { feedReport, type FeedState } from './feeds.js';
import type { FeedRates } from '../feed/rates.js';
import { streamExport } from './export.js';

export interface RulesView {
  brands: { name: string; domains: readonly string[]; keywords: readonly unknown[] }[];
  allow: string[];
  watch: { domain: string; issuers: readonly string[] | null }[];
}

export interface ApiDeps {
  queries: DashboardQueries;
  events: HitEvents;
  /** The rules in force (after reloads). */
  matcher: () => Matcher;
  rules: () => RulesView;
  feeds: () => FeedState;
  rates: FeedRates;
  now?: () => number;
  /** The hits' enrichments (latest; newest first), for the hit detail. */
  enrichment?: { latest(hitId: number): Promise<Enrichment | null>; history(hitId: number, limit: number): Promise<Enrichment[]> };
}

/** Start (ms, UTC) of the day "YYYY-MM-DD". Throws ApiError 400 on anything else. */
function dayStart(u: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(u) ? Date.parse(`${u}T00:00:00Z`) : NaN;
  if (Number.isNaN(t)) throw new ApiError(400, 'until: a date YYYY-MM-DD');
  return t;
}

const MAX_BULK = 1_000;
const MAX_NOTE = 2_000;

export function apiRoutes(deps: ApiDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  return async (app) => {
    app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, _req, reply) => {
      if (err instanceof ApiError) return sendJson(reply, err.status, { error: err.message });
      if (err.code === 'TRIAGE_INVALID') return sendJson(reply, 400, { error: err.message });
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendJson(reply, err.statusCode, { error: err.message });
      throw err;
    });

    app.get('/hits', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const filter = parseFilter(q, now());
      const page = parsePage(q);
      const r = await deps.queries.listHits(filter, page);
      return sendJson(reply, 200, { hits: r.hits.map(hitJson), next: r.next && encodeCursor(r.next, page.sort, page.order) });
    });

    app.get('/hits/export', async (req, reply) => streamExport(deps.queries, req, reply, now()));

    app.get('/hits/:id', async (req, reply) => {
      const id = parseId((req.params as { id: string }).id);
      const d = await deps.queries.getHitDetail(id);
      if (!d) return sendJson(reply, 404, { error: 'no such hit' });
      const enrichment = (await deps.enrichment?.latest(id)) ?? null;
      const enrichmentHistory = (await deps.enrichment?.history(id, 20)) ?? [];
      return sendJson(reply, 200, {
        hit: hitJson(d.hit),
        enrichment,
        enrichment_history: enrichmentHistory,
        reasons: reasonsOf(d.hit),
        sightings: d.sightings.map((s) => ({ log: s.logUrl, index: s.logIndex, seen_at: new Date(s.seenAt).toISOString(), source: s.source })),
        triage: d.triage.map((t) => ({ action: t.action, note: t.note, at: new Date(t.at).toISOString(), takedown: t.takedown })),
        crtsh_url: crtshUrl(d.hit.sha256),
      });
    });

    app.post('/hits/:id/triage', async (req, reply) => {
      const id = parseId((req.params as { id: string }).id);
      const input = parseTriage(req.body, true);
      const done = await deps.queries.triage([id], input);
      if (done.length === 0) return sendJson(reply, 404, { error: 'no such hit' });
      const [hit] = await deps.queries.getHits([id]);
      return sendJson(reply, 200, { hit: hitJson(hit!) });
    });

    app.post('/hits/triage', async (req, reply) => {
      const body = (req.body ?? {}) as { ids?: unknown };
      const ids = body.ids;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_BULK || !ids.every((x) => Number.isSafeInteger(x) && (x as number) > 0)) {
        throw new ApiError(400, `ids: 1 to ${MAX_BULK} hit ids`);
      }
      const input = parseTriage(req.body, false);
      const done = await deps.queries.triage(ids as number[], input);
      return sendJson(reply, 200, { updated: done.length });
    });

    app.get('/stats/daily', async (req, reply) => {
      const { days: d, until: u } = req.query as { days?: string; until?: string };
      const days = d === undefined ? 30 : Number(d);
      if (!Number.isInteger(days) || days < 1 || days > 366) throw new ApiError(400, 'days: 1 to 366');
      // until: the last day of the window (UTC, inclusive), e.g. the day of `latest` for replayed data.
      const end = u === undefined ? now() : dayStart(u);
      const s = await deps.queries.dailyStats(days, end);
      return sendJson(reply, 200, {
        days: s.days.map((x) => ({ date: x.date, by_brand: x.byBrand, total: x.total })),
        by_severity: s.bySeverity,
        by_technique: s.byTechnique,
        open: s.open,
        triaged: s.triaged,
        latest: s.latest === null ? null : new Date(s.latest).toISOString(),
      });
    });

    app.get('/feeds', async (_req, reply) => {
      const report = feedReport(deps.feeds(), deps.rates);
      return sendJson(reply, 200, { ...report, outbox: await deps.queries.outboxByNotifier() });
    });

    app.get('/rules', async (req, reply) => {
      const r = deps.rules();
      // until: count the 24 h and 7 days up to the end of that UTC day (replayed data, the demo).
      const u = (req.query as { until?: string }).until;
      const fired = await deps.queries.firedCounts(now(), u === undefined ? undefined : dayStart(u) + 86_400_000);
      const count = (m: Map<string, { day: number; week: number }>, k: string) => ({ fired_24h: m.get(k)?.day ?? 0, fired_7d: m.get(k)?.week ?? 0 });
      return sendJson(reply, 200, {
        brands: r.brands.map((b) => ({ name: b.name, domains: b.domains, keywords: b.keywords, ...count(fired.brands, b.name) })),
        allow: r.allow,
        watch: r.watch.map((w) => ({ domain: w.domain, issuers: w.issuers, ...count(fired.watch, w.domain) })),
      });
    });

    app.post('/check', async (req, reply) => {
      const name = (req.body as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || name.length === 0 || name.length > 1_000) throw new ApiError(400, 'name: a string of 1 to 1,000 characters');
      // The same input rules as `ctwatch check`: trimmed, a URL counts as its host, else refused.
      const input = checkInput(name);
      if (!input.ok) throw new ApiError(400, `name: ${input.error}`);
      return sendJson(reply, 200, checkName(deps.matcher(), input.name));
    });

    app.get('/inventory', async (_req, reply) => {
      const [items, hits] = await Promise.all([deps.queries.inventory(), deps.queries.ownDomainHits(200)]);
      const iso = (t: number) => new Date(t).toISOString();
      return sendJson(reply, 200, {
        items: items.map((i) => ({ watch: i.watch, name: i.name, issuers: i.issuers, first_seen: iso(i.firstSeen), last_seen: iso(i.lastSeen), cert_count: i.certCount })),
        hits: hits.map(hitJson),
      });
    });

    app.get('/events', async (req: FastifyRequest, reply: FastifyReply) => {
      if (deps.events.size >= deps.events.maxClients) return sendJson(reply, 503, { error: 'too many event streams' });
      reply.hijack();
      const res = reply.raw;
      // Hijacked: the security headers set so far are copied by hand.
      for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) res.setHeader(k, v as string);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': connected\n\n');
      if (!deps.events.add(res)) res.end();
      req.raw.on('close', () => res.end());
    });

    // Unknown API paths: JSON 404 (not the UI's index.html).
    app.all('/*', async (_req, reply) => sendJson(reply, 404, { error: 'not found' }));
  };
}

/** Validates a triage body. `single`: takedown allowed (one hit). Throws ApiError(400). */
function parseTriage(body: unknown, single: boolean): TriageInput {
  const b = (body ?? {}) as { action?: unknown; note?: unknown; takedown?: unknown; at?: unknown };
  const actions = single ? TRIAGE_ACTIONS : TRIAGE_ACTIONS.filter((a) => a !== 'takedown');
  if (typeof b.action !== 'string' || !actions.includes(b.action as TriageAction)) throw new ApiError(400, `action: one of ${actions.join(', ')}`);
  if (b.note !== undefined && b.note !== null && (typeof b.note !== 'string' || b.note.length > MAX_NOTE)) throw new ApiError(400, `note: a string of at most ${MAX_NOTE} characters`);
  const input: TriageInput = { action: b.action as TriageAction, note: (b.note as string | null | undefined) ?? null };
  if (input.action === 'takedown') {
    if (typeof b.takedown !== 'string' || !TAKEDOWN_STATUSES.includes(b.takedown as TakedownStatus)) throw new ApiError(400, `takedown: one of ${TAKEDOWN_STATUSES.join(', ')}`);
    input.takedown = b.takedown as TakedownStatus;
    if (b.at !== undefined && b.at !== null) {
      const t = typeof b.at === 'string' ? Date.parse(b.at) : NaN;
      if (Number.isNaN(t)) throw new ApiError(400, 'at: an ISO-8601 time');
      input.at = t;
    }
  }
  return input;
}

