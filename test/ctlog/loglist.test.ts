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
    // usable and qualified: every log a browser accepts (the qualified Argon2020 included, no date given)
    ['all', 'all', ['https://ct.googleapis.com/icarus/', 'https://ct.googleapis.com/rocketeer/', 'https://ct.googleapis.com/logs/argon2020/']],
    ['a list', ['https://ct.googleapis.com/aviator', 'https://log.bob.io/'], ['https://ct.googleapis.com/aviator/', 'https://log.bob.io/']],
  ] as const)('selects %s', (_d, which, urls) => {
    expect(selectLogs(parseLogList(sample), which).logs.map((l) => l.url)).toEqual(urls);
  });

  it('can take usable logs only, and leaves out logs whose temporal interval ended', () => {
    const l = parseLogList(sample);
    expect(selectLogs(l, 'all', undefined, ['usable']).logs.map((x) => x.url)).not.toContain('https://ct.googleapis.com/logs/argon2020/');
    expect(selectLogs(l, 'all', new Date('2021-01-01T00:00:00Z')).logs.map((x) => x.url)).not.toContain('https://ct.googleapis.com/logs/argon2020/');
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
});

describe('shipped snapshot', () => {
  it('data/log_list.json parses and converts to source configs', async () => {
    const { loadShippedLogList, toCtLogConfig } = await import('../../src/feed/ctlog/shipped-list.js');
    const list = loadShippedLogList();
    expect(list.logs.length).toBeGreaterThan(0);
    const cfgs = selectLogs(list, 'all').logs.map(toCtLogConfig);
    expect(cfgs.length).toBeGreaterThan(20);
    expect(cfgs.every((c) => c.url.endsWith('/') && c.key.length > 0 && (c.kind === 'rfc6962' || c.submissionUrl !== undefined))).toBe(true);
    const tiled = parseLogList({ operators: [{ name: 'x', tiled_logs: [{ key: 'k', log_id: 'i', submission_url: 'https://s.example/a', monitoring_url: 'https://m.example/a/', state: { usable: {} } }] }] });
    expect(toCtLogConfig(tiled.logs[0]!)).toMatchObject({ kind: 'static', url: 'https://m.example/a/', submissionUrl: 'https://s.example/a/' });
  });
});
