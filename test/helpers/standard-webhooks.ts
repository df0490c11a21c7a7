/**
 * An independent Standard Webhooks verifier, written from the spec for the tests (not the code
 * under test): signature = base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), header
 * `webhook-signature: v1,<sig>` (space-separated list); a `whsec_` secret is base64 of the key.
 */
import crypto from 'node:crypto';

export function verifyStandardWebhook(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return sig.split(' ').some((part) => {
    const [v, s] = part.split(',');
    return v === 'v1' && s !== undefined && s.length === expected.length && crypto.timingSafeEqual(Buffer.from(s), Buffer.from(expected));
  });
}
