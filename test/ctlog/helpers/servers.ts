import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { hashLeaf, rootFromLeafHashes } from '../../../src/feed/ctlog/merkle.js';

/**
 * Local CT log servers for tests (node:http on 127.0.0.1 only).
 * `intercept` lets a test answer a request itself (429, 503, a changed entry...).
 */
export type Intercept = (req: IncomingMessage, url: URL) => { status: number; headers?: Record<string, string>; body?: string | Buffer } | null;

export interface RunningServer {
  url: string; // ends with '/'
  requests: Array<{ path: string; userAgent: string | undefined }>;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void, intercept?: () => Intercept | undefined): Promise<RunningServer & { server: Server }> {
  const requests: RunningServer['requests'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname + url.search, userAgent: req.headers['user-agent'] });
    const i = intercept?.()?.(req, url);
    if (i) {
      res.writeHead(i.status, i.headers ?? {});
      res.end(i.body ?? '');
      return;
    }
    handler(req, res, url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Rfc6962Entry {
  leaf_input: string;
  extra_data: string;
}

export interface Rfc6962ServerState {
  entries: Rfc6962Entry[];
  /** get-sth body. */
  sth: Record<string, unknown>;
  /** Largest get-entries answer. */
  maxBatch: number;
  /** Answer 404 to get-entry-and-proof (as some logs do), so clients use get-proof-by-hash. */
  noEntryAndProof?: boolean;
  intercept?: Intercept;
}

/** Audit path (RFC 6962 §2.1.1) of leaf m among `leaves`. */
export function auditPath(leaves: Uint8Array[], m: number): Uint8Array[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k ? [...auditPath(leaves.slice(0, k), m), rootFromLeafHashes(leaves.slice(k))] : [...auditPath(leaves.slice(k), m - k), rootFromLeafHashes(leaves.slice(0, k))];
}

export function rootOfEntries(entries: Rfc6962Entry[]): Uint8Array {
  return rootFromLeafHashes(entries.map((e) => hashLeaf(Buffer.from(e.leaf_input, 'base64'))));
}

/** An RFC 6962 log serving get-sth, get-entries and get-entry-and-proof from `state` (mutable). */
export async function startRfc6962Server(state: Rfc6962ServerState): Promise<RunningServer> {
  return listen(
    (_req, res, url) => {
      const json = (v: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      const p = url.pathname;
      if (p === '/ct/v1/get-sth') return json(state.sth);
      if (p === '/ct/v1/get-entries') {
        const start = Number(url.searchParams.get('start'));
        const end = Number(url.searchParams.get('end'));
        const size = Number(state.sth.tree_size);
        if (!(start >= 0 && end >= start && start < size)) return res.writeHead(400).end('bad range');
        return json({ entries: state.entries.slice(start, Math.min(end + 1, size, start + state.maxBatch)) });
      }
      if (p === '/ct/v1/get-proof-by-hash') {
        const want = url.searchParams.get('hash');
        const n = Number(url.searchParams.get('tree_size'));
        const leaves = state.entries.slice(0, n).map((e) => hashLeaf(Buffer.from(e.leaf_input, 'base64')));
        const i = leaves.findIndex((l) => Buffer.from(l).toString('base64') === want);
        if (i < 0) return res.writeHead(404).end();
        return json({ leaf_index: i, audit_path: auditPath(leaves, i).map((h) => Buffer.from(h).toString('base64')) });
      }
      if (p === '/ct/v1/get-entry-and-proof' && !state.noEntryAndProof) {
        const i = Number(url.searchParams.get('leaf_index'));
        const n = Number(url.searchParams.get('tree_size'));
        const leaves = state.entries.slice(0, n).map((e) => hashLeaf(Buffer.from(e.leaf_input, 'base64')));
        const e = state.entries[i]!;
        return json({ ...e, audit_path: auditPath(leaves, i).map((h) => Buffer.from(h).toString('base64')) });
      }
      res.writeHead(404).end();
    },
    () => state.intercept,
  );
}

/**
 * A static-ct-api log serving `files` (path relative to the prefix → body), mutable.
 * With `gzip`, data tiles are sent with Content-Encoding: gzip, as the spec lets logs do.
 */
export async function startStaticServer(files: Map<string, Buffer>, opts: { intercept?: Intercept; gzip?: boolean } = {}): Promise<RunningServer & { opts: { intercept?: Intercept } }> {
  const s = await listen(
    (_req, res, url) => {
      let body = files.get(url.pathname.slice(1));
      if (!body) return res.writeHead(404).end();
      const type = url.pathname === '/checkpoint' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
      const headers: Record<string, string> = { 'content-type': type };
      if (opts.gzip && url.pathname.startsWith('/tile/data/')) {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = String(body.length);
      res.writeHead(200, headers).end(body);
    },
    () => opts.intercept,
  );
  return Object.assign(s, { opts });
}
