import { DomainError } from '../errors.ts';

/**
 * The purchase-intent state machine: an intent waits for a mandate (`requires_mandate`), gets one
 * at once or after a person's approval, and succeeds when a payment under it settles. A payment
 * that fails leaves it `mandated` (its mandate is released and may pay again).
 */
export type IntentStatus = 'requires_mandate' | 'pending_approval' | 'mandated' | 'succeeded' | 'failed' | 'canceled';
export type IntentTransition = 'mandate' | 'await_approval' | 'approve' | 'reject' | 'succeed';

export const INTENT_TRANSITIONS: Readonly<Record<IntentTransition, { from: readonly IntentStatus[]; to: IntentStatus }>> = {
  mandate: { from: ['requires_mandate'], to: 'mandated' },
  await_approval: { from: ['requires_mandate'], to: 'pending_approval' },
  approve: { from: ['pending_approval'], to: 'mandated' },
  reject: { from: ['pending_approval'], to: 'canceled' },
  succeed: { from: ['mandated'], to: 'succeeded' },
};

/** The status `transition` leads to from `current`; throws when it is not allowed from there. */
export function nextIntentStatus(current: IntentStatus, transition: IntentTransition): IntentStatus {
  const { from, to } = INTENT_TRANSITIONS[transition];
  if (from.includes(current)) return to;
  if (transition === 'mandate' || transition === 'await_approval') {
    throw new DomainError('intent_not_mandatable', `The purchase intent is ${current}; it cannot get another mandate.`);
  }
  throw new DomainError('invalid_transition', `A purchase intent cannot ${transition} from ${current}.`);
}
