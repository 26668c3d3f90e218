import { DomainError } from '@frameos/domain';
import type { MandateRow } from './mandates.repo.ts';

export type StoredMandateStatus = MandateRow['status'];
/** What the API shows: an unused mandate past its expiry reads as `expired`. */
export type VisibleMandateStatus = StoredMandateStatus | 'expired';

export function visibleStatus(m: Pick<MandateRow, 'status' | 'expiresAt'>, now: Date): VisibleMandateStatus {
  if ((m.status === 'active' || m.status === 'pending_approval') && now.getTime() >= m.expiresAt.getTime()) return 'expired';
  return m.status;
}

/** The named transition `use`: allowed only from active and before expiry. */
export function assertUsable(m: Pick<MandateRow, 'status' | 'expiresAt'>, now: Date): void {
  if (m.status === 'used') throw new DomainError('mandate_already_used', 'The mandate has already been used.');
  if (m.status === 'rejected') throw new DomainError('mandate_not_approved', 'The mandate was rejected by a human.');
  if (now.getTime() >= m.expiresAt.getTime()) throw new DomainError('mandate_expired', `The mandate expired at ${m.expiresAt.toISOString()}.`);
  if (m.status === 'pending_approval') throw new DomainError('mandate_not_approved', 'The mandate is waiting for human approval.');
}

/** The named transitions `approve` and `reject`: allowed only from pending_approval and before expiry. */
export function assertDecidable(m: Pick<MandateRow, 'status' | 'expiresAt'>, now: Date): void {
  if (m.status !== 'pending_approval') throw new DomainError('mandate_not_pending', `The mandate is ${m.status}, not pending approval.`);
  if (now.getTime() >= m.expiresAt.getTime()) throw new DomainError('mandate_expired', `The mandate expired at ${m.expiresAt.toISOString()}.`);
}
