/**
 * Issue 15 point 3 in a real browser (Chromium, headless): the login URL leaves a session cookie
 * and an address without the token; the dashboard's own page can read and triage; a page on
 * another site cannot triage through the same browser (form post or fetch with credentials).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { tmpDir } from '../helpers/fixtures.js';
import { dbPath, startTestApp, until, type TestApp } from '../helpers/app.js';
import { seed } from './seed.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789abcdef';

describe.skipIf(!fs.existsSync(CHROMIUM))('access control in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let evil: http.Server;
  let evilOrigin = '';
  let hitId = 0;

  beforeAll(async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'none.jsonl'), '');
    t = await startTestApp({ feed: { replay: path.join(dir, 'none.jsonl') }, store: { path: dbPath(dir) }, http: { listen: '127.0.0.1:0', token: TOKEN } });
    [hitId] = seed(t.app.store, [{ name: 'paypal-browser.example', seenAt: Date.now() }]);
    // "Another site": a page on localhost (another site than 127.0.0.1) that tries to triage.
    evil = http.createServer((req, res) => {
      const target = `${t.base}/api/v1/hits/${hitId}/triage`;
      res.writeHead(200, { 'content-type': 'text/html' });
      if (req.url === '/form') {
        res.end(`<form id=f method=post action="${target}" enctype="text/plain"><input name='{"action":"fp","x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`);
      } else {
        res.end(`<script>fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"action":"fp"}' })
          .then((r) => (document.title = 'status ' + r.status), (e) => (document.title = 'blocked'));</script>`);
      }
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilOrigin = `http://localhost:${(evil.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
    await t?.app.close();
  });

  it('logs in, strips the token from the address, reads and triages from its own page; another site cannot', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const resp = await page.goto(`${t.base}/?token=${TOKEN}`);
    expect(resp?.status()).toBe(200);
    expect(page.url()).toBe(`${t.base}/`);
    const [cookie] = await ctx.cookies();
    expect(cookie).toMatchObject({ name: 'ctwatch_session', httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // The dashboard's own page: the browser sends the cookie and its Origin.
    const own = await page.evaluate(async (id) => {
      const list = await fetch('/api/v1/hits?limit=5').then((r) => r.json());
      const tri = await fetch(`/api/v1/hits/${id}/triage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"ack","note":"from the page"}' });
      return { names: list.hits.map((h: { name: string }) => h.name), status: tri.status };
    }, hitId);
    expect(own).toEqual({ names: ['paypal-browser.example'], status: 200 });

    // Another site, same browser (same cookie jar): neither a fetch nor a form post gets through.
    const other = await ctx.newPage();
    await other.goto(`${evilOrigin}/fetch`);
    await until(async () => (await other.title()) !== '', 10_000, 'cross-site fetch settled');
    expect(['blocked', 'status 401', 'status 403']).toContain(await other.title());
    const formResp = other.waitForResponse((r) => r.url().includes('/triage'));
    await other.goto(`${evilOrigin}/form`);
    expect([401, 403]).toContain((await formResp).status());

    const detail = await (await fetch(`${t.base}/api/v1/hits/${hitId}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect(detail.hit.status).toBe('acknowledged');
    expect(detail.triage.map((x: { action: string }) => x.action)).toEqual(['ack']);
    await ctx.close();
  }, 60_000);
});
