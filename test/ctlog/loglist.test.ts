import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseLogList, refreshLogList, selectLogs } from '../../src/feed/ctlog/loglist.js';
import { fixture, fixtureJson } from './fixtures.js';

const sample = fixture('loglist3_sample.json').toString('utf8');

describe('log list v3', () => {
  it('parses the v3 sample: operators, logs, keys, states, temporal intervals', () => {
    const l = parseLogList(sample);
    expect(l.logs).toHaveLength(6);
    const icarus = l.logs.find((x) => x.description.includes('Icarus'))!;
    expect(icarus).toMatchObject({ kind: 'rfc6962', operator: 'Google', url: 'https://ct.googleapis.com/icarus/', state: 'usable' });
    expect(l.logs.find((x) => x.description.includes('Argon2020'))!.temporalInterval).toEqual({ startInclusive: '2018-02-27T00:00:00Z', endExclusive: '2020-01-01T00:00:00Z' });
    expect(l.logs.find((x) => x.description.includes('Racketeer'))!.state).toBe('unknown');
  });

  it('parses tiled_logs (static-ct-api) with submission and monitoring URLs', () => {
    const entry = fixtureJson('static-ct/skylight-testlog-rome2026h1/log.v3.json');
    const l = parseLogList({ operators: [{ name: 'Test', logs: [], tiled_logs: [{ ...entry, state: { readonly: {} }, monitoring_url: 'https://mon.example/rome' }] }] });
    expect(l.logs[0]).toMatchObject({ kind: 'static', url: 'https://mon.example/rome/', submissionUrl: 'https://rome2026h1.example.org/', state: 'readonly' });
  });

  it.each([
    ['all', 'all', ['https://ct.googleapis.com/icarus/', 'https://ct.googleapis.com/rocketeer/']],
    ['a list', ['https://ct.googleapis.com/aviator', 'https://log.bob.io/'], ['https://ct.googleapis.com/aviator/', 'https://log.bob.io/']],
  ] as const)('selects %s', (_d, which, urls) => {
    expect(selectLogs(parseLogList(sample), which).logs.map((l) => l.url)).toEqual(urls);
  });

  it('can also take qualified logs, and leaves out logs whose temporal interval ended', () => {
    const l = parseLogList(sample);
    expect(selectLogs(l, 'all', undefined, ['usable', 'qualified']).logs.map((x) => x.url)).toContain('https://ct.googleapis.com/logs/argon2020/');
    expect(selectLogs(l, 'all', new Date('2021-01-01T00:00:00Z'), ['usable', 'qualified']).logs.map((x) => x.url)).not.toContain('https://ct.googleapis.com/logs/argon2020/');
  });

  it('reports configured URLs that are not in the list', () => {
    expect(selectLogs(parseLogList(sample), ['https://nope.example/']).unknown).toEqual(['https://nope.example/']);
  });

  it.each([
    ['not JSON', '{'],
    ['no operators', '{}'],
    ['log without key', JSON.stringify({ operators: [{ name: 'x', logs: [{ url: 'https://a/', log_id: 'x' }] }] })],
    ['logs not an array', JSON.stringify({ operators: [{ name: 'x', logs: 3 }] })],
  ])('rejects a list with %s, naming the field', (_d, text) => {
    expect(() => parseLogList(text)).toThrow(expect.objectContaining({ code: 'bad-loglist' }));
  });

  it('refresh keeps the old list when the server fails, and takes the new one when it answers', async () => {
    let mode: 'fail' | 'bad' | 'ok' = 'fail';
    const srv = createServer((_req, res) => {
      if (mode === 'fail') res.writeHead(503).end();
      else if (mode === 'bad') res.writeHead(200).end('{"operators": 1}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(sample);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/log_list.json`;
    const old = parseLogList({ operators: [] });
    try {
      const a = await refreshLogList(url, old);
      expect(a.failed).toBe(true);
      expect(a.list).toBe(old);
      expect(a.error?.code).toBe('http');
      mode = 'bad';
      const b = await refreshLogList(url, old);
      expect(b).toMatchObject({ failed: true, list: old });
      mode = 'ok';
      const c = await refreshLogList(url, old);
      expect(c.failed).toBe(false);
      expect(c.list.logs).toHaveLength(6);
      const d = await refreshLogList('http://127.0.0.1:1/none', c.list);
      expect(d).toMatchObject({ failed: true, list: c.list });
    } finally {
      srv.close();
    }
  });
});

describe('shipped snapshot', () => {
  it('data/log_list.json parses and converts to source configs', async () => {
    const { loadShippedLogList, toCtLogConfig } = await import('../../src/feed/ctlog/shipped-list.js');
    const list = loadShippedLogList();
    expect(list.logs.length).toBeGreaterThan(0);
    const cfgs = selectLogs(list, 'all').logs.map(toCtLogConfig);
    expect(cfgs.every((c) => c.kind === 'rfc6962' && c.url.endsWith('/') && c.key.length > 0)).toBe(true);
    const tiled = parseLogList({ operators: [{ name: 'x', tiled_logs: [{ key: 'k', log_id: 'i', submission_url: 'https://s.example/a', monitoring_url: 'https://m.example/a/', state: { usable: {} } }] }] });
    expect(toCtLogConfig(tiled.logs[0]!)).toMatchObject({ kind: 'static', url: 'https://m.example/a/', submissionUrl: 'https://s.example/a/' });
  });
});
