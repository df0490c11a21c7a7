/**
 * Configs that cannot do what the operator wants are not accepted silently (issue 14): a brand
 * with neither domains nor keywords (it can never match) is refused, naming it; a config with no
 * route to any notifier (and similar dead filters) loads with warnings that `config check`
 * prints and `run` logs.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { runCli, writeConfig } from '../helpers/daemon-process.js';
import { NAVIGLI_REPLAY, tmpDir } from '../helpers/fixtures.js';

const base = {
  feed: { replay: 'x.jsonl' },
  brands: [{ name: 'PayPal', domains: ['paypal.com'] }],
  notifiers: [{ id: 'out', type: 'console' }],
  routes: [{ notifiers: ['out'] }],
};

describe('config warnings and a brand that can never match', () => {
  it('refuses a brand with neither domains nor keywords, naming it', () => {
    let err: unknown;
    try {
      buildConfig({ ...base, brands: [{ name: 'PayPal', domains: ['paypal.com'] }, { name: 'Acme' }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual(['brands[1]: brand "Acme" has neither domains nor keywords, so it can never match; give at least one of them']);
    expect(() => buildConfig({ ...base, brands: [{ name: 'Acme', keywords: ['acme'] }] })).not.toThrow();
  });

  it.each([
    ['no routes', { routes: [] }, ['routes: none configured: no hit and no health alert reaches any notifier; add e.g. routes: [{ notifiers: [out] }]']],
    ['no notifiers', { notifiers: [], routes: [] }, ['notifiers: none configured: hits are stored (ctwatch hits) but nobody is alerted']],
    ['a notifier in no route', { notifiers: [{ id: 'out', type: 'console' }, { id: 'spare', type: 'console' }] }, ['notifiers[1]: "spare" is in no route: it only receives `ctwatch notify test`']],
    ['a route naming an unknown brand', { routes: [{ notifiers: ['out'], brands: ['Paypal'] }] }, ['routes[0].brands[0]: no brand named "Paypal": this filter matches nothing']],
    ['a route naming an unknown watch item', { routes: [{ notifiers: ['out'], watch: ['example.com'] }] }, ['routes[0].watch[0]: no watch item "example.com": this filter matches nothing']],
    ['nothing to match', { brands: [] }, ['brands, watch: neither configured: nothing can match']],
    ['a sound config', {}, []],
  ])('%s', (_label, patch, warnings) => {
    expect(buildConfig({ ...base, ...patch }).warnings).toEqual(warnings);
  });

  it('config check prints the warnings on stderr (exit 0); run logs them', async () => {
    const dir = tmpDir();
    const cfg = writeConfig(dir, { ...base, feed: { replay: NAVIGLI_REPLAY, replay_then_idle: false }, store: { path: path.join(dir, 'db.sqlite') }, http: { listen: '127.0.0.1:0' }, routes: [] });
    const check = await runCli(['config', 'check', '--config', cfg]);
    expect(check.code).toBe(0);
    expect(check.stderr).toBe('warning: routes: none configured: no hit and no health alert reaches any notifier; add e.g. routes: [{ notifiers: [out] }]\n');
    const run = await runCli(['run', '--config', cfg], { CTWATCH_LOG_LEVEL: 'warn' });
    expect(run.code).toBe(0);
    const line = (run.stdout + run.stderr).split('\n').find((l) => l.includes('routes: none configured'));
    expect(JSON.parse(line!)).toMatchObject({ level: 'warn', module: 'config' });
  });
});

describe('config errors found at load, not at start', () => {
  it.each([
    ['http.listen not host:port', { http: { listen: 'nonsense' } }, 'http.listen: must be host:port, e.g. 127.0.0.1:9797'],
    ['http.listen port out of range', { http: { listen: '127.0.0.1:70000' } }, 'http.listen: must be host:port, e.g. 127.0.0.1:9797'],
    ['feed.url not a WebSocket URL', { feed: { url: 'ftp://certstream.example/' } }, 'feed.url: must be a ws:// or wss:// URL'],
    ['feed.urls[1] not a WebSocket URL', { feed: { urls: ['wss://a.example/', 'https://b.example/'] } }, 'feed.urls[1]: must be a ws:// or wss:// URL'],
    ['digest.timezone unknown', { digest: { cron: '0 8 * * *', timezone: 'Mars/Olympus' } }, 'digest.timezone: not a known IANA time zone (e.g. "Europe/Berlin", "UTC")'],
  ])('%s', (_label, patch, issue) => {
    let err: unknown;
    try {
      buildConfig({ ...base, ...patch });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([issue]);
  });

  it.each(['127.0.0.1:9797', '[::1]:9797', ':9797', 'localhost:0'])('http.listen %s is accepted', (listen) => {
    expect(buildConfig({ ...base, http: { listen } }).config.http.listen).toBe(listen);
  });
});
