import { DomainError } from '../errors.ts';

/**
 * The mandate state machine. A mandate is issued `active` (or `pending_approval` when a person must
 * decide), and moves only by these named transitions, each allowed from listed states:
 * - `use`: active → used, by the execute that pays with it, before it expires;
 * - `approve` / `reject`: pending_approval → active / rejected, by a person, before it expires;
 * - `release`: used → active, when the payment that used it failed with nothing charged, so the
 *   same mandate may pay again (until it expires).
 * Expiry is not a stored state: an unused mandate past `expires_at` reads as `expired`.
 */
export type MandateStatus = 'active' | 'pending_approval' | 'rejected' | 'used';
export type VisibleMandateStatus = MandateStatus | 'expired';
export type MandateTransition = 'use' | 'approve' | 'reject' | 'release';

export interface MandateState {
  status: MandateStatus;
  expiresAt: Date;
}

const isPast = (m: MandateState, now: Date) => now.getTime() >= m.expiresAt.getTime();

export function visibleMandateStatus(m: MandateState, now: Date): VisibleMandateStatus {
  return (m.status === 'active' || m.status === 'pending_approval') && isPast(m, now) ? 'expired' : m.status;
}

function expired(m: MandateState): DomainError {
  return new DomainError('mandate_expired', `The mandate expired at ${m.expiresAt.toISOString()}.`);
}

/** The status `transition` leads to; throws the error the caller answers with when it is not allowed now. */
export function nextMandateStatus(m: MandateState, transition: MandateTransition, now: Date): MandateStatus {
  switch (transition) {
    case 'use':
      if (m.status === 'used') throw new DomainError('mandate_already_used', 'The mandate has already been used.');
      if (m.status === 'rejected') throw new DomainError('mandate_not_approved', 'The mandate was rejected by a human.');
      if (isPast(m, now)) throw expired(m);
      if (m.status === 'pending_approval') throw new DomainError('mandate_not_approved', 'The mandate is waiting for human approval.');
      return 'used';
    case 'approve':
    case 'reject':
      if (m.status !== 'pending_approval') throw new DomainError('mandate_not_pending', `The mandate is ${m.status}, not pending approval.`);
      if (isPast(m, now)) throw expired(m);
      return transition === 'approve' ? 'active' : 'rejected';
    case 'release':
      if (m.status !== 'used') throw new DomainError('invalid_transition', `Only a used mandate can be released; this one is ${m.status}.`);
      return 'active';
  }
}
