import { it } from 'vitest';
import { guardedPage, launch, login } from './helpers/browser.js';
import { startMockApi } from './helpers/mock-api.js';
it('shots', async () => {
  const api = await startMockApi();
  const b = await launch();
  for (const [vw, tag] of [[{ width: 1366, height: 900 }, 'desk'], [{ width: 390, height: 844 }, 'phone']] as const) {
    const g = await guardedPage(b, api.url, vw);
    await login(g.page, api.url, api.token);
    for (const v of ['/', '/hits', '/hits/124', '/rules', '/own']) {
      await g.page.goto(api.url + '/#' + v);
      await g.page.waitForLoadState('networkidle').catch(() => 0);
      await new Promise((r) => setTimeout(r, 300));
      await g.page.screenshot({ path: `/tmp/shot-${tag}-${v.replace(/\//g, "_")}.png`, fullPage: tag === "desk" });
    }
  }
  await b.close();
  await api.close();
});
