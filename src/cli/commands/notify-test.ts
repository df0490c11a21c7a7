/** `ctwatch notify test ID`: sends one clearly marked test alert through one notifier, directly. */
import type { LoadedConfig } from '../../config/load.js';
import { getProvider } from '../../notify/registry.js';
import { idPart } from '../../notify/alert-builder.js';
import { DeliveryError, type HitAlert } from '../../notify/types.js';
import { secrets } from '../../log/secrets.js';
import { CliError, EXIT_USAGE, out } from '../util.js';

export function sampleTestAlert(notifierId: string, now = new Date()): HitAlert {
  return {
    id: `ctw-test-${idPart(notifierId)}-${now.getTime()}`,
    hitId: 0,
    name: 'paypa1-login.example',
    brand: 'ctwatch test',
    watch: null,
    technique: 'test',
    severity: 'low',
    score: 0,
    reason: 'TEST: this is a test alert sent by `ctwatch notify test`; no certificate was seen',
    names: ['paypa1-login.example'],
    cert: { sha256: null, issuer: null, subject: null, serial: null, not_before: null, not_after: null, precert: false, log: null, index: null },
    seen_at: now.toISOString(),
  };
}

export async function notifyTestCommand(loaded: LoadedConfig, id: string | undefined): Promise<number> {
  if (!id) throw new CliError('notify test: give a notifier id', EXIT_USAGE);
  const n = loaded.notifiers.find((x) => x.id === id);
  if (!n) throw new CliError(`no notifier with id "${id}" (configured: ${loaded.notifiers.map((x) => x.id).join(', ') || 'none'})`, EXIT_USAGE);
  const def = getProvider(n.type)!;
  const notifier = def.create(n.id, n.options, { addSecret: (v) => secrets.add(v) });
  const alert = sampleTestAlert(n.id);
  try {
    await notifier.send({ kind: 'hits', id: alert.id, hits: [alert], test: true }, AbortSignal.timeout(loaded.config.delivery.timeout));
    out(`test alert delivered through ${n.id} (${n.type})\n`);
    return 0;
  } catch (e) {
    const code = e instanceof DeliveryError ? e.code : 'SEND_FAILED';
    throw new CliError(`test alert through ${n.id} (${n.type}) failed: ${code}: ${(e as Error).message}`, 1, { cause: e });
  } finally {
    await notifier.close?.();
  }
}
