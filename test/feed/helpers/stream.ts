/** Valid CertStream messages with chosen logs and indexes, and a pump that sends them steadily. */
import { navigliMessages } from '../../helpers/fixtures.js';
import type { FakeCertstream } from '../../helpers/certstream-server.js';

let real: any[] | null = null;

/** A real full-stream message (real DER and names) re-labelled as entry `index` of `logUrl`. */
export function certMessage(index: number, logUrl = 'https://test-log.example/'): any {
  real ??= navigliMessages().filter((m) => m.message_type === 'certificate_update');
  const m = structuredClone(real[index % real.length]);
  m.data.cert_index = index;
  m.data.source.url = logUrl;
  return m;
}

export const certText = (index: number, logUrl?: string): string => JSON.stringify(certMessage(index, logUrl));

/** The key the daemon deduplicates on, as the decoder normalises it. */
export const entryKey = (logUrl: string, index: number): string => `${logUrl}#${index}`;

/** Sends one new entry every `everyMs` to every client of the servers (same index to each). */
export class Pump {
  next = 0;
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly servers: FakeCertstream[],
    private readonly everyMs = 30,
    private readonly logUrl = 'https://test-log.example/',
  ) {}
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const text = certText(this.next++, this.logUrl);
      for (const s of this.servers) s.broadcast(text);
    }, this.everyMs);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Parsed pino lines of a test app. */
export function logLines(logs: string[]): any[] {
  return logs.flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

/** Value of one Prometheus sample ("name{labels}"), 0 when absent. */
export function metricValue(text: string, sample: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(sample + ' ')) return Number(line.slice(sample.length + 1));
  }
  return 0;
}
