/**
 * Loads, validates and freezes the configuration. Everything that can be wrong with a config is
 * found here, before any component starts (and before a reload touches running state).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config, type NotifierConfig } from './schema.js';
import { ConfigError } from './errors.js';
import { substituteEnv, type Substitution } from './env-substitute.js';
import { secrets } from '../log/secrets.js';
import { getProvider } from '../notify/registry.js';

export const DEFAULT_CONFIG_PATH = 'config/ctwatch.yaml';

export interface LoadedConfig {
  /** Absolute path of the file read, or null when built from an object. */
  file: string | null;
  config: Readonly<Config>;
  /** Notifiers with provider-validated options. */
  notifiers: readonly NotifierConfig[];
  /** Paths of values that are secrets (for `config check` display). */
  secretPaths: readonly string[];
  /**
   * Things that are valid but probably not what the operator meant (no route to any notifier,
   * a route naming an unknown brand, ...), each "field: what and why". `run` logs them at start,
   * `config check` prints them.
   */
  warnings: readonly string[];
}

/** Which file to read: --config, else $CTWATCH_CONFIG, else config/ctwatch.yaml. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.CTWATCH_CONFIG ?? DEFAULT_CONFIG_PATH);
}

/** Reads and validates a config file. Throws ConfigError (code CONFIG_INVALID) naming each bad field. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`], { cause: err, file });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new ConfigError([`YAML syntax: ${(err as Error).message}`], { cause: err, file });
  }
  const loaded = buildConfig(raw ?? {}, env, file);
  // Relative paths in the file are relative to the working directory (like every CLI), except
  // that the replay file may also be given relative to the config file.
  return { ...loaded, file };
}

/** Validates an already-parsed config tree (used by tests and by loadConfigFile). */
export function buildConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, file: string | null = null): LoadedConfig {
  const substituted: Substitution[] = [];
  const { value, missing } = substituteEnv(raw, env, (s) => substituted.push(s));
  if (missing.length) throw new ConfigError(missing, { file: file ?? undefined });
  // Registered before validation, so no error message below can quote a secret.
  for (const s of substituted) registerSubstitution(s, raw);

  const tree = applyEnvOverrides(value, env);
  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues), { cause: parsed.error, file: file ?? undefined });
  const config = parsed.data;

  const issues: string[] = [];
  const secretPaths: string[] = [];
  const notifiers: NotifierConfig[] = [];
  const ids = new Set<string>();
  config.notifiers.forEach((n, i) => {
    const at = `notifiers[${i}]`;
    if (ids.has(n.id)) issues.push(`${at}.id: duplicate notifier id "${n.id}"`);
    ids.add(n.id);
    const provider = getProvider(n.type);
    if (!provider) {
      issues.push(`${at}.type: unknown notifier type "${n.type}"`);
      return;
    }
    const { id: _id, type: _type, rate_per_second: rate, ...rest } = n as Record<string, unknown>;
    const r = provider.configSchema.safeParse(rest);
    if (!r.success) {
      issues.push(...formatIssues(r.error.issues, at));
      return;
    }
    for (const f of provider.secretFields) {
      const v = (rest as Record<string, unknown>)[f];
      addSecretsDeep(v);
      if (v !== undefined) secretPaths.push(`${at}.${f}`);
    }
    // One timeout per notifier. It must end before the delivery's lease does, or a slow send
    // would be claimed again by the next pass and run twice (a hook's side effects repeated).
    const timeoutMs = provider.timeoutMs?.(r.data) ?? config.delivery.timeout;
    const timeoutKey = provider.timeoutMs?.(r.data) !== undefined ? `${at}.timeout_ms` : 'delivery.timeout';
    if (timeoutMs >= config.delivery.lease) {
      issues.push(`${timeoutKey}: ${timeoutMs} ms must be below delivery.lease (${config.delivery.lease} ms) for notifier "${n.id}", or a slow send is claimed again and repeated`);
    }
    notifiers.push({ id: n.id, type: n.type, options: r.data as Record<string, unknown>, ratePerSecond: rate as number | undefined, timeoutMs });
  });
  config.routes.forEach((r, i) =>
    r.notifiers.forEach((id, j) => {
      if (!ids.has(id)) issues.push(`routes[${i}].notifiers[${j}]: no notifier with id "${id}"`);
    }),
  );
  config.brands.forEach((b, i) => {
    // Without a domain there are no typosquats and no label keywords either: it can never match.
    if (b.domains.length === 0 && b.keywords.length === 0) issues.push(`brands[${i}]: brand "${b.name}" has neither domains nor keywords, so it can never match; give at least one of them`);
  });
  if (issues.length) throw new ConfigError(issues, { file: file ?? undefined });

  return { file, config: deepFreeze(config), notifiers: deepFreeze(notifiers), secretPaths, warnings: configWarnings(config) };
}

