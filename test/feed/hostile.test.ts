/**
 * Issue 3, point 3: a garbage stream of every kind, interleaved with valid messages, through the
 * whole daemon: zero crashes, every valid message processed, each bad frame counted under its
 * reason, logs rate-limited with log and index and never the names; bad names cannot hide a
 * look-alike in the same certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCertstream } from '../helpers/certstream-server.js';
import { tmpDir } from '../helpers/fixtures.js';
import { dbPath, getJson, startTestApp, until, type TestApp } from '../helpers/app.js';
import { MAX_FRAME_BYTES } from '../../src/feed/certstream-client.js';
import type { CertEvent } from '../../src/feed/types.js';
import { certMessage, certText, entryKey, logLines, metricValue } from './helpers/stream.js';

const LOG = 'https://test-log.example/';
const MAX_MESSAGE_BYTES = 256 * 1024;

/** A lite-style message (no DER) with the given names, as entry `index`. */
function namesOnly(index: number, names: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    message_type: 'certificate_update',
    data: { cert_index: index, source: { url: LOG, name: 'test' }, update_type: 'X509LogEntry', leaf_cert: { all_domains: names, ...extra } },
  });
}

function truncatedDer(index: number, withNames: boolean): string {
  const m = certMessage(index, LOG);
  const der = Buffer.from(m.data.leaf_cert.as_der, 'base64');
  m.data.leaf_cert.as_der = der.subarray(0, Math.floor(der.length / 2)).toString('base64');
  if (!withNames) m.data.leaf_cert.all_domains = [];
  return JSON.stringify(m);
}

const HOSTILE_NAMES = ['www.paypal.com\u0000.evil.example', 'line\nbreak.example', 'rtl\u202Egnp.example', 'bell\u0007.example', 'nel\u0085.example'];
const TOO_LONG = ['x'.repeat(64) + '.example', ('a'.repeat(60) + '.').repeat(5) + 'example'];

/** Each bad frame, what it is counted as, and whether its entry is still processed (and under which index). */
type Frame = { name: string; send: (s: FakeCertstream) => void; counts: Record<string, number>; processed?: number };
const frames: Frame[] = [
  { name: 'invalid JSON', send: (s) => s.broadcast('{"message_type":"certificate_update","data":{'), counts: { invalid_json: 1 } },
  { name: 'JSON string', send: (s) => s.broadcast('"just a string"'), counts: { not_object: 1 } },
  { name: 'JSON null', send: (s) => s.broadcast('null'), counts: { not_object: 1 } },
  { name: 'binary frame', send: (s) => s.broadcastBinary(Buffer.from(certText(999_999, LOG))), counts: { binary_frame: 1 } },
  { name: 'data is a number', send: (s) => s.broadcast('{"message_type":"certificate_update","data":5}'), counts: { bad_field: 1 } },
  { name: 'leaf_cert is a list', send: (s) => s.broadcast('{"message_type":"certificate_update","data":{"leaf_cert":[1]}}'), counts: { bad_field: 1 } },
  { name: 'all_domains is a string', send: (s) => s.broadcast(namesOnly(1001, 'a.example')), counts: { bad_field: 1 } },
  { name: 'all_domains holds numbers', send: (s) => s.broadcast(namesOnly(1002, ['a.example', 7])), counts: { bad_field: 1 } },
  { name: 'as_der not base64, no names', send: (s) => s.broadcast(namesOnly(1003, [], { as_der: '%%% not base64 %%%' })), counts: { bad_der: 1 } },
  { name: 'as_der not base64, with names', send: (s) => s.broadcast(namesOnly(1004, ['ok-name.example'], { as_der: '%%%' })), counts: { bad_der: 1 }, processed: 1004 },
  { name: 'truncated as_der, with names', send: (s) => s.broadcast(truncatedDer(1005, true)), counts: { bad_der: 1 }, processed: 1005 },
  { name: 'truncated as_der, no names', send: (s) => s.broadcast(truncatedDer(1006, false)), counts: { bad_der: 1 } },
  {
    name: '10,000-name all_domains',
    send: (s) => s.broadcast(namesOnly(1007, Array.from({ length: 10_000 }, (_, i) => `n${i}.example`))),
    counts: { too_many_names: 9_000 },
    processed: 1007,
  },
  { name: 'oversized frame (1 MiB)', send: (s) => s.broadcast(namesOnly(1008, ['big.example'], { pad: 'p'.repeat(1024 * 1024) })), counts: { oversized: 1 } },
  { name: 'control, newline, RTL-override names', send: (s) => s.broadcast(namesOnly(1009, HOSTILE_NAMES)), counts: { escaped_name: 5 }, processed: 1009 },
  { name: 'over-long label and name beside a look-alike', send: (s) => s.broadcast(namesOnly(1010, [...TOO_LONG, 'paypa1-secure.example'])), counts: { bad_name: 2 }, processed: 1010 },
  { name: 'only unusable names', send: (s) => s.broadcast(namesOnly(1011, ['', 'a..b.example'])), counts: { bad_name: 2, no_names: 1 } },
  { name: 'unknown message type', send: (s) => s.broadcast('{"message_type":"brand_new","data":{"x":1}}'), counts: {} },
  { name: 'unknown fields', send: (s) => s.broadcast(namesOnly(1012, ['fine.example'], { surprise: { deep: [1, 2] } })), counts: {}, processed: 1012 },
];

