import { TlsReader } from '../../../src/feed/ctlog/tls-reader.js';

/** Where each TileLeaf's parts sit in a data tile (test helper; the decoder is leaf.ts). */
export interface TileLeafAt {
  entryType: number;
  /** precert: the hashed tbs_certificate; x509: the certificate. */
  signed: { start: number; end: number };
  /** precert only: the unhashed pre_certificate. */
  pre: { start: number; end: number } | null;
}

export function tileLeaves(tile: Uint8Array): TileLeafAt[] {
  const r = new TlsReader(tile, 'tile');
  const out: TileLeafAt[] = [];
  while (r.remaining > 0) {
    r.u64();
    const entryType = r.u16();
    if (entryType === 1) r.bytes(32);
    const len = r.u24();
    const signed = { start: r.offset, end: r.offset + len };
    r.bytes(len);
    r.vec(2);
    let pre: TileLeafAt['pre'] = null;
    if (entryType === 1) {
      const l = r.u24();
      pre = { start: r.offset, end: r.offset + l };
      r.bytes(l);
    }
    r.vec(2);
    out.push({ entryType, signed, pre });
  }
  return out;
}

/** Replaces every occurrence of `from` with `to` (same length) inside b[start, end). Returns the count. */
export function replaceAll(b: Uint8Array, start: number, end: number, from: string, to: string): number {
  if (from.length !== to.length) throw new Error('replacement must keep the length');
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let n = 0;
  for (let i = buf.indexOf(from, start, 'latin1'); i >= 0 && i + from.length <= end; i = buf.indexOf(from, i + 1, 'latin1')) {
    buf.write(to, i, 'latin1');
    n++;
  }
  return n;
}
