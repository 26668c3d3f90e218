import { DomainError } from '../errors.ts';

/**
 * How much a refund takes back. Without an amount it is everything not yet refunded. `refunded`
 * counts refunds that succeeded and those still in flight, so two concurrent refunds cannot together
 * exceed what was captured.
 */
export function resolveRefundAmount(paymentAmount: number, refunded: number, requested: number | undefined): number {
  const remaining = paymentAmount - refunded;
  if (remaining <= 0) throw new DomainError('payment_fully_refunded', 'The payment has already been refunded in full');
  if (requested === undefined) return remaining;
  if (!Number.isSafeInteger(requested) || requested <= 0) {
    throw new DomainError('invalid_amount', 'A refund amount must be a positive integer in minor units');
  }
  if (requested > remaining) {
    throw new DomainError('refund_exceeds_payment', `Only ${remaining} minor units of this payment can still be refunded; ${requested} were requested`, { remaining });
  }
  return requested;
}
