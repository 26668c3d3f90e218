import { createHmac, randomBytes } from 'node:crypto';
import { DomainError } from '../errors.ts';

/** Standard Webhooks secrets: `whsec_` + base64 of 24–64 random bytes (we use 32). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function secretBytes(secret: string): Buffer {
  const raw = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (raw.length < 24 || raw.length > 64) throw new DomainError('invalid_webhook_secret', 'A webhook secret must decode to 24–64 bytes.');
  return raw;
}

export interface SignedWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs a delivery as the Standard Webhooks spec defines: HMAC-SHA256 over `{id}.{timestamp}.{body}`
 * with the decoded secret, base64, as `v1,<signature>`. Any Standard Webhooks library verifies it.
 */
export function signWebhook(secret: string, messageId: string, timestamp: Date, body: string): SignedWebhookHeaders {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  const signature = createHmac('sha256', secretBytes(secret)).update(`${messageId}.${seconds}.${body}`).digest('base64');
  return { 'webhook-id': messageId, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${signature}` };
}
