import { CtLogError } from './errors.js';

/**
 * Strict reader for TLS presentation-language structures (RFC 8446 §3) as used by RFC 6962.
 * Every read checks bounds and throws CtLogError('truncated') instead of reading past the end,
 * so a decoder built on it is total: it returns or throws, never hangs or crashes.
 */
export class TlsReader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what = 'structure',
  ) {}

  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (n > this.buf.length - this.pos) {
      throw new CtLogError('truncated', `${this.what}: ${field} needs ${n} bytes, ${this.remaining} left at offset ${this.pos}`);
    }
  }

  u8(field = 'uint8'): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field = 'uint16'): number {
    this.need(2, field);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(field = 'uint24'): number {
    this.need(3, field);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  /** Big-endian unsigned integer of `n` bytes (n ≤ 8); throws 'bad-value' beyond 2^53-1. */
  uint(n: number, field = `uint${n * 8}`): number {
    this.need(n, field);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.buf[this.pos + i]!);
    this.pos += n;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CtLogError('bad-value', `${this.what}: ${field} too large`);
    return Number(v);
  }

  u64(field = 'uint64'): number {
    return this.uint(8, field);
  }

  bytes(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Variable-length vector with a length prefix of `lenBytes` bytes (1, 2 or 3). */
  vec(lenBytes: 1 | 2 | 3, field = 'vector', min = 0): Uint8Array {
    const len = lenBytes === 1 ? this.u8(field) : lenBytes === 2 ? this.u16(field) : this.u24(field);
    if (len < min) throw new CtLogError('bad-value', `${this.what}: ${field} shorter than ${min} bytes`);
    return this.bytes(len, field);
  }

  /** Throws 'trailing-data' unless everything was consumed. */
  end(): void {
    if (this.pos !== this.buf.length) {
      throw new CtLogError('trailing-data', `${this.what}: ${this.buf.length - this.pos} trailing bytes`);
    }
  }
}

/** Big-endian encoding of a non-negative safe integer in `n` bytes. */
export function uintBytes(v: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt(v);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** Strict base64 decode (standard alphabet, padding optional); throws 'bad-base64'. */
export function decodeBase64(s: unknown, field: string): Uint8Array {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) {
    throw new CtLogError('bad-base64', `${field} is not base64`);
  }
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