/** See LoadedConfig.warnings. Pure. */
function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.notifiers.length === 0) warnings.push('notifiers: none configured: hits are stored (ctwatch hits) but nobody is alerted');
  else if (config.routes.length === 0) warnings.push('routes: none configured: no hit and no health alert reaches any notifier; add e.g. routes: [{ notifiers: [' + config.notifiers[0]!.id + '] }]');
  else {
    const routed = new Set(config.routes.flatMap((r) => r.notifiers));
    config.notifiers.forEach((n, i) => {
      if (!routed.has(n.id)) warnings.push(`notifiers[${i}]: "${n.id}" is in no route: it only receives \`ctwatch notify test\``);
    });
  }
  const brands = new Set(config.brands.map((b) => b.name));
  const watches = new Set(config.watch.map((w) => w.domain));
  config.routes.forEach((r, i) => {
    r.brands?.forEach((b, j) => {
      if (!brands.has(b)) warnings.push(`routes[${i}].brands[${j}]: no brand named "${b}": this filter matches nothing`);
    });
    r.watch?.forEach((w, j) => {
      if (!watches.has(w)) warnings.push(`routes[${i}].watch[${j}]: no watch item "${w}": this filter matches nothing`);
    });
  });
  if (config.brands.length === 0 && config.watch.length === 0) warnings.push('brands, watch: neither configured: nothing can match');
  return warnings;
}

/** CTWATCH_FEED_URL replaces the feed source; it wins over the file so one config serves many hosts. */
function applyEnvOverrides(tree: unknown, env: NodeJS.ProcessEnv): unknown {
  if (!env.CTWATCH_FEED_URL) return tree;
  const t = (tree && typeof tree === 'object' ? { ...(tree as Record<string, unknown>) } : {}) as Record<string, unknown>;
  const feed = { ...((t.feed as Record<string, unknown>) ?? {}) };
  delete feed.urls;
  delete feed.replay;
  delete feed.ct_logs;
  feed.url = env.CTWATCH_FEED_URL;
  t.feed = feed;
  return t;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((iss) => {
    let at = prefix;
    for (const p of iss.path) at += typeof p === 'number' ? `[${p}]` : at ? `.${String(p)}` : String(p);
    if (iss.code === 'unrecognized_keys') {
      return iss.keys.map((k) => `${at ? `${at}.` : ''}${k}: unknown key`).join('; ');
    }
    return `${at || '(root)'}: ${iss.message}`;
  });
}

/** Key names whose values are secrets wherever they appear (`pass`, `password`, `secret`, `token`, `api_key`, ...). */
const SECRET_KEY = /(^|[_-])(pass|password|passwd|secret|token|api[_-]?key|apikey|credentials?|private[_-]?key|authorization)$/i;

/**
 * Decides whether a substituted value is a secret (and registers it for redaction):
 * a `${file:}` / `${cred:}` value always (those are how secrets are passed); an `${ENV}` value when
 * it lands in a notifier's secret field (the provider's secretFields) or under a key named like a
 * secret. Otherwise only the credentials of the URL it is part of (user info, tokens) are secret:
 * `${LOG_LEVEL}` = "info" must not turn every "info" in the logs into "[redacted]".
 */
function registerSubstitution(s: Substitution, raw: unknown): void {
  if (s.kind !== 'env' || isSecretPath(s.path, raw)) secrets.add(s.value);
  secrets.addUrlCredentials(s.result);
}

/** True for a notifier's secret field (per its provider) or a key named like a secret, anywhere in `path`. */
function isSecretPath(path: string, raw: unknown): boolean {
  const keys = path.split(/\.|\[\d+\]/).filter(Boolean);
  if (keys.some((k) => SECRET_KEY.test(k))) return true;
  const m = /^notifiers\[(\d+)\]\.([^.[]+)/.exec(path);
  if (!m) return false;
  const n = (raw as { notifiers?: { type?: unknown }[] } | null)?.notifiers?.[Number(m[1])];
  const provider = typeof n?.type === 'string' ? getProvider(n.type) : undefined;
  // An unknown type fails validation below; until then treat its values as secret.
  return provider === undefined || provider.secretFields.includes(m[2]!);
}

/** A secret field may be an object (SMTP auth, extra headers): every string inside is secret. */
function addSecretsDeep(v: unknown): void {
  if (typeof v === 'string') secrets.add(v);
  else if (Array.isArray(v)) v.forEach(addSecretsDeep);
  else if (v && typeof v === 'object') Object.values(v).forEach(addSecretsDeep);
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
