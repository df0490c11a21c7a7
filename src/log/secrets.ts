/**
 * The set of secret strings (webhook URLs, SMTP passwords, HMAC keys, `${ENV}` values put in
 * secret fields, credentials inside URLs; see config/load.ts) that must never be written anywhere. Everything that prints (the logger's stream, CLI
 * error output, `config check`) passes its text through `redact`.
 */

const REDACTED = '[redacted]';
/** Shorter values would redact ordinary words ("a", "true") and say little anyway. */
const MIN_SECRET_LENGTH = 4;

export class SecretRegistry {
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  /**
   * Registers a secret. Idempotent. Also registers the forms it takes inside JSON and URLs, and,
   * for a URL, the parts that carry the secret on their own (see urlParts).
   */
  add(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    for (const v of [value, ...urlParts(value)]) {
      const forms = new Set([v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)]);
      for (const f of forms) if (f.length >= MIN_SECRET_LENGTH) this.values.add(f);
    }
    // Longest first, so a URL is replaced whole before a token inside it.
    this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  /**
   * When `value` is a URL, registers its credentials (user info, token-like path segments and
   * query values: see urlParts) but not the URL itself; otherwise does nothing. Idempotent.
   */
  addUrlCredentials(value: string): void {
    const parts = urlParts(value);
    for (const p of parts.slice(1)) this.add(p);
  }

  /** Returns `text` with every registered secret replaced by "[redacted]". Pure. */
  redact(text: string): string {
    if (this.sorted.length === 0) return text;
    let out = text;
    for (const s of this.sorted) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}

/** Paths at least this long are a URL's secret on their own (Slack, Discord, Teams webhooks). */
const MIN_SECRET_PATH = 12;
/** Single path segments (tokens) and query values at least this long are secrets too. */
const MIN_SECRET_TOKEN = 16;

/**
 * The parts of a secret URL that may show up without the rest: its normalised form (what
 * `new URL(x).href` prints), user info, a long path (webhook URLs carry their token there), long
 * path segments and query values. Returns [] when `value` is not a URL; otherwise the href first
 * (addUrlCredentials relies on that). Pure.
 */
export function urlParts(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return [];
  }
  const parts = [u.href];
  const decode = (x: string) => {
    try {
      return decodeURIComponent(x);
    } catch {
      return x;
    }
  };
  if (u.password) parts.push(u.password, decode(u.password));
  if (u.username && u.password) parts.push(`${u.username}:${u.password}`);
  // A path is secret when it carries a token-like segment (webhook URLs); "/full-stream" is not.
  const tokens = u.pathname.split('/').filter((seg) => seg.length >= MIN_SECRET_TOKEN);
  if (tokens.length > 0 && u.pathname.length >= MIN_SECRET_PATH) parts.push(u.pathname + u.search);
  for (const seg of tokens) parts.push(seg, decode(seg));
  for (const v of u.searchParams.values()) if (v.length >= MIN_SECRET_TOKEN) parts.push(v);
  if (u.search.length > 1) parts.push(u.search.slice(1));
  return parts;
}

/**
 * A URL as it may be shown or stored (a feed URL in a database row, `config check`, a page):
 * user info replaced by `redacted` (so it is visible that there were credentials), the query
 * string by `?redacted`, token-like path segments (16+ characters, see urlParts) by `redacted`.
 * A value without `scheme://` (e.g. "replay:/file.jsonl") is returned unchanged; one that does
 * not parse becomes "[invalid url]". Pure, idempotent, never throws. The one owner of URL
 * redaction: use it rather than a local copy.
 *
 * `keepPath: true` is for URLs whose path is public configuration, not a credential (a CT log's
 * URL from the signed log list: `.../parcelyard2026h2.prod.certificate.transparency.goog/`): user
 * info and query are still redacted, the path is kept so the log can be told apart.
 */
export function redactUrl(value: string, opts: { keepPath?: boolean } = {}): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return '[invalid url]';
  }
  const hadUser = u.username !== '' || u.password !== '';
  u.username = '';
  u.password = '';
  if (!opts.keepPath) {
    u.pathname = u.pathname
      .split('/')
      .map((seg) => (seg.length >= MIN_SECRET_TOKEN ? 'redacted' : seg))
      .join('/');
  }
  if (u.search.length > 1) u.search = '?redacted';
  const out = u.toString();
  return hadUser ? out.replace('://', '://redacted@') : out;
}

/** The process-wide registry: secrets are process-wide facts, and every printer must see all of them. */
export const secrets = new SecretRegistry();
