import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPostings, assertBalancedPostings, buildTransferPostings, type Posting } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const leg = (accountId: string, amount: number, currency = 'INR'): Posting => ({ accountId, amount, currency });

describe('buildTransferPostings', () => {
  it('debits the source and credits the destination by the same amount', () => {
    expect(buildTransferPostings('wallet', 'vendor', { amount: 25_000, currency: 'INR' })).toEqual([
      leg('wallet', -25_000),
      leg('vendor', 25_000),
    ]);
  });

  it('builds postings that balance', () => {
    expect(() => assertBalancedPostings(buildTransferPostings('a', 'b', { amount: MAX, currency: 'USD' }))).not.toThrow();
  });

  it.each([0, -1, 1.5])('refuses an amount of %d with invalid_amount', (amount) => {
    expectDomainError(() => buildTransferPostings('a', 'b', { amount, currency: 'INR' }), 'invalid_amount');
  });

  it('refuses an unknown currency with invalid_currency', () => {
    expectDomainError(() => buildTransferPostings('a', 'b', { amount: 1, currency: 'ABC' }), 'invalid_currency');
  });

  it('refuses a transfer from an account to itself with invalid_transfer', () => {
    expectDomainError(() => buildTransferPostings('a', 'a', { amount: 1, currency: 'INR' }), 'invalid_transfer');
  });

  it('refuses a missing account with invalid_transfer', () => {
    expectDomainError(() => buildTransferPostings('', 'b', { amount: 1, currency: 'INR' }), 'invalid_transfer');
    expectDomainError(() => buildTransferPostings('a', '', { amount: 1, currency: 'INR' }), 'invalid_transfer');
  });
});

describe('assertBalancedPostings', () => {
  it('accepts legs that net to zero per currency, across several accounts and currencies', () => {
    expect(() =>
      assertBalancedPostings([leg('a', -300), leg('b', 100), leg('c', 200), leg('d', -5, 'USD'), leg('e', 5, 'USD')]),
    ).not.toThrow();
  });

  it('refuses an empty transfer and a single leg', () => {
    expectDomainError(() => assertBalancedPostings([]), 'unbalanced_transfer');
    expectDomainError(() => assertBalancedPostings([leg('a', 0)]), 'unbalanced_transfer');
  });

  it('refuses legs that are one minor unit off', () => {
    const error = expectDomainError(() => assertBalancedPostings([leg('a', -100), leg('b', 101)]), 'unbalanced_transfer');
    expect(error.details).toEqual({ currency: 'INR', total: '1' });
  });

  it('refuses legs that balance in total but not within each currency', () => {
    expectDomainError(() => assertBalancedPostings([leg('a', -100, 'INR'), leg('b', 100, 'USD')]), 'unbalanced_transfer');
  });

  it.each([0, 1.5, Number.NaN, MAX + 1])('refuses a leg of %d', (amount) => {
    expectDomainError(() => assertBalancedPostings([leg('a', amount), leg('b', -amount)]), 'unbalanced_transfer');
  });

  it('sums exactly where floating-point addition would round a one-unit imbalance away', () => {
    // In doubles MAX + 2 rounds to 2 ** 53, so these legs would appear to net to zero.
    expect(() => assertBalancedPostings([leg('a', MAX), leg('b', MAX), leg('c', -MAX), leg('d', -MAX)])).not.toThrow();
    expectDomainError(
      () => assertBalancedPostings([leg('a', MAX), leg('b', 2), leg('c', -MAX), leg('d', -1)]),
      'unbalanced_transfer',
    );
  });
});

describe('applyPostings', () => {
  it('returns new balances and leaves the input untouched', () => {
    const before = new Map([['wallet', 1000]]);
    const after = applyPostings(before, buildTransferPostings('wallet', 'vendor', { amount: 250, currency: 'INR' }));
    expect(after).toEqual(new Map([['wallet', 750], ['vendor', 250]]));
    expect(before).toEqual(new Map([['wallet', 1000]]));
  });

  it('refuses unbalanced postings rather than apply half a transfer', () => {
    expectDomainError(() => applyPostings(new Map(), [leg('a', -1), leg('b', 2)]), 'unbalanced_transfer');
  });

  it('throws amount_overflow when a balance would leave the safe range', () => {
    expectDomainError(
      () => applyPostings(new Map([['b', MAX]]), buildTransferPostings('a', 'b', { amount: 1, currency: 'INR' })),
      'amount_overflow',
    );
  });

  it('keeps the total of all balances in each currency at zero over any sequence of transfers', () => {
    const accounts = { INR: ['inr:a', 'inr:b', 'inr:c'], JPY: ['jpy:a', 'jpy:b'], KWD: ['kwd:a', 'kwd:b', 'kwd:c'] };
    const transfer = fc
      .constantFrom(...(Object.keys(accounts) as (keyof typeof accounts)[]))
      .chain((currency) =>
        fc.record({
          currency: fc.constant(currency),
          pair: fc.uniqueArray(fc.constantFrom(...accounts[currency]), { minLength: 2, maxLength: 2 }),
          amount: fc.integer({ min: 1, max: 1_000_000_000 }),
        }),
      );
    fc.assert(
      fc.property(fc.array(transfer, { maxLength: 60 }), (transfers) => {
        let balances: Map<string, number> = new Map();
        for (const { currency, pair, amount } of transfers) {
          const [from = '', to = ''] = pair;
          balances = applyPostings(balances, buildTransferPostings(from, to, { amount, currency }));
        }
        for (const [currency, ids] of Object.entries(accounts)) {
          const total = ids.reduce((sum, id) => sum + (balances.get(id) ?? 0), 0);
          expect(total, currency).toBe(0);
        }
      }),
    );
  });
});
