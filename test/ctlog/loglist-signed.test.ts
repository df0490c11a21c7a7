/**
 * Issue 14: the log list is trusted only when signed. The real list shipped in data/ verifies
 * with Google's key pinned in the package; a refresh is accepted only with a good detached
 * signature (test lists are signed with a key made here), bounded in size, never older than
 * the list in use; `ct_logs: all` takes every log a browser accepts (usable and qualified).
 */
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLogList, parseSignedLogList, refreshLogList, selectLogs, signatureUrlOf, verifyLogListSignature } from '../../src/feed/ctlog/loglist.js';
import { loadShippedLogList, pinnedLogListKey, shippedDataPath } from '../../src/feed/ctlog/shipped-list.js';
import { signList, testListKey, writeLogList } from './helpers/log-list.js';
import { testLogKey } from './helpers/testlog.js';
import { tmpDir } from '../helpers/fixtures.js';

const shippedJson = fs.readFileSync(shippedDataPath('log_list.json'));
const shippedSig = fs.readFileSync(shippedDataPath('log_list.sig'));

describe('the shipped list and the pinned key', () => {
  it("the real 2026-08-20 list verifies with Google's pinned key, and loads", () => {
    expect(verifyLogListSignature(shippedJson, shippedSig, pinnedLogListKey())).toBe(true);
    const list = loadShippedLogList();
    expect(list).toMatchObject({ version: '89.25', timestamp: '2026-08-20T13:34:57Z' });
    // The pinned key is Google's (the file in the shared data set, byte for byte).
    expect(fs.readFileSync(shippedDataPath('log_list_pubkey.pem'), 'utf8')).toBe(fs.readFileSync('/work/shared/data/ctlog/google-v3/log_list_pubkey.pem', 'utf8'));
  });

  it.each([
    ['one byte of the list changed', () => [Buffer.from(shippedJson).fill(0x20, 100, 101), shippedSig] as const],
    ['one byte of the signature changed', () => [shippedJson, Buffer.from(shippedSig).fill(0, 10, 11)] as const],
    ['an empty signature', () => [shippedJson, Buffer.alloc(0)] as const],
  ])('fails with %s', (_w, make) => {
    const [json, sig] = make();
    expect(verifyLogListSignature(json, sig, pinnedLogListKey())).toBe(false);
    expect(() => parseSignedLogList(json, sig, pinnedLogListKey())).toThrow(expect.objectContaining({ code: 'bad-signature' }));
  });

  it('a list signed by another key does not verify with the pinned key', () => {
    const k = testListKey(tmpDir());
    expect(verifyLogListSignature(shippedJson, signList(shippedJson, k.privateKey), pinnedLogListKey())).toBe(false);
  });

  it("ct_logs: all takes every usable and qualified log (what a browser accepts), nothing else", () => {
    const list = loadShippedLogList();
    const now = new Date('2026-08-21T00:00:00Z');
    const picked = selectLogs(list, 'all', now).logs;
    const expected = list.logs.filter((l) => (l.state === 'usable' || l.state === 'qualified') && (!l.temporalInterval || Date.parse(l.temporalInterval.endExclusive) > now.getTime()));
    expect(picked.map((l) => l.url)).toEqual(expected.map((l) => l.url));
    expect(picked.some((l) => l.state === 'qualified')).toBe(true);
    expect(picked.some((l) => l.kind === 'static')).toBe(true);
    expect(picked.every((l) => l.state === 'usable' || l.state === 'qualified')).toBe(true);
    expect(list.logs.some((l) => l.state === 'retired' || l.state === 'readonly' || l.state === 'rejected' || l.state === 'pending')).toBe(true);
  });
});

describe('refreshLogList', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => (s.closeAllConnections(), s.close())));

  async function serve(files: Record<string, () => { status?: number; body: Buffer; headers?: Record<string, string> }>): Promise<string> {
    const srv = createServer((req, res) => {
      const f = files[req.url ?? ''];
      if (!f) return void res.writeHead(404).end();
      const a = f();
      res.writeHead(a.status ?? 200, a.headers ?? {}).end(a.body);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    servers.push(srv);
    return `http://127.0.0.1:${(srv.address() as AddressInfo).port}/list/log_list.json`;
  }

  const dir = tmpDir();
  const k = testListKey(dir);
  const key = createPublicKey(fs.readFileSync(k.publicKeyFile));
  const listOf = (ts: string) => fs.readFileSync(writeLogList(tmpDir(), [{ url: 'http://127.0.0.1:9/a/', key: testLogKey().keyB64, origin: 'a.example' }], ts));
  const previous = parseLogList(listOf('2026-10-01T00:00:00Z').toString('utf8'));

  it('accepts a list with a good signature (and derives the .sig URL)', async () => {
    const json = listOf('2026-11-01T00:00:00Z');
    const url = await serve({ '/list/log_list.json': () => ({ body: json }), '/list/log_list.sig': () => ({ body: signList(json, k.privateKey) }) });
    expect(signatureUrlOf(url)).toBe(url.replace(/\.json$/, '.sig'));
    const r = await refreshLogList(url, previous, { key });
    expect(r.failed).toBe(false);
    expect(r.list.timestamp).toBe('2026-11-01T00:00:00Z');
    expect(Buffer.from(r.signed!.json).equals(json)).toBe(true);
  });

  it.each([
    ['a bad signature', 'bad-signature', (json: Buffer) => ({ json, sig: Buffer.from(signList(json, k.privateKey)).fill(1, 0, 4) })],
    ['a list changed after signing', 'bad-signature', (json: Buffer) => ({ json: Buffer.concat([json, Buffer.from(' ')]), sig: signList(json, k.privateKey) })],
    ['a list signed by another key', 'bad-signature', (json: Buffer) => ({ json, sig: signList(json, testListKey(tmpDir()).privateKey) })],
    ['a list older than the one in use (rollback)', 'bad-loglist', () => { const json = listOf('2026-09-01T00:00:00Z'); return { json, sig: signList(json, k.privateKey) }; }],
    ['a body over the cap after decompression (gzip bomb)', 'too-large', (json: Buffer) => ({ json, sig: signList(json, k.privateKey), bomb: true })],
    ['no signature file', 'http', (json: Buffer) => ({ json, sig: null })],
  ])('refuses %s and keeps the previous list', async (_w, code, make) => {
    const m = make(listOf('2026-11-01T00:00:00Z')) as { json: Buffer; sig: Buffer | null; bomb?: boolean };
    const url = await serve({
      '/list/log_list.json': () => (m.bomb ? { body: gzipSync(Buffer.alloc(16 << 20, 0x20)), headers: { 'content-encoding': 'gzip' } } : { body: m.json }),
      ...(m.sig ? { '/list/log_list.sig': () => ({ body: m.sig! }) } : {}),
    });
    const r = await refreshLogList(url, previous, { key, maxBytes: 1 << 20 });
    expect(r.failed).toBe(true);
    expect(r.list).toBe(previous);
    expect(r.error?.code).toBe(code);
    expect(r.signed).toBeUndefined();
  });
});
