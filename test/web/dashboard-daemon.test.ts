/**
 * Issue 15, front end, through the real daemon: `ctwatch run` replays the Navigli corpus and
 * hostile certificates; Chromium logs in with the token, finds the planted hits with the right
 * brand and severity, filters, acknowledges (checked with `ctwatch hits --json`), sees the
 * overview chart and every reason; hostile text stays inert; axe-core on every view; and not
 * one dialog, page error or CSP violation during the whole run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeSerious, guardedPage, HAVE_CHROMIUM, launch, login, type Guarded } from './helpers/browser.js';
import { WEB_DIST } from './helpers/mock-api.js';
import { startCorpusDaemon, TOKEN, type CorpusDaemon } from './helpers/daemon-corpus.js';
import { hostileEnrichment } from './helpers/fixture-data.js';
import { openStore } from '../../src/store/index.js';
import type { Enrichment } from '../../src/enrich/types.js';

/** Planted phishing names of the Navigli 2025h2 sample and what the demo rules make of them. */
const PLANTED: [name: string, brand: string, severity: string][] = [
  ['ozon.sberbank.pochta.kwid9.jccsmatrei.top', 'Sberbank', 'critical'],
  ['sberbanpuppoauarversecertpay.pay.yanditeug.secure.login.sert.suoadappwi-proxy.ezbricks-dev.codetools.in', 'Sberbank', 'critical'],
  ['avito.avito.pay.blablacar.kwid9.jccsmatrei.top', 'Avito', 'critical'],
  ['avito.avito.pay.blablacar.kwid9.jccsmatrei.top', 'BlaBlaCar', 'critical'],
  ['yandex.avito.nalozhka.kwid9.jccsmatrei.top', 'Avito', 'critical'],
  ['www.xzlfqportal.app.portal.35th.chixbbq.org', '.chixbbq.org', 'medium'],
];
const defanged = (s: string) => s.replace(/\./g, '[.]');

