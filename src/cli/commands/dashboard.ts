/** `ctwatch dashboard`: prints the dashboard's login URL (with its token). */
import type { LoadedConfig } from '../../config/load.js';
import { parseListen } from '../../http/listen.js';
import { resolveDashboardToken } from '../../http/token.js';

/** The login URL for a config: http://host:port/?token=T (wildcard addresses become loopback). */
export function dashboardUrl(loaded: LoadedConfig): string {
  const { host, port } = parseListen(loaded.config.http.listen);
  const { token } = resolveDashboardToken(loaded.config.http.token, loaded.config.store.path);
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}/?token=${encodeURIComponent(token)}`;
}

export function dashboardCommand(loaded: LoadedConfig): number {
  // Printed on purpose, so not through out() (which redacts secrets): this line is the login.
  process.stdout.write(`${dashboardUrl(loaded)}\n`);
  process.stderr.write('Open this URL in a browser on this machine; it logs you in. Keep it secret: it carries the access token.\n');
  return 0;
}
