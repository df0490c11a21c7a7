/**
 * The brand's favicon (issue 17: severity rises when the site is live "with the brand in the
 * title or the brand's favicon"): where the icon is looked for, that it is fetched with the web
 * check's safety rules (real servers on loopback), and what a match does to severity and updates.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assess, brandFaviconsFrom, changesBetween } from '../../src/enrich/assess.js';
import { isPublicAddress } from '../../src/enrich/address-policy.js';
import type { WebRecord } from '../../src/enrich/types.js';
import { faviconUrl, WebFetcher } from '../../src/enrich/web.js';
import { buildConfig } from '../../src/config/load.js';
import { startWebServer } from './servers.js';

const ICON = Buffer.from('\x00\x00\x01\x00\x01\x00\x10\x10brand-icon-bytes', 'latin1');
const ICON_SHA = createHash('sha256').update(ICON).digest('hex');
const PAGE = new URL('https://paypal-login.com/account/');

describe('faviconUrl', () => {
  it.each([
    ['no <link>: /favicon.ico of the origin', '<title>x</title>', 'https://paypal-login.com/favicon.ico'],
    ['rel="icon", relative href', '<link rel="icon" href="static/i.png">', 'https://paypal-login.com/account/static/i.png'],
    ['rel="shortcut icon", absolute path, single quotes', "<LINK REL='shortcut icon' HREF='/img/fav.ico'>", 'https://paypal-login.com/img/fav.ico'],
    ['unquoted, entity in the href', '<link href=/i.ico?a=1&amp;b=2 rel=icon>', 'https://paypal-login.com/i.ico?a=1&b=2'],
    ['same host over http', '<link rel="icon" href="http://paypal-login.com/i.ico">', 'http://paypal-login.com/i.ico'],
    ['another host: /favicon.ico instead', '<link rel="icon" href="https://cdn.example/i.ico">', 'https://paypal-login.com/favicon.ico'],
    ['a private address: /favicon.ico instead', '<link rel="icon" href="http://169.254.169.254/latest/meta-data/">', 'https://paypal-login.com/favicon.ico'],
    ['apple-touch-icon is not the favicon', '<link rel="apple-touch-icon" href="/touch.png">', 'https://paypal-login.com/favicon.ico'],
    ['a stylesheet is skipped, the icon after it used', '<link rel="stylesheet" href="/s.css"><link rel="icon" href="/i.ico">', 'https://paypal-login.com/i.ico'],
    ['javascript: is not followed', '<link rel="icon" href="javascript:alert(1)">', 'https://paypal-login.com/favicon.ico'],
    ['inline data: URL', '<link rel="icon" href="data:image/png;base64,AAEC">', 'data:image/png;base64,AAEC'],
  ])('%s', (_what, html, url) => expect(faviconUrl(Buffer.from(html), PAGE)).toBe(url));
});

function web(p: Partial<WebRecord>): WebRecord {
  return { url: 'https://x.com/', status: 'ok', http_status: 200, final_url: 'https://x.com/', title: 'Welcome', server: null, address: '1.2.3.4', redirects: 0, cert_sha256: null, cert_matches_hit: null, error: null, favicon_url: 'https://x.com/favicon.ico', favicon_sha256: null, ...p };
}

describe('the brand favicon signal', () => {
  const fav = brandFaviconsFrom([{ name: 'PayPal', favicons: [ICON_SHA.toUpperCase()] }, { name: 'Other' }]);
  it.each([
    ['a live page serving the brand favicon raises', [web({ favicon_sha256: ICON_SHA })], 'medium', 'high', ["live page serves PayPal's favicon"]],
    ['title and favicon together raise one level', [web({ title: 'PayPal: Log in', favicon_sha256: ICON_SHA })], 'medium', 'high', ["live page titled 'PayPal: Log in' and serves PayPal's favicon"]],
    ['another favicon does not', [web({ favicon_sha256: 'ab'.repeat(32) })], 'medium', 'medium', []],
    ['not live (404) does not', [web({ http_status: 404, favicon_sha256: ICON_SHA })], 'medium', 'medium', []],
    ['a record without favicon fields (stored before) does not', [(({ favicon_url, favicon_sha256, ...rest }) => rest)(web({}))], 'medium', 'medium', []],
  ] as const)('%s', (_what, w, base, severity, reasons) => {
    expect(assess(base, { registration: null, dns: null, web: w as never }, ['PayPal'], fav('PayPal'))).toEqual({ severity, reasons });
  });

  it('a brand without favicons has none; hashes compare case-insensitively', () => {
    expect(fav('Other')).toBeNull();
    expect(fav(null)).toBeNull();
    expect(fav('PayPal')).toEqual({ brand: 'PayPal', hashes: [ICON_SHA] });
  });

  it('change: a page that starts serving the brand favicon is an update (brand_favicon), once', () => {
    const full = (w: WebRecord[]) => ({ registration: null, dns: null, web: w });
    const before = full([web({ favicon_sha256: 'cd'.repeat(32) })]);
    const after = full([web({ favicon_sha256: ICON_SHA })]);
    expect(changesBetween([before], after, ['PayPal'], fav('PayPal'))).toEqual([{ code: 'brand_favicon', text: "serves PayPal's favicon" }]);
    expect(changesBetween([after, before], after, ['PayPal'], fav('PayPal'))).toEqual([]);
  });

  it.each([
    [['abc'], 'brands[0].favicons[0]'],
    [['g'.repeat(64)], 'brands[0].favicons[0]'],
    ['ab'.repeat(32), 'brands[0].favicons'],
  ])('config: favicons %j fails naming %s', (favicons, field) => {
    expect(() => buildConfig({ feed: { replay: 'x.jsonl' }, brands: [{ name: 'PayPal', domains: ['paypal.com'], favicons }] }, {})).toThrow(field);
  });

  it('config: a list of SHA-256 hex values is accepted', () => {
    expect(buildConfig({ feed: { replay: 'x.jsonl' }, brands: [{ name: 'PayPal', domains: ['paypal.com'], favicons: [ICON_SHA] }] }, {}).config.brands[0]!.favicons).toEqual([ICON_SHA]);
  });
});

describe('fetching the favicon (real servers on loopback)', () => {
  type Srv = Awaited<ReturnType<typeof startWebServer>>;
  let site: Srv;
  let v6: Srv; // counts connections on ::1: must get none
  let html = '';
  let iconAnswer: (res: import('node:http').ServerResponse) => void = (res) => res.end(ICON);
  beforeAll(async () => {
    site = await startWebServer({
      host: '127.0.0.1',
      handler: (req, res) => {
        if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
        if (req.url === '/favicon.ico' || req.url === '/img/brand.ico') return void iconAnswer(res);
        res.writeHead(404).end('not found');
      },
    });
    v6 = await startWebServer({ host: '::1', handler: (_req, res) => res.end(ICON) });
  });
  afterAll(async () => {
    await Promise.all([site.close(), v6.close()]);
  });
  // 127.0.0.1 is allowed for this test's site only; ::1 stands for a private address.
  const fetcher = (faviconMaxBytes?: number) =>
    new WebFetcher({ resolve: async () => [{ address: '127.0.0.1', family: 4 }], policy: (ip) => ip === '127.0.0.1' || isPublicAddress(ip), userAgent: 'ctwatch-test', timeoutMs: 2_000, maxBytes: 65_536, maxRedirects: 5, ports: { https: site.port, http: site.port }, faviconMaxBytes });

  it.each([
    ['/favicon.ico when the page names none', '<title>Sign in</title>', `http://paypal-login.com:PORT/favicon.ico`, ICON_SHA],
    ['the <link rel="icon"> on the same host', '<link rel="icon" href="/img/brand.ico"><title>Sign in</title>', `http://paypal-login.com:PORT/img/brand.ico`, ICON_SHA],
    ['an inline data: icon, no request', `<link rel="icon" href="data:image/x-icon;base64,${ICON.toString('base64')}">`, 'data:image/x-icon;base64,', ICON_SHA],
  ])('%s', async (_what, page, url, sha) => {
    html = page;
    iconAnswer = (res) => res.end(ICON);
    const before = site.requests.length;
    const r = await fetcher().fetchUrl(`http://paypal-login.com:${site.port}/`, null);
    expect(r).toMatchObject({ status: 'ok', http_status: 200, favicon_url: url.replace('PORT', String(site.port)), favicon_sha256: sha });
    expect(site.requests.length).toBe(before + (url.startsWith('data:') ? 1 : 2));
    expect(site.requests.at(-1)!.headers['user-agent']).toBe('ctwatch-test');
  });

  it.each([
    ['a favicon redirecting to ::1 (refused, not connected to)', (res: import('node:http').ServerResponse) => res.writeHead(302, { location: `http://[::1]:${v6.port}/favicon.ico` }).end()],
    ['a favicon larger than the cap', (res: import('node:http').ServerResponse) => res.end(Buffer.alloc(2_048, 1))],
    ['no favicon (404)', (res: import('node:http').ServerResponse) => res.writeHead(404).end()],
  ])('no hash for %s; the page result stands', async (_what, answer) => {
    html = '<title>Sign in</title>';
    iconAnswer = answer;
    const r = await fetcher(1_024).fetchUrl(`http://paypal-login.com:${site.port}/`, null);
    expect(r).toMatchObject({ status: 'ok', http_status: 200, title: 'Sign in', favicon_url: `http://paypal-login.com:${site.port}/favicon.ico`, favicon_sha256: null });
    expect(v6.connections()).toBe(0);
  });

  it('a favicon of exactly the cap is hashed (the cap is inclusive)', async () => {
    html = '<title>Sign in</title>';
    const exact = Buffer.alloc(1_024, 7);
    iconAnswer = (res) => res.end(exact);
    const r = await fetcher(1_024).fetchUrl(`http://paypal-login.com:${site.port}/`, null);
    expect(r.favicon_sha256).toBe(createHash('sha256').update(exact).digest('hex'));
  });

  it('no favicon request when the page is not live (404)', async () => {
    const before = site.requests.length;
    const r = await fetcher().fetchUrl(`http://paypal-login.com:${site.port}/missing`, null);
    expect(r).toMatchObject({ status: 'ok', http_status: 404, favicon_url: null, favicon_sha256: null });
    expect(site.requests.length).toBe(before + 1);
  });
});

describe('ctwatch favicon-hash (the built binary)', () => {
  it('prints the SHA-256 the web check compares, one line per file; exit 1 for an unreadable file, 2 for none', async () => {
    const { runCli } = await import('../helpers/daemon-process.js');
    const { tmpDir } = await import('../helpers/fixtures.js');
    const fs = await import('node:fs');
    const file = `${tmpDir()}/favicon.ico`;
    fs.writeFileSync(file, ICON);
    const ok = await runCli(['favicon-hash', file]);
    expect(ok).toMatchObject({ code: 0, stdout: `${ICON_SHA}  ${file}\n`, stderr: '' });
    const missing = await runCli(['favicon-hash', file, `${file}.missing`]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(`${ICON_SHA}  ${file}\n`);
    expect(missing.stderr).toContain('cannot read');
    expect((await runCli(['favicon-hash'])).code).toBe(2);
    // The hash is accepted as a brand's favicon.
    expect(buildConfig({ feed: { replay: 'x.jsonl' }, brands: [{ name: 'PayPal', domains: ['paypal.com'], favicons: [ok.stdout.slice(0, 64)] }] }, {}).config.brands[0]!.favicons).toEqual([ICON_SHA]);
  });
});
