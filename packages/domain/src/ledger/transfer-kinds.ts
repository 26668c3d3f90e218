import { DomainError } from '../errors.ts';

/**
 * Every ledger transfer has a kind, and each kind moves money between listed account types only.
 * Payments on an external rail are two-phase, like TigerBeetle's pending transfers: `payment_hold`
 * moves the funds out of the wallet while the rail decides, and the transfer that resolves the hold
 * — `payment_capture` (to the vendor) or `payment_release` (back to the wallet) — names it. A hold
 * may be resolved in parts (a vendor that took less than was held: capture part, release the rest),
 * never for more than it holds.
 */
export type LedgerAccountType = 'agent_wallet' | 'vendor_payable' | 'test_funding' | 'rail_clearing' | 'developer_payable' | 'platform_revenue';
export type TransferKind = 'top_up' | 'payment' | 'payment_hold' | 'payment_capture' | 'payment_release' | 'refund';

interface KindRule {
  from: readonly LedgerAccountType[];
  to: readonly LedgerAccountType[];
  /** Whether a transfer of this kind resolves (names) a `payment_hold`. */
  resolvesHold: boolean;
}

export const TRANSFER_KINDS: Readonly<Record<TransferKind, KindRule>> = {
  top_up: { from: ['test_funding'], to: ['agent_wallet'], resolvesHold: false },
  /** On the ledger rail the transfer is the settlement: wallet → vendor at once. */
  payment: { from: ['agent_wallet'], to: ['vendor_payable'], resolvesHold: false },
  payment_hold: { from: ['agent_wallet'], to: ['rail_clearing'], resolvesHold: false },
  /** A marketplace run's capture is split: the developer's share and the platform's fee, both naming the hold. */
  payment_capture: { from: ['rail_clearing'], to: ['vendor_payable', 'developer_payable', 'platform_revenue'], resolvesHold: true },
  payment_release: { from: ['rail_clearing'], to: ['agent_wallet'], resolvesHold: true },
  refund: { from: ['vendor_payable'], to: ['agent_wallet'], resolvesHold: false },
};

export const TRANSFER_KIND_NAMES = Object.keys(TRANSFER_KINDS) as TransferKind[];

function invalid(message: string): DomainError {
  return new DomainError('invalid_transfer', message);
}

/** Refuses a transfer whose kind does not allow these account types, or that names a hold when its kind must not (or the reverse). */
export function assertTransferKind(kind: TransferKind, from: LedgerAccountType, to: LedgerAccountType, holdTransferId: string | null): void {
  const rule = TRANSFER_KINDS[kind];
  if (!rule.from.includes(from) || !rule.to.includes(to)) throw invalid(`a ${kind} transfer cannot move money from ${from} to ${to}`);
  if (rule.resolvesHold && !holdTransferId) throw invalid(`a ${kind} transfer must name the payment_hold it resolves`);
  if (!rule.resolvesHold && holdTransferId) throw invalid(`a ${kind} transfer resolves no hold`);
}

/** Refuses resolving a hold for more than it still holds. */
export function assertHoldResolution(hold: { kind: TransferKind; amount: number }, alreadyResolved: number, amount: number): void {
  if (hold.kind !== 'payment_hold') throw invalid(`the transfer named as the hold is a ${hold.kind}, not a payment_hold`);
  if (alreadyResolved + amount > hold.amount) {
    throw invalid(`the hold of ${hold.amount} has ${hold.amount - alreadyResolved} left; ${amount} cannot be resolved from it`);
  }
}
