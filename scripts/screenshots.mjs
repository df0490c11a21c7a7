#!/usr/bin/env node
/**
 * Takes the dashboard screenshots in docs/img/ from the demo data: starts `ctwatch demo --serve`
 * (the bundled real CT sample replayed into a temporary database, then the dashboard on a free
 * loopback port), logs in with the printed URL, and photographs each view in Debian's Chromium.
 * Usage: npm run build && node scripts/screenshots.mjs [--out docs/img]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = path.resolve(root, outArg > 0 ? process.argv[outArg + 1] : 'docs/img');
fs.mkdirSync(out, { recursive: true });

const demo = spawn(process.execPath, [path.join(root, 'bin/ctwatch.js'), 'demo', '--serve'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buf = '';
  demo.stdout.on('data', (d) => {
    buf += d;
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(buf);
    if (m) resolve(m[1]);
  });
  demo.on('exit', (code) => reject(new Error(`ctwatch demo exited (${code}) before printing the dashboard URL`)));
});
const base = new URL(url).origin;

const browser = await chromium.launch({
  executablePath: process.env.CTWATCH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync', '--hide-scrollbars'],
});
try {
  const shoot = async (name, view, { width = 1366, height = 900, fullPage = false, before } = {}) => {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.goto(base + '/' + view);
    await page.waitForSelector('main h1');
    if (before) await before(page);
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('Loading…'));
    await page.screenshot({ path: path.join(out, name), fullPage });
    console.log(`docs/img/${name}`);
    await page.close();
  };
  await shoot('dashboard-overview.png', '#/', { fullPage: true, before: (p) => p.waitForSelector('svg.chart rect.bar') });
  await shoot('dashboard-hits.png', '#/hits?severity=high', { before: (p) => p.waitForSelector('table.hits tbody tr') });
  let detail = '#/hits/1';
  {
    const page = await browser.newPage();
    await page.goto(url);
    const r = await page.evaluate(async () => (await (await fetch('/api/v1/hits?severity=critical&sort=score&limit=1')).json()).hits[0]?.id);
    if (r) detail = `#/hits/${r}`;
    await page.close();
  }
  await shoot('dashboard-hit.png', detail, { fullPage: true, before: (p) => p.waitForSelector('ul.reasons li') });
  await shoot('dashboard-rules.png', '#/rules', { fullPage: true, before: (p) => p.waitForSelector('#h-brands') });
  await shoot('dashboard-own.png', '#/own', { before: (p) => p.waitForSelector('#h-inv') });
  await shoot('dashboard-phone.png', '#/hits', { width: 390, height: 844, before: (p) => p.waitForSelector('table.hits tbody tr') });
} finally {
  await browser.close();
  demo.kill('SIGINT');
}
