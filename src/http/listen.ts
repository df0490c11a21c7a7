/** The `http.listen` address. Kept apart from server.ts so the CLI can read it without loading fastify. */

/** Parses "127.0.0.1:9797", "[::1]:9797" or ":9797". Throws with code HTTP_LISTEN on nonsense. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw Object.assign(new Error(`http.listen: "${listen}" is not host:port`), { code: 'HTTP_LISTEN' });
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
