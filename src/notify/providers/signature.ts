/**
 * Standard Webhooks symmetric signatures (https://www.standardwebhooks.com/, "v1"):
 * HMAC-SHA256 over `{id}.{timestamp}.{body}`, base64, sent as `v1,<sig>`.
 */
import { createHmac } from 'node:crypto';

/**
 * The HMAC key for a configured secret: `whsec_<base64>` is base64-decoded (as the spec's
 * reference libraries do); any other string is used as its UTF-8 bytes. Pure.
 */
export function signingKey(secret: string): Buffer {
  if (secret.startsWith('whsec_')) return Buffer.from(secret.slice('whsec_'.length), 'base64');
  return Buffer.from(secret, 'utf8');
}

/** The `webhook-signature` header value for one attempt. Pure. */
export function sign(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
