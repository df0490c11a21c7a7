/**
 * GET /api/v1/hits/export?format=csv|json&<filters>: the whole filtered set as an attachment,
 * streamed page by page (keyset pages of 500), so 1,000,000 hits never sit in memory at once.
 * CSV has the columns of `ctwatch hits --csv` (cells that a spreadsheet would run are defused);
 * JSON is one array of HitJson.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardQueries, HitCursor } from '../store/dashboard.js';
import { toCsv } from '../cli/util.js';
import { HIT_CSV_HEADER, hitCsvRow, hitJson } from './hit-json.js';
import { ApiError, parseFilter } from './params.js';

const PAGE = 500;

export async function streamExport(queries: DashboardQueries, req: FastifyRequest, reply: FastifyReply, now: number): Promise<FastifyReply> {
  const q = req.query as Record<string, unknown>;
  const format = q.format ?? 'json';
  if (format !== 'csv' && format !== 'json') throw new ApiError(400, 'format: csv or json');
  const filter = parseFilter(q, now);
  const headerLength = toCsv(HIT_CSV_HEADER, []).length;
  async function* body(): AsyncGenerator<string> {
    let after: HitCursor | null = null;
    let first = true;
    if (format === 'json') yield '[';
    else yield toCsv(HIT_CSV_HEADER, []);
    do {
      const page = await queries.listHits(filter, { limit: PAGE, sort: 'first_seen', order: 'desc', after });
      if (format === 'json') {
        const parts = page.hits.map((h) => JSON.stringify(hitJson(h)));
        if (parts.length) yield (first ? '\n' : ',\n') + parts.join(',\n');
      } else if (page.hits.length) {
        yield toCsv(HIT_CSV_HEADER, page.hits.map(hitCsvRow)).slice(headerLength);
      }
      if (page.hits.length) first = false;
      after = page.next;
    } while (after !== null);
    if (format === 'json') yield '\n]\n';
  }
  const stamp = new Date(now).toISOString().slice(0, 10);
  return reply
    .code(200)
    .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="ctwatch-hits-${stamp}.${format}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(body()));
}
