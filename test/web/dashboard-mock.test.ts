/**
 * The dashboard in a real Chromium against a mock server that speaks the API contract: every view
 * renders, filters and triage work, hostile names stay inert text, axe finds nothing serious,
 * and nothing triggers a dialog, a page error or a CSP violation. (The same flows against the
 * real daemon: dashboard-daemon.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeSerious, guardedPage, HAVE_CHROMIUM, launch, login, type Guarded } from './helpers/browser.js';
import { startMockApi, WEB_DIST, type MockApi } from './helpers/mock-api.js';
import { HOSTILE_NAMES, hit, makeHits } from './helpers/fixture-data.js';

describe.skipIf(!HAVE_CHROMIUM)('dashboard (Chromium, mock API)', () => {
  let browser: Browser;
  let api: MockApi;
  let g: Guarded;

  beforeAll(async () => {
    if (!fs.existsSync(`${WEB_DIST}/index.html`)) execFileSync('node', ['scripts/build-web.mjs'], { stdio: 'inherit' });
    api = await startMockApi();
    browser = await launch();
    g = await guardedPage(browser, api.url);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('answers 401 without the token, and the token URL logs in', async () => {
    const res = await g.page.goto(api.url + '/');
    expect(res?.status()).toBe(401);
    await login(g.page, api.url, api.token);
    expect(await g.page.locator('main h1').textContent()).toBe('Overview');
  });

  it('overview: stacked bars with non-zero heights, a legend per brand, feed health', async () => {
    await g.page.waitForSelector('svg.chart rect.bar');
    const heights = await g.page.$$eval('svg.chart rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('height'))));
    expect(heights.length).toBeGreaterThan(10);
    expect(heights.every((h) => h > 0)).toBe(true);
    const legend = await g.page.$$eval('.legend li bdi', (l) => l.map((e) => e.textContent));
    expect(legend).toEqual(expect.arrayContaining(['Avito', 'Sberbank', 'BlaBlaCar', 'PayPal', '.chixbbq.org']));
    await g.page.waitForSelector('table.feeds');
    const feedText = await g.page.locator('table.feeds').textContent();
    expect(feedText).toContain('disconnected');
    expect(feedText).toContain('HTTP 429');
    expect(await g.page.locator('svg.spark polyline').count()).toBe(2);
    expect(await g.page.locator('#h-logs ~ div table tbody tr').textContent()).toContain('120,000');
  });

  it('hits: hostile names are shown as inert text, never markup', async () => {
    await g.page.goto(api.url + '/#/hits');
    await g.page.waitForSelector('table.hits tbody tr');
    const rowText = async (id: number) => g.page.locator(`tr[data-hit-id="${id}"] td.namecol`).textContent();
    expect(await rowText(121)).toBe('<script>window[.]__pwned=1</script>[.]paypal-secure[.]example');
    expect(await rowText(122)).toBe('"><img src=x onerror=alert(1)>[.]paypal-login[.]example');
    expect(await rowText(123)).toBe('paypal-\\u{202E}moc[.]nigol\\u{202C}[.]example');
    expect(await rowText(124)).toContain('x'.repeat(200));
    expect(await g.page.locator('img').count()).toBe(0);
    expect(await g.page.locator('script').count()).toBe(1);
    expect(await g.page.evaluate(() => (window as unknown as { __pwned: number }).__pwned)).toBe(0);
    // The 250-character label is cut with an ellipsis inside its cell: the table keeps its width.
    const [cellW, tableW, viewW] = await g.page.evaluate(() => [document.querySelector('tr[data-hit-id="124"] td.namecol')!.getBoundingClientRect().width, document.querySelector('table.hits')!.getBoundingClientRect().width, document.documentElement.clientWidth]);
    expect(cellW).toBeLessThan(tableW / 2);
    expect(tableW).toBeLessThanOrEqual(viewW);
    // Links go to the hit by id, never to a name.
    const hrefs = await g.page.$$eval('main a[href]', (as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.filter((h) => !/^#\/|^\/api\/v1\/hits\/export\?/.test(h))).toEqual([]);
  });

  it('hits: filtering by brand and by severity narrows the table', async () => {
    const brands = async () => g.page.$$eval('table.hits tbody td.brand', (c) => c.map((e) => e.textContent));
    const sevs = async () => g.page.$$eval('table.hits tbody .sev-low, table.hits tbody .badge[class*="sev-"]', (c) => c.map((e) => e.textContent));
    const all = await brands();
    expect(new Set(all).size).toBeGreaterThan(2);
    await g.page.selectOption('select[name="brand"]', 'Avito');
    // Wait for the filtered page itself: while it loads the table can be empty, and every() of nothing is true.
    const avito = api.hits.filter((h) => h.brand === 'Avito').length;
    await g.page.waitForFunction((n) => {
      const cells = [...document.querySelectorAll('table.hits tbody td.brand')];
      return cells.length === n && cells.every((e) => e.textContent === 'Avito');
    }, avito);
    expect((await brands()).length).toBe(avito);
    await g.page.selectOption('select[name="severity"]', 'high');
    const n = api.hits.filter((h) => h.brand === 'Avito' && (h.severity === 'high' || h.severity === 'critical')).length;
    await g.page.waitForFunction((n) => {
      const badges = [...document.querySelectorAll('table.hits tbody .badge[class*="sev-"]')];
      return badges.length === n && badges.every((e) => e.textContent === 'high' || e.textContent === 'critical');
    }, n);
    await g.page.waitForFunction((n) => document.querySelectorAll('table.hits tbody tr').length === n, n);
    expect(new Set(await sevs())).toEqual(new Set(['high', 'critical']));
    expect(g.page.url()).toContain('brand=Avito');
    const csv = await g.page.locator('a', { hasText: 'Export CSV' }).getAttribute('href');
    expect(csv).toBe('/api/v1/hits/export?brand=Avito&severity=high&format=csv');
  });

  it('hits: text search, sorting and the next page', async () => {
    await g.page.click('button:has-text("Clear filters")');
    await g.page.fill('input[name="q"]', 'sberbank-login-1');
    await g.page.press('input[name="q"]', 'Enter');
    await g.page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table.hits tbody td.namecol')];
      return cells.length > 0 && cells.every((e) => e.textContent!.startsWith('sberbank-login-1'));
    });
    await g.page.click('button:has-text("Clear filters")');
    await g.page.waitForFunction(() => document.querySelectorAll('table.hits tbody tr').length === 50);
    const firstPage = await g.page.$$eval('table.hits tbody tr', (r) => r.map((e) => e.getAttribute('data-hit-id')));
    await g.page.click('button:has-text("Next page")');
    await g.page.waitForFunction((first) => document.querySelector('table.hits tbody tr')?.getAttribute('data-hit-id') !== first, firstPage[0]);
    const second = await g.page.$$eval('table.hits tbody tr', (r) => r.map((e) => e.getAttribute('data-hit-id')));
    expect(second.filter((id) => firstPage.includes(id))).toEqual([]);
    await g.page.click('button:has-text("Previous page")');
    await g.page.click('th button:has-text("Score")');
    await g.page.waitForFunction(() => location.hash.includes('sort=score'));
    await g.page.waitForFunction(() => {
      const s = [...document.querySelectorAll('table.hits tbody td.num')].map((e) => Number(e.textContent));
      return s.length > 0 && s.every((v, i) => i === 0 || s[i - 1] >= v);
    });
  });

  it('hits: bulk acknowledge and false positive change the status on the server', async () => {
    await g.page.goto(api.url + '/#/hits?brand=PayPal&status=new');
    await g.page.waitForSelector('table.hits tbody tr');
    const ids = (await g.page.$$eval('table.hits tbody tr', (r) => r.map((e) => Number(e.getAttribute('data-hit-id'))))).slice(0, 2);
    for (const id of ids) await g.page.check(`input[aria-label="Select hit ${id}"]`);
    await g.page.click('button:has-text("Acknowledge")');
    await g.page.waitForSelector('p.msg:has-text("2 hits marked acknowledged")');
    for (const id of ids) expect(api.hits.find((h) => h.id === id)!.status).toBe('acknowledged');
    await g.page.waitForFunction((ids) => ids.every((id) => !document.querySelector(`tr[data-hit-id="${id}"]`)), ids);
  });

  it('hits: a new hit on the event stream shows an "N new" indicator', async () => {
    await g.page.goto(api.url + '/#/hits');
    await g.page.waitForSelector('table.hits tbody tr');
    await new Promise((r) => setTimeout(r, 300)); // let the EventSource connect
    api.pushHit(hit(500, 'paypal-fresh.example', { first_seen: new Date().toISOString() }));
    api.pushHit(hit(501, 'paypal-suppressed.example', { first_seen: new Date().toISOString(), suppressed: true, status: 'false_positive' }));
    await g.page.waitForSelector('button.fresh:has-text("1 new")');
    await g.page.click('button.fresh');
    await g.page.waitForSelector('tr[data-hit-id="500"]');
    expect(await g.page.locator('button.fresh').count()).toBe(0);
    // Filtered to Avito, a new PayPal hit is not counted.
    await g.page.selectOption('select[name="brand"]', 'Avito');
    await g.page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table.hits tbody td.brand')];
      return cells.length > 0 && cells.every((e) => e.textContent === 'Avito');
    });
    api.pushHit(hit(502, 'paypal-other.example', { first_seen: new Date().toISOString() }));
    api.pushHit(hit(503, 'avito-fresh.example', { brand: 'Avito', first_seen: new Date().toISOString() }));
    api.pushHit(hit(504, 'avito-marker.example', { brand: 'Avito', first_seen: new Date().toISOString() }));
    await g.page.waitForSelector('button.fresh:has-text("2 new")');
    await new Promise((r) => setTimeout(r, 300));
    expect(await g.page.locator('button.fresh').textContent()).toBe('2 new — show');
  });

  it('hit detail: every reason, certificate fields, crt.sh by SHA-256, triage and takedown', async () => {
    await g.page.goto(api.url + '/#/hits/122');
    await g.page.waitForSelector('#hit-title');
    expect(await g.page.locator('#hit-title .name').textContent()).toBe('"><img src=x onerror=alert(1)>[.]paypal-login[.]example');
    expect(await g.page.inputValue('#raw-name')).toBe(HOSTILE_NAMES.img);
    const reasons = api.hits.find((h) => h.id === 122)!.reason.split('; ');
    expect(await g.page.locator('ul.reasons li').count()).toBe(reasons.length);
    const reasonText = await g.page.locator('ul.reasons').textContent();
    for (const r of reasons) expect(reasonText).toContain(r.replace(/\./g, '[.]').replace(/\u202E/g, '\\u{202E}'));
    const kv = await g.page.locator('dl.kv').textContent();
    expect(kv).toContain('CN=<img src=x onerror=alert(2)>');
    expect(kv).toContain('\\u{202E}CA');
    expect(kv).toContain('Precertificate');
    // Enrichment: network-sourced strings (title, server, registrar, URLs, DNS names) as text.
    const enrich = (await g.page.locator('#h-enrich').locator('..').textContent())!;
    expect(enrich).toContain("title '<img src=x onerror=alert(3)> PayPal login'");
    expect(enrich).toContain('<b>Evil</b> Registrar \\u{202E}eno');
    expect(enrich).toContain('CNAME <script>x</script>[.]cdn[.]example');
    expect(enrich).toContain('evil[.]example/login');
    expect(enrich).toContain('re-check 1');
    expect(enrich).toContain('Earlier checks (1)');
    expect(await g.page.locator('#h-enrich ~ * .sev-critical').count()).toBeGreaterThan(0);
    const outbound = await g.page.$$eval('main a[href^="http"]', (as) => as.map((a) => a.getAttribute('href')));
    expect(outbound).toEqual([`https://crt.sh/?sha256=${api.hits.find((h) => h.id === 122)!.cert.sha256.toUpperCase()}`]);
    await g.page.click('.actions button:has-text("False positive")');
    await g.page.waitForSelector('.actions .msg:has-text("false positive")');
    expect(api.hits.find((h) => h.id === 122)!.status).toBe('false_positive');
    await g.page.selectOption('#h-takedown ~ form select', 'reported');
    await g.page.fill('#h-takedown ~ form input[type="date"]', '2026-01-02');
    await g.page.fill('#h-takedown ~ form textarea', 'sent to registrar <b>abuse</b>');
    await g.page.click('button:has-text("Save takedown status")');
    await g.page.waitForSelector('ol.history li:has-text("takedown")');
    expect(api.hits.find((h) => h.id === 122)!.takedown).toMatchObject({ status: 'reported', at: '2026-01-02', note: 'sent to registrar <b>abuse</b>' });
    expect(await g.page.locator('ol.history').textContent()).toContain('sent to registrar <b>abuse</b>');
  });

  it('keyboard: skip link, sort, select and open a hit without a mouse', async () => {
    await g.page.goto('about:blank');
    await g.page.goto(api.url + '/#/hits');
    await g.page.waitForSelector('table.hits tbody tr');
    await g.page.keyboard.press('Tab');
    expect(await g.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await g.page.keyboard.press('Enter');
    expect(await g.page.evaluate(() => document.activeElement?.id)).toBe('main');
    await g.page.focus('th button:has-text("Score")');
    await g.page.keyboard.press('Enter');
    await g.page.waitForFunction(() => location.hash.includes('sort=score'));
    const first = g.page.locator('table.hits tbody tr').first();
    const id = await first.getAttribute('data-hit-id');
    await first.locator('input[type="checkbox"]').focus();
    await g.page.keyboard.press('Space');
    expect(await g.page.locator('.toolbar .muted').textContent()).toBe('1 selected');
    await first.locator('a.hitlink').focus();
    await g.page.keyboard.press('Enter');
    await g.page.waitForFunction((id) => location.hash === `#/hits/${id}`, id);
    await g.page.waitForSelector('#hit-title');
    // The view change moves focus to the main landmark, so the next Tab starts in the content.
    expect(await g.page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('rules: brands with fired counts, and "test a name" answers through /api/v1/check', async () => {
    await g.page.goto(api.url + '/#/rules');
    await g.page.waitForSelector('#h-brands');
    expect(await g.page.locator('#h-brands ~ div table tbody tr').count()).toBe(4);
    await g.page.fill('#check-name', 'paypal-<b>x</b>.example');
    await g.page.click('button:has-text("Test")');
    await g.page.waitForSelector('.checkresult li');
    expect(await g.page.locator('.checkresult li li').first().textContent()).toBe("paypal-<b>x</b>[.]example: 'paypal' combined with phishing term");
  });

  it('own domains: inventory and own-domain hits', async () => {
    await g.page.goto(api.url + '/#/own');
    await g.page.waitForSelector('#h-inv');
    expect(await g.page.locator('#h-inv ~ div table tbody tr').count()).toBe(2);
    expect(await g.page.locator('#h-ownhits ~ div table tbody tr').count()).toBe(api.hits.filter((h) => h.watch).length);
  });

  it.each(['/#/', '/#/hits', '/#/hits/121', '/#/hits/122', '/#/rules', '/#/own'])('axe-core finds no serious or critical violation on %s', async (view) => {
    await g.page.goto(api.url + view);
    await g.page.waitForSelector('main h1');
    await g.page.waitForLoadState('networkidle').catch(() => undefined);
    await g.page.waitForFunction(() => !document.querySelector('[role="status"]')?.textContent?.includes('Loading'));
    expect(await axeSerious(g.page)).toEqual([]);
  });

  it.each(['/#/', '/#/hits', '/#/hits/124', '/#/rules', '/#/own'])('on a phone-sized screen %s does not overflow sideways', async (view) => {
    const phone = await guardedPage(browser, api.url, { width: 390, height: 844 });
    await login(phone.page, api.url, api.token);
    await phone.page.goto(api.url + view);
    await phone.page.waitForSelector('main h1');
    await phone.page.waitForLoadState('networkidle').catch(() => undefined);
    const [scroll, width] = await phone.page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(scroll).toBeLessThanOrEqual(width);
    expect([...phone.problems, ...phone.dialogs]).toEqual([]);
    await phone.page.context().close();
  });

  it('overview: a store whose hits are all older than 30 days (a replayed corpus) charts the 30 days up to the newest hit', async () => {
    const old = await startMockApi({ hits: makeHits(40, Date.parse('2025-05-03T18:00:00Z')) });
    try {
      const o = await guardedPage(browser, old.url);
      await login(o.page, old.url, old.token);
      await o.page.waitForSelector('svg.chart rect.bar');
      expect(await o.page.locator('.notice').textContent()).toContain('up to the newest hit (2025-05-03)');
      expect(await o.page.locator('svg.chart rect.bar').count()).toBeGreaterThan(10);
      expect([...o.problems, ...o.dialogs]).toEqual([]);
      await o.page.context().close();
    } finally {
      await old.close();
    }
  });

  it('during all of the above: no dialog, no page error, no CSP violation, nothing from another host', () => {
    expect(g.dialogs).toEqual([]);
    expect(g.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    expect(g.foreign).toEqual([]);
  });
});