describe.skipIf(!HAVE_CHROMIUM)('dashboard (Chromium, real daemon, replayed corpus)', () => {
  let d: CorpusDaemon;
  let browser: Browser;
  let g: Guarded;

  beforeAll(async () => {
    if (!fs.existsSync(`${WEB_DIST}/index.html`)) execFileSync('node', ['scripts/build-web.mjs'], { stdio: 'inherit' });
    d = await startCorpusDaemon();
    browser = await launch();
    g = await guardedPage(browser, d.base);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('without the token the UI answers 401; the token URL logs in', async () => {
    const res = await g.page.goto(d.base + '/');
    expect(res?.status()).toBe(401);
    expect(await g.page.locator('body').textContent()).toContain('ctwatch dashboard');
    await login(g.page, d.base, TOKEN);
    expect(await g.page.locator('main h1').textContent()).toBe('Overview');
  });

  it('the overview chart renders non-zero bars and a legend of the brands', async () => {
    await g.page.waitForSelector('svg.chart rect.bar');
    const heights = await g.page.$$eval('svg.chart rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('height'))));
    expect(heights.length).toBeGreaterThan(0);
    expect(heights.every((h) => h > 0)).toBe(true);
    expect(await g.page.$$eval('.legend li bdi', (l) => l.map((e) => e.textContent))).toContain('PayPal');
    expect(Number(await g.page.locator('.kpi-n').first().textContent())).toBeGreaterThan(0);
  });

  it.each(PLANTED)('planted hit %s is in the table as %s, %s', async (name, brand, severity) => {
    await g.page.goto(`${d.base}/#/hits?q=${encodeURIComponent(name)}&brand=${encodeURIComponent(brand === '.chixbbq.org' ? '' : brand)}`);
    // The table cuts long names in the middle; the full defanged name is the cell's title.
    const row = g.page.locator('table.hits tbody tr', { has: g.page.locator(`td.namecol bdi.name[title="${defanged(name)}"]`) }).filter({ has: g.page.locator('td.brand', { hasText: brand }) });
    await row.first().waitFor();
    const shown = (await row.locator('td.namecol').first().textContent())!;
    const [head, tail] = shown.split('…');
    expect(defanged(name).startsWith(head) && defanged(name).endsWith(tail ?? '')).toBe(true);
    expect(await row.locator('td.brand').first().textContent()).toBe(brand);
    expect(await row.locator('.badge[class*="sev-"]').first().textContent()).toBe(severity);
  });

  it('filtering by brand and by severity narrows the table to what `ctwatch hits` lists', async () => {
    const all = await d.cliHits();
    const want = await d.cliHits(['--brand', 'BlaBlaCar', '--severity', 'critical']);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all.filter((h) => h.brand === 'BlaBlaCar').length);
    await g.page.goto(`${d.base}/#/hits`);
    await g.page.waitForSelector('table.hits tbody tr');
    await g.page.selectOption('select[name="brand"]', 'BlaBlaCar');
    await g.page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table.hits tbody td.brand')];
      return cells.length > 0 && cells.every((e) => e.textContent === 'BlaBlaCar');
    });
    await g.page.selectOption('select[name="severity"]', 'critical');
    await g.page.waitForFunction((n) => document.querySelectorAll('table.hits tbody tr').length === n, want.length);
    const ids = await g.page.$$eval('table.hits tbody tr', (r) => r.map((e) => Number(e.getAttribute('data-hit-id'))));
    expect(ids.sort()).toEqual(want.map((h) => h.id).sort());
    expect(new Set(await g.page.$$eval('table.hits tbody .badge[class*="sev-"]', (b) => b.map((e) => e.textContent)))).toEqual(new Set(['critical']));
  });

  it('acknowledging a hit in the UI changes its status in `ctwatch hits --json`', async () => {
    const target = (await d.cliHits(['--brand', 'Sberbank', '--status', 'new']))[0];
    await g.page.goto(`${d.base}/#/hits/${target.id}`);
    await g.page.waitForSelector('#hit-title');
    await g.page.click('.actions button:has-text("Acknowledge")');
    await g.page.waitForSelector('.actions .msg:has-text("acknowledged")');
    const after = (await d.cliHits()).find((h) => h.id === target.id)!;
    expect(after.status).toBe('acknowledged');
    // And in bulk from the table.
    await g.page.goto(`${d.base}/#/hits?brand=Avito&status=new`);
    await g.page.waitForSelector('table.hits tbody tr');
    const ids = (await g.page.$$eval('table.hits tbody tr', (r) => r.map((e) => Number(e.getAttribute('data-hit-id'))))).slice(0, 3);
    for (const id of ids) await g.page.check(`input[aria-label="Select hit ${id}"]`);
    await g.page.click('.toolbar button:has-text("False positive")');
    await g.page.waitForSelector('p.msg:has-text("3 hits marked false positive")');
    const cli = await d.cliHits();
    for (const id of ids) expect(cli.find((h) => h.id === id)!.status).toBe('false_positive');
  });

  it('hit detail shows every reason, the certificate and crt.sh by SHA-256 only', async () => {
    const h = (await d.cliHits(['--brand', 'BlaBlaCar'])).find((x) => x.reason.split('; ').length >= 4)!;
    await g.page.goto(`${d.base}/#/hits/${h.id}`);
    await g.page.waitForSelector('ul.reasons li');
    const parts = h.reason.split('; ');
    expect(await g.page.locator('ul.reasons li').count()).toBe(parts.length);
    const shown = await g.page.$$eval('ul.reasons li .reason', (r) => r.map((e) => e.textContent));
    expect(shown).toEqual(parts.map((p) => p.replace(/\./g, '[.]')));
    expect(await g.page.locator('dl.kv').textContent()).toContain(h.cert.sha256);
    const outbound = await g.page.$$eval('main a[href^="http"]', (as) => as.map((a) => a.getAttribute('href')));
    expect(outbound).toEqual([`https://crt.sh/?sha256=${h.cert.sha256.toUpperCase()}`]);
  });

  it('hostile names, subject and issuer show as inert text', async () => {
    const hostile = (await d.cliHits(['--brand', 'PayPal'])).filter((h) => h.cert.log === 'https://hostile-log.example/');
    expect(hostile.length).toBeGreaterThanOrEqual(6);
    await g.page.goto(`${d.base}/#/hits?brand=PayPal`);
    await g.page.waitForSelector('table.hits tbody tr');
    for (const h of hostile) expect(await g.page.locator(`tr[data-hit-id="${h.id}"] td.namecol`).textContent()).toContain('[.]');
    for (const h of hostile) {
      await g.page.goto(`${d.base}/#/hits/${h.id}`);
      await g.page.waitForSelector('ul.names li');
      const names = await g.page.$$eval('ul.names li', (l) => l.map((e) => e.textContent!));
      expect(names.length).toBe(h.names.length);
      const issuer = await g.page.locator('dl.kv dd').nth(1).textContent();
      expect(issuer).toContain('\\<img src=x onerror=alert(2)\\>');
      expect(issuer).toContain('\\u{202E}');
      expect(await g.page.inputValue('#raw-name')).toBe(h.name);
    }
    const script = hostile.find((h) => h.names.includes('<script>alert(1)</script>'))!;
    await g.page.goto(`${d.base}/#/hits/${script.id}`);
    await g.page.waitForSelector('ul.names li');
    expect(await g.page.$$eval('ul.names li', (l) => l.map((e) => e.textContent))).toContain('<script>alert(1)</script>');
    const rtl = hostile.find((h) => h.names.some((n) => n.includes('\u202E')))!;
    await g.page.goto(`${d.base}/#/hits/${rtl.id}`);
    await g.page.waitForSelector('ul.names li');
    expect(await g.page.$$eval('ul.names li', (l) => l.map((e) => e.textContent))).toContain('paypal-\\u{202E}moc[.]nigol[.]example');
    const long = hostile.find((h) => h.names.some((n) => n.length > 250))!;
    await g.page.goto(`${d.base}/#/hits/${long.id}`);
    await g.page.waitForSelector('ul.names li');
    const [scroll, width] = await g.page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(scroll).toBeLessThanOrEqual(width);
    expect(await g.page.locator('img').count()).toBe(0);
    expect(await g.page.locator('script').count()).toBe(1);
  });

  it('hit detail shows a stored enrichment, its network strings as text', async () => {
    const target = (await d.cliHits(['--brand', 'PayPal'])).find((h) => h.cert.log === 'https://hostile-log.example/')!;
    const store = openStore(path.join(d.dir, 'ctwatch.db'), { realertAfterMs: 86_400_000, checkpointOnClose: false });
    try {
      await store.enrichment.save(target.id, hostileEnrichment(0, new Date().toISOString()) as Enrichment, null);
    } finally {
      store.close();
    }
    await g.page.goto(`${d.base}/#/hits/${target.id}`);
    await g.page.waitForSelector('#h-enrich');
    const text = (await g.page.locator('#h-enrich').locator('..').textContent())!;
    expect(text).toContain("title '<img src=x onerror=alert(3)> PayPal login'");
    expect(text).toContain('CNAME <script>x</script>[.]cdn[.]example');
    expect(text).toContain('first look');
    expect(await g.page.locator('#h-enrich ~ * a').count()).toBe(0);
  });

  it('rules fired counts can be taken up to a past day (replayed corpora): /api/v1/rules?until=', async () => {
    const get = async (q: string) => fetch(`${d.base}/api/v1/rules${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const count = (r: { brands: { name: string; fired_7d: number }[] }, b: string) => r.brands.find((x) => x.name === b)!.fired_7d;
    const now = (await (await get('')).json()) as { brands: { name: string; fired_7d: number }[] };
    const then = (await (await get('?until=2025-05-03')).json()) as { brands: { name: string; fired_7d: number }[] };
    const avito = (await d.cliHits(['--brand', 'Avito'])).filter((h) => h.first_seen.startsWith('2025-05-0')).length;
    expect(avito).toBeGreaterThan(0);
    expect(count(now, 'Avito')).toBe(0);
    expect(count(then, 'Avito')).toBe(avito);
    expect(count(then, 'PayPal')).toBe(0); // the hostile PayPal hits are from today
    expect((await get('?until=yesterday')).status).toBe(400);
  });

  it.each(['/#/', '/#/hits', '/#/hits/1', '/#/rules', '/#/own'])('axe-core: no serious or critical violation on %s', async (view) => {
    await g.page.goto(d.base + view);
    await g.page.waitForSelector('main h1');
    await g.page.waitForLoadState('networkidle').catch(() => undefined);
    await g.page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('Loading…'));
    expect(await axeSerious(g.page)).toEqual([]);
  });

  it('during the whole run: no dialog, no page error, no CSP violation, nothing from another host', () => {
    expect(g.dialogs).toEqual([]);
    expect(g.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    expect(g.foreign).toEqual([]);
  });
});
