/** Shared test helpers: hit builders and a real HTTP receiver on 127.0.0.1. */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertMessage, HitAlert, ProviderContext } from '../../src/notify/types.js';

/** A name with every hostile ingredient the content-safety rules must neutralise. */
export const HOSTILE_NAME = 'paypal-<script>alert(1)</script>*bold*_it_`code`&amp;\u202Emoc.login.http://x@everyone';

export function makeHit(over: Partial<HitAlert> = {}): HitAlert {
  return {
    id: 'dlv-1',
    hitId: 1,
    name: 'paypa1-login.com',
    brand: 'PayPal',
    watch: null,
    technique: 'typosquat:substitution',
    severity: 'high',
    score: 82,
    reason: 'looks like paypal.com (1 substitution)',
    names: ['paypa1-login.com', 'www.paypa1-login.com'],
    cert: {
      sha256: 'a'.repeat(64),
      issuer: "C=US, O=Let's Encrypt, CN=R11",
      subject: 'CN=paypa1-login.com',
      serial: '03f1a2b3c4',
      not_before: '2026-11-20T10:00:00Z',
      not_after: '2027-02-18T10:00:00Z',
      precert: true,
      log: 'https://ct.example.net/2026h2/',
      index: 123456,
    },
    seen_at: '2026-11-20T10:00:05Z',
    ...over,
  };
}

export function hitsMessage(hits: HitAlert[], id = 'dlv-1', test?: boolean): AlertMessage {
  return test ? { kind: 'hits', id, hits, test } : { kind: 'hits', id, hits };
}

export function makeCtx(): ProviderContext & { secrets: string[] } {
  const secrets: string[] = [];
  return { secrets, addSecret: (v: string) => void secrets.push(v) };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Queue of answers; when empty, answers 200 "ok". */
  answers: ((res: ServerResponse) => void)[];
  close(): Promise<void>;
}

/** Starts a real HTTP server on 127.0.0.1 recording every request. */
export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const received: Received[] = [];
  const answers: ((res: ServerResponse) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift();
      if (answer) answer(res);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const r = await startReceiver();
  await r.close();
  return r.port;
}

export function signal(ms = 10_000): AbortSignal {
  return AbortSignal.timeout(ms);
}
