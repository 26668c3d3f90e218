/**
 * The refund state machine: a refund is `pending` while its amount is reserved on the payment, and
 * ends `succeeded` (the money went back) or `failed` (nothing was refunded; the reservation is
 * released). Both apply from `pending` only; news about a refund that already ended changes nothing.
 */
export type RefundStatus = 'pending' | 'succeeded' | 'failed';
export type RefundTransition = 'succeed' | 'fail';

export type RefundDecision = { kind: 'apply'; next: RefundStatus } | { kind: 'already'; status: RefundStatus };

export function decideRefundTransition(current: RefundStatus, transition: RefundTransition): RefundDecision {
  if (current !== 'pending') return { kind: 'already', status: current };
  return { kind: 'apply', next: transition === 'succeed' ? 'succeeded' : 'failed' };
}
