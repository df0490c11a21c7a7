/** A v3 log_list.json naming test logs served on loopback. */
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export function writeLogList(dir: string, logs: { url: string; key: string; origin: string; description?: string }[], timestamp = '2026-11-01T00:00:00Z'): string {
  const list = {
    version: 'test',
    log_list_timestamp: timestamp,
    operators: [
      {
        name: 'ctwatch tests',
        email: [],
        logs: [],
        tiled_logs: logs.map((l, i) => ({
          description: l.description ?? `test log ${i}`,
          log_id: Buffer.alloc(32, i + 1).toString('base64'),
          key: l.key,
          monitoring_url: l.url,
          submission_url: `https://${l.origin}/`,
          mmd: 60,
          state: { usable: { timestamp: '2026-01-01T00:00:00Z' } },
        })),
      },
    ],
  };
  const file = path.join(dir, 'log_list.json');
  fs.writeFileSync(file, JSON.stringify(list));
  return file;
}

/** A throwaway RSA key pair standing in for Google's log list key (PEM public key written to `dir`). */
export function testListKey(dir: string): { privateKey: KeyObject; publicKeyFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyFile = path.join(dir, 'list_pubkey.pem');
  fs.writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKeyFile };
}

/** RSA PKCS#1 v1.5 / SHA-256 detached signature of `json`, as Google signs log_list.json. */
export function signList(json: Buffer, privateKey: KeyObject): Buffer {
  return sign('sha256', json, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
}

/** Writes `<name>.json` (the list file's bytes) and `<name>.sig` into `dir`, signed with `privateKey`. */
export function writeSignedCopy(listFile: string, dir: string, name: string, privateKey: KeyObject): void {
  const json = fs.readFileSync(listFile);
  fs.writeFileSync(path.join(dir, `${name}.json`), json);
  fs.writeFileSync(path.join(dir, `${name}.sig`), signList(json, privateKey));
}

/** Serves `body()` at /log_list.json and `sig()` at /log_list.sig. */
export async function listServer(body: () => Buffer, sig: () => Buffer): Promise<{ url: string; hits: () => number; close: () => void }> {
  let hits = 0;
  const srv: Server = createServer((req, res) => {
    if (req.url === '/log_list.sig') return void res.writeHead(200).end(sig());
    if (req.url !== '/log_list.json') return void res.writeHead(404).end();
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/log_list.json`, hits: () => hits, close: () => (srv.closeAllConnections(), srv.close()) };
}
