/**
 * The one error type the domain throws. `code` is stable and machine-readable; the server's
 * error table maps it to an HTTP status, so nothing in the domain knows about HTTP.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Every code this package throws, so the server's error table can be checked against it. */
export const DOMAIN_ERROR_CODES = [
  'invalid_amount',
  'amount_overflow',
  'invalid_currency',
  'currency_mismatch',
  'unbalanced_transfer',
  'invalid_transfer',
  'invalid_timezone',
  'invalid_signing_key',
  'invalid_mandate_claims',
  'mandate_expired',
  'mandate_invalid',
  'invalid_receipt',
  'invalid_shard_count',
  'invalid_webhook_secret',
  'payment_fully_refunded',
  'refund_exceeds_payment',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];
