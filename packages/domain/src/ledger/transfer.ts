import { DomainError } from '../errors.ts';
import { currencyExponent } from '../money/currencies.ts';
import { addMinor, assertMinorAmount, type Money } from '../money/money.ts';

/** One leg of a transfer: negative debits the account, positive credits it. */
export type Posting = { accountId: string; amount: number; currency: string };

function unbalanced(message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('unbalanced_transfer', message, details);
}

/** Double entry: at least two legs, none empty, and every currency nets to exactly zero. */
export function assertBalancedPostings(postings: readonly Posting[]): void {
  if (postings.length < 2) throw unbalanced('a transfer needs at least two postings');
  // BigInt so that large legs cannot lose precision on the way to zero.
  const totals = new Map<string, bigint>();
  for (const posting of postings) {
    if (!Number.isSafeInteger(posting.amount) || posting.amount === 0) {
      throw unbalanced('every posting amount must be a non-zero integer number of minor units', { posting });
    }
    totals.set(posting.currency, (totals.get(posting.currency) ?? 0n) + BigInt(posting.amount));
  }
  for (const [currency, total] of totals) {
    if (total !== 0n) {
      throw unbalanced(`postings in ${currency} do not sum to zero`, { currency, total: total.toString() });
    }
  }
}

export function buildTransferPostings(from: string, to: string, money: Money): Posting[] {
  const amount = assertMinorAmount(money.amount);
  currencyExponent(money.currency);
  if (!from || !to) throw new DomainError('invalid_transfer', 'both accounts are required', { from, to });
  if (from === to) throw new DomainError('invalid_transfer', 'cannot transfer to the same account', { account: from });
  return [
    { accountId: from, amount: -amount, currency: money.currency },
    { accountId: to, amount, currency: money.currency },
  ];
}

/**
 * The balances after the postings, as a new map. Refuses unbalanced postings so that no caller
 * can apply half a transfer.
 */
export function applyPostings(balances: ReadonlyMap<string, number>, postings: readonly Posting[]): Map<string, number> {
  assertBalancedPostings(postings);
  const next = new Map(balances);
  for (const posting of postings) {
    next.set(posting.accountId, addMinor(next.get(posting.accountId) ?? 0, posting.amount));
  }
  return next;
}
