/**
 * Real-browser harness for the dashboard tests: Debian's Chromium driven by playwright-core,
 * with guards that record every dialog, page error, console error and CSP violation (the tests
 * assert none happened), and axe-core run inside the page.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CTWATCH_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`dashboard browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does it)`);

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
}

export interface Guarded {
  page: Page;
  /** Dialogs opened (alert/confirm/prompt): must stay empty. */
  dialogs: string[];
  /** Uncaught page errors, console errors and CSP violations: must stay empty. */
  problems: string[];
  /** Requests to any origin other than the dashboard's own. */
  foreign: string[];
}

/** A page with the guards attached before any document loads. */
export async function guardedPage(browser: Browser, origin: string, viewport = { width: 1366, height: 900 }): Promise<Guarded> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const g: Guarded = { page, dialogs: [], problems: [], foreign: [] };
  page.on('dialog', (d) => {
    g.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => g.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy|securitypolicyviolation/i.test(m.text())) g.problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) g.foreign.push(r.url());
  });
  // The console's "Failed to load resource" names no URL: say which one, so a failure can be read.
  page.on('response', (r) => {
    if (r.status() >= 400 && r.status() !== 401) g.problems.push(`http ${r.status()}: ${new URL(r.url()).pathname}`);
  });
  // Runs before the page's own code (through DevTools, so the page CSP does not apply to it).
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`securitypolicyviolation ${e.violatedDirective} ${e.blockedURI}`));
    (window as unknown as { __pwned: number }).__pwned = 0;
  });
  return g;
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. axe is evaluated
 * through DevTools rather than page.addScriptTag: a <script> tag with inline content is exactly
 * what the dashboard's CSP forbids, and would itself be reported as a violation.
 */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  })) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Logs in the way a user does: opens the token URL, follows the redirect, waits for the app. */
export async function login(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/?token=${encodeURIComponent(token)}`);
  await page.waitForSelector('main h1');
}
