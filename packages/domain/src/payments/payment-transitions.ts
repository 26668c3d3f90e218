/**
 * The payment state machine. A payment starts `pending` on an external rail (or is `settled` at once
 * on the ledger rail) and moves only forward: `settle` and `fail` apply from `pending` only. News that
 * would move a payment backwards (a failure after success, or a success after we already released the
 * funds of a failed payment) is recorded, never applied; the second case means money moved that the
 * ledger does not show, so it is flagged for a human.
 */
export type PaymentStatus = 'pending' | 'settled' | 'failed';
export type PaymentTransition = 'settle' | 'fail';

export type TransitionDecision =
  | { kind: 'apply'; next: PaymentStatus }
  | { kind: 'already'; status: PaymentStatus }
  | { kind: 'record'; attention: string | null };

const TARGET: Record<PaymentTransition, PaymentStatus> = { settle: 'settled', fail: 'failed' };

export function decidePaymentTransition(current: PaymentStatus, transition: PaymentTransition): TransitionDecision {
  const target = TARGET[transition];
  if (current === 'pending') return { kind: 'apply', next: target };
  if (current === target) return { kind: 'already', status: current };
  if (current === 'failed' && transition === 'settle') {
    return { kind: 'record', attention: 'The rail reported a success after the payment was marked failed and its funds released' };
  }
  return { kind: 'record', attention: null };
}
