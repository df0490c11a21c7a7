/**
 * Worker thread body for ParsePool: full @peculiar/x509 parses of candidate certificates, off the
 * thread that reads the feed and writes the database. Input and output are plain data.
 */
import { parentPort } from 'node:worker_threads';
import { parseCertificate } from '../cert/full-parse.js';
import type { CertDetails } from '../cert/types.js';

export interface ParseRequest {
  id: number;
  ders: Uint8Array[];
}

/** CertDetails with dates as epoch ms (structured-clone safe either way, but explicit). */
export type WireDetails = Omit<CertDetails, 'notBefore' | 'notAfter'> & { notBefore: number | null; notAfter: number | null };
export type ParseResult = { ok: true; details: WireDetails } | { ok: false; code: string; message: string };

parentPort?.on('message', (req: ParseRequest) => {
  const results: ParseResult[] = req.ders.map((der) => {
    try {
      const d = parseCertificate(der);
      return { ok: true, details: { ...d, notBefore: d.notBefore?.getTime() ?? null, notAfter: d.notAfter?.getTime() ?? null } };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, code: e.code ?? 'CERT_PARSE', message: String(e.message ?? err).slice(0, 200) };
    }
  });
  parentPort!.postMessage({ id: req.id, results });
});
