/**
 * `console`: one human-readable line per hit (and per health/digest message) on stdout.
 * Names are control-escaped and defanged, so no ANSI escape, CR or bidi override from a
 * certificate reaches the terminal.
 */
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { renderAlert, SEVERITY_LABEL } from '../format/render.js';
import type { AlertMessage, Notifier, ProviderDefinition } from '../types.js';
import { DeliveryError } from '../types.js';

export const consoleConfigSchema = z.strictObject({
  /** Which standard stream to write to. */
  stream: z.enum(['stdout', 'stderr']).default('stdout'),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

/** The lines `console` prints for `message` (no trailing newline). Pure; exported for tests. */
export function consoleLines(message: AlertMessage): string[] {
  const r = renderAlert(message, Number.MAX_SAFE_INTEGER);
  const test = r.test ? 'TEST ' : '';
  if (r.kind === 'hits' || r.kind === 'update') {
    const update = r.kind === 'update' ? `UPDATE (${r.notes.join('; ')}) ` : '';
    return r.hits.map((h) => {
      const where = h.target !== null ? ` ${h.target}` : '';
      const extra = h.enrichment.map((e) => ` ${e.split(':', 1)[0]!.toLowerCase()}="${e.slice(e.indexOf(':') + 2)}"`).join('');
      return `${test}${update}${SEVERITY_LABEL[h.severity]}${where} ${h.technique} ${h.name} score=${h.score} reason="${h.reason}"${extra}`;
    });
  }
  const facts = r.facts.map((f) => `${f.label}=${f.value}`).join(' ');
  return [`${r.title}: ${r.notes.join(' ')}${facts ? ` (${facts})` : ''}`];
}

/** A console notifier writing to `out`. Exported so tests can capture the output. */
export function createConsoleNotifier(id: string, out: Writable): Notifier {
  return {
    id,
    type: 'console',
    async send(message: AlertMessage): Promise<void> {
      const text = consoleLines(message).map((l) => `ctwatch: ${l}\n`).join('');
      await new Promise<void>((resolve, reject) => {
        out.write(text, (err) =>
          err ? reject(new DeliveryError('write_failed', `console ${id}: write failed`, { cause: err })) : resolve(),
        );
      });
    },
  };
}

export const consoleProvider: ProviderDefinition<ConsoleConfig> = {
  type: 'console',
  configSchema: consoleConfigSchema,
  secretFields: [],
  audience: 'human',
  ratePerSecond: 1000,
  maxHitsPerMessage: 1000,
  create(id, config) {
    return createConsoleNotifier(id, config.stream === 'stderr' ? process.stderr : process.stdout);
  },
};