describe('a hostile stream through the daemon', () => {
  const server = new FakeCertstream();
  let t: TestApp;
  const processed: CertEvent[] = [];
  const validIndexes: number[] = [];

  beforeAll(async () => {
    await server.start();
    t = await startTestApp(
      {
        feed: { url: server.url, ping_interval: 0.2, stale_after: 30, reconnect_min: 0.05, reconnect_max: 0.3, max_message_bytes: MAX_MESSAGE_BYTES, max_names: 1000 },
        store: { path: dbPath(tmpDir()) },
        http: { listen: '127.0.0.1:0' },
        brands: [{ name: 'PayPal', domains: ['paypal.com'], keywords: ['paypal'] }],
      },
      {},
      { beforeProcess: (batch) => processed.push(...batch) },
    );
    await server.waitForClients(1);
    // Every garbage frame between two valid messages.
    let i = 0;
    for (const f of frames) {
      validIndexes.push(i);
      server.broadcast(certText(i++, LOG));
      f.send(server);
    }
    // 20 more invalid JSON frames: counted, but logged at most 5 times a minute.
    for (let k = 0; k < 20; k++) server.broadcast(`{not json ${k}`);
    validIndexes.push(i);
    server.broadcast(certText(i++, LOG));
    await server.flushed();
    await until(() => processed.some((e) => e.index === i - 1), 15_000, 'last valid message processed');
    await t.app.drained();
  });

  afterAll(async () => {
    await t?.app.close();
    await server.stop();
  });

  it('processes every valid message exactly once, and the usable bad ones', () => {
    const keys = processed.map((e) => entryKey(e.logUrl ?? '', e.index ?? -1));
    const expected = [...validIndexes, ...frames.flatMap((f) => (f.processed === undefined ? [] : [f.processed]))].map((i) => entryKey(LOG, i));
    expect(keys.sort()).toEqual(expected.sort());
  });

  it('counts each bad frame under its reason, exactly', async () => {
    const m = await (await fetch(`${t.base}/metrics`)).text();
    const totals: Record<string, number> = {};
    for (const f of frames) for (const [k, v] of Object.entries(f.counts)) totals[k] = (totals[k] ?? 0) + v;
    totals.invalid_json += 20;
    for (const [reason, n] of Object.entries(totals)) expect([reason, metricValue(m, `ctwatch_dropped_total{reason="${reason}"}`)]).toEqual([reason, n]);
    expect(metricValue(m, 'ctwatch_messages_total{type="other"}')).toBe(1);
    expect(metricValue(m, 'ctwatch_feed_reconnects_total{feed="feed0",reason="closed"}')).toBe(0);
    expect(metricValue(m, 'ctwatch_feed_reconnects_total{feed="feed0",reason="error"}')).toBe(0);
  });

  it('escapes non-hostname characters before matching, and a bad name does not hide a look-alike', () => {
    const hostile = processed.find((e) => e.index === 1009)!;
    expect(hostile.names).toEqual(['www.paypal.com[U+0000].evil.example', 'line[U+000A]break.example', 'rtl[U+202E]gnp.example', 'bell[U+0007].example', 'nel[U+0085].example']);
    for (const n of hostile.names!) expect(n).toMatch(/^[\x21-\x7e]+$/);
    const names = t.app.store.hits.listHits().map((h) => h.name).sort();
    expect(names).toEqual(['paypa1-secure.example', 'www.paypal.com[u+0000].evil.example']);
  });

  it('logs bad input rate-limited, with log and index, never the names', () => {
    const lines = logLines(t.logs).filter((l) => l.msg === 'skipped bad input');
    expect(lines.filter((l) => l.reason === 'invalid_json').length).toBeLessThanOrEqual(5);
    expect(lines.find((l) => l.reason === 'bad_der' && l.index === 1005)).toMatchObject({ log: LOG });
    expect(lines.find((l) => l.reason === 'escaped_name')).toMatchObject({ log: LOG, index: 1009, count: 5 });
    const all = t.logs.join('\n');
    for (const n of [...HOSTILE_NAMES, ...TOO_LONG, 'paypa1-secure', 'n9999.example']) expect(all.includes(n)).toBe(false);
    expect(/[\u0000-\u0008\u202e]/.test(all)).toBe(false);
  });

  it('a frame over 16 MiB costs the connection only: the client redials and the stream goes on', async () => {
    server.broadcast('x'.repeat(MAX_FRAME_BYTES + 1));
    await until(async () => metricValue(await (await fetch(`${t.base}/metrics`)).text(), 'ctwatch_feed_reconnects_total{feed="feed0",reason="error"}') === 1, 20_000, 'closed');
    await until(() => server.connections === 2 && server.clients.size === 1, 10_000, 'redialled');
    server.broadcast(certText(5_000, LOG));
    await until(() => processed.some((e) => e.index === 5_000), 10_000, 'processed after redial');
    expect((await getJson(`${t.base}/livez`)).status).toBe(200);
  });
});
