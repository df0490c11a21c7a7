/** Config: validated once, unknown keys and wrong types fail naming the field, env substitution. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { secrets } from '../../src/log/secrets.js';
import { ROOT, tmpDir } from '../helpers/fixtures.js';

const minimal = { feed: { url: 'ws://127.0.0.1:4000/full-stream' } };

function issuesOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    buildConfig(raw, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('config', () => {
  it('accepts the shape in the skeleton issue, with defaults filled in', () => {
    const c = buildConfig(
      {
        feed: { url: 'ws://127.0.0.1:4000/full-stream' },
        store: { path: './data/ctwatch.db' },
        http: { listen: '127.0.0.1:9797' },
        watch: [{ domain: '.example.com', issuers: ["Let's Encrypt"] }],
        brands: [{ name: 'PayPal', domains: ['paypal.com', 'paypal.me'], keywords: ['paypal'] }],
        allow: ['example-partner.com'],
        notifiers: [
          { id: 'siem', type: 'webhook', url: 'http://127.0.0.1:8099/hook', secret: '${CTWATCH_WEBHOOK_SECRET}' },
          { id: 'stdout', type: 'console' },
        ],
        routes: [{ notifiers: ['siem', 'stdout'], min_severity: 'low' }],
      },
      { CTWATCH_WEBHOOK_SECRET: 'whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=' },
    );
    expect(c.config.feed.ping_interval).toBe(15_000);
    expect(c.config.store.realert_after).toBe(30 * 86_400_000);
    expect(c.notifiers.map((n) => n.id)).toEqual(['siem', 'stdout']);
    expect(Object.isFrozen(c.config.feed)).toBe(true);
    expect(secrets.redact('key whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM= here')).toBe('key [redacted] here');
  });

  it.each([
    ['unknown top-level key', { ...minimal, feeds: {} }, 'feeds: unknown key'],
    ['unknown nested key', { feed: { url: 'ws://x:1/', pingInterval: 5 } }, 'feed.pingInterval: unknown key'],
    ['wrong type', { feed: { url: 'ws://x:1/' }, brands: [{ name: 'A', domains: 'a.com' }] }, 'brands[0].domains'],
    ['bad duration', { feed: { url: 'ws://x:1/', stale_after: 'soon' } }, 'feed.stale_after'],
    ['no source', { feed: {} }, 'feed'],
    ['unknown notifier type', { ...minimal, notifiers: [{ id: 'x', type: 'pager' }] }, 'notifiers[0].type: unknown notifier type'],
    ['provider key error', { ...minimal, notifiers: [{ id: 'x', type: 'webhook', url: 'not a url' }] }, 'notifiers[0].url'],
    ['route to a missing notifier', { ...minimal, routes: [{ notifiers: ['nope'] }] }, 'routes[0].notifiers[0]'],
    ['bad severity', { ...minimal, notifiers: [{ id: 'c', type: 'console' }], routes: [{ notifiers: ['c'], min_severity: 'urgent' }] }, 'routes[0].min_severity'],
  ])('%s fails naming the field', (_name, raw, field) => {
    const issues = issuesOf(raw);
    expect(issues.join('\n')).toContain(field);
  });

  it('names an unset environment variable and where it is used', () => {
    expect(issuesOf({ ...minimal, notifiers: [{ id: 'h', type: 'webhook', url: 'http://127.0.0.1:1/', secret: '${NOPE_NOT_SET}' }] })).toEqual([
      'notifiers[0].secret: environment variable NOPE_NOT_SET is not set',
    ]);
  });

  it('reads secrets from files: ${file:PATH} and ${cred:NAME} (systemd credentials), redacted', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'hook'), 'file-secret-0123456789\n');
    const c = buildConfig(
      { ...minimal, notifiers: [{ id: 'a', type: 'webhook', url: 'http://127.0.0.1:1/', secret: `\${file:${dir}/hook}` }, { id: 'b', type: 'webhook', url: 'http://127.0.0.1:1/', secret: '${cred:hook}' }] },
      { CREDENTIALS_DIRECTORY: dir },
    );
    expect(c.notifiers.map((n) => n.options.secret)).toEqual(['file-secret-0123456789', 'file-secret-0123456789']);
    expect(secrets.redact('x file-secret-0123456789 y')).toBe('x [redacted] y');
    const issues = issuesOf({ ...minimal, notifiers: [{ id: 'a', type: 'webhook', url: 'http://127.0.0.1:1/', secret: '${cred:nope}' }] }, { CREDENTIALS_DIRECTORY: dir });
    expect(issues).toEqual(['notifiers[0].secret: cannot read credential nope (ENOENT)']);
    expect(issuesOf({ ...minimal, notifiers: [{ id: 'a', type: 'webhook', url: 'http://127.0.0.1:1/', secret: '${cred:x}' }] })[0]).toContain('needs CREDENTIALS_DIRECTORY');
  });

  it('CTWATCH_FEED_URL overrides the feed source', () => {
    const c = buildConfig({ feed: { replay: 'x.jsonl' } }, { CTWATCH_FEED_URL: 'ws://127.0.0.1:9/full-stream' });
    expect(c.config.feed.url).toBe('ws://127.0.0.1:9/full-stream');
    expect(c.config.feed.replay).toBeUndefined();
  });

  it('reports YAML syntax errors and unreadable files with the file name', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'bad.yaml');
    fs.writeFileSync(f, 'feed: { url: [unclosed\n');
    expect(() => loadConfigFile(f)).toThrow(/YAML syntax/);
    expect(() => loadConfigFile(path.join(dir, 'missing.yaml'))).toThrow(/cannot read/);
  });

  it('a route without min_severity alerts on medium and above (docs/configuration.md, docs/detection.md)', () => {
    const c = buildConfig({ ...minimal, notifiers: [{ id: 'c', type: 'console' }], routes: [{ notifiers: ['c'] }] });
    expect(c.config.routes[0]?.min_severity).toBe('medium');
  });

  it.each(['config/ctwatch.yaml', 'config/demo.yaml'])('the shipped %s is valid', (rel) => {
    expect(() => loadConfigFile(path.join(ROOT, rel), {})).not.toThrow();
  });
});
