/**
 * `exec`: runs a configured program once per alert, without a shell, with certspotter-
 * compatible environment variables (see exec-env.ts) and JSON_FILENAME / TEXT_FILENAME
 * pointing to temporary files that are deleted when the program has finished.
 * Machine audience: one hit per message, raw names in the JSON file and CTWATCH_NAME.
 * A non-zero exit, a kill or a timeout is a failed (retryable) delivery; the error quotes
 * the exit code or signal, never the program's output.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { machinePayload } from '../format/payload.js';
import { renderAlert } from '../format/render.js';
import { plainTextBody } from '../format/text.js';
import type { AlertMessage, Notifier, ProviderDefinition } from '../types.js';
import { DeliveryError } from '../types.js';
import { certspotterJsonFields, hookEnv } from './exec-env.js';

export const execConfigSchema = z.strictObject({
  /** Path of the program (absolute, or found on PATH). Run directly, never through a shell. */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** The program is killed (SIGKILL, whole process group) after this long. */
  timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
  /** Extra environment variables for the program. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  /**
   * Pass ctwatch's own environment through. Off by default: it may hold secrets
   * (e.g. CTWATCH_WEBHOOK_SECRET). PATH, HOME, LANG, TZ and TMPDIR are always passed.
   */
  inherit_env: z.boolean().default(false),
});
export type ExecConfig = z.infer<typeof execConfigSchema>;

const BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

function baseEnv(inherit: boolean): Record<string, string> {
  if (inherit) return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const out: Record<string, string> = {};
  for (const k of BASE_ENV) if (process.env[k] !== undefined) out[k] = process.env[k]!;
  return out;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

/** Runs the program and resolves when it exits; rejects only when it cannot start. */
function run(cfg: ExecConfig, env: Record<string, string>, signal: AbortSignal): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // detached: the child leads its own process group, so a timeout kills its children too.
    const child = spawn(cfg.command, cfg.args, { env, stdio: 'ignore', detached: true, shell: false, windowsHide: true });
    let timedOut = false;
    let aborted = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, cfg.timeout_ms);
    const onAbort = () => {
      // The dispatcher's timeout for this notifier is timeout_ms (see timeoutMs below): the same limit.
      if ((signal.reason as { name?: string } | undefined)?.name === 'TimeoutError') timedOut = true;
      else aborted = true;
      kill();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    child.once('error', (err) => {
      done();
      reject(err);
    });
    child.once('exit', (code, sig) => {
      done();
      resolve({ code, signal: sig, timedOut, aborted });
    });
  });
}

class ExecNotifier implements Notifier {
  readonly type = 'exec';
  constructor(
    readonly id: string,
    private readonly config: ExecConfig,
  ) {}

  async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
    const payload = machinePayload(message); // throws permanent DeliveryError for >1 hit
    if (message.kind === 'hits') Object.assign(payload, certspotterJsonFields(message.hits[0]!));
    const dir = await mkdtemp(join(tmpdir(), 'ctwatch-exec-'));
    try {
      const jsonFile = join(dir, 'event.json');
      const textFile = join(dir, 'event.txt');
      await writeFile(jsonFile, JSON.stringify(payload, null, 2) + '\n', { mode: 0o600 });
      await writeFile(textFile, plainTextBody(renderAlert(message, 1)) + '\n', { mode: 0o600 });
      const env = {
        ...baseEnv(this.config.inherit_env),
        ...this.config.env,
        ...hookEnv(message),
        JSON_FILENAME: jsonFile,
        TEXT_FILENAME: textFile,
      };
      let out: Outcome;
      try {
        out = await run(this.config, env, signal);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const permanent = code === 'ENOENT' || code === 'EACCES';
        throw new DeliveryError(permanent ? 'exec_not_runnable' : 'exec_spawn', `exec ${this.id}: cannot run the hook (${String(code ?? 'error')})`, { permanent, cause: err });
      }
      if (out.aborted && !out.timedOut) throw new DeliveryError('timeout', `exec ${this.id}: hook killed (delivery aborted)`);
      if (out.timedOut) throw new DeliveryError('timeout', `exec ${this.id}: hook killed after ${this.config.timeout_ms} ms`);
      if (out.signal !== null) throw new DeliveryError('exec_signal', `exec ${this.id}: hook killed by ${out.signal}`);
      if (out.code !== 0) throw new DeliveryError('exec_exit', `exec ${this.id}: hook exited with code ${out.code}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

export const execProvider: ProviderDefinition<ExecConfig> = {
  type: 'exec',
  configSchema: execConfigSchema,
  secretFields: ['env'],
  audience: 'machine',
  ratePerSecond: 10,
  maxHitsPerMessage: 1,
  create(id, config, ctx) {
    for (const v of Object.values(config.env)) ctx.addSecret(v);
    return new ExecNotifier(id, config);
  },
  timeoutMs: (config) => config.timeout_ms,
};
