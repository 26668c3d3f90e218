import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AmountSchema, amountWithinCurrencyMaximum, CurrencySchema, maxAmount } from '../src/index.ts';

const Body = z.object({ amount: AmountSchema, currency: CurrencySchema }).superRefine(amountWithinCurrencyMaximum);

function issues(value: unknown): Array<{ path: string; message: string }> {
  const result = Body.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('money request schemas', () => {
  it('accepts an integer amount of minor units in an ISO 4217 currency', () => {
    expect(issues({ amount: 19900, currency: 'INR' })).toEqual([]);
    expect(issues({ amount: maxAmount('USD'), currency: 'USD' })).toEqual([]);
  });

  it('refuses floats, zero, lowercase and unknown currencies with a sentence', () => {
    expect(issues({ amount: 199.5, currency: 'INR' })).toEqual([{ path: 'amount', message: expect.stringContaining('integer number of minor units') }]);
    expect(issues({ amount: 0, currency: 'INR' })).toEqual([{ path: 'amount', message: expect.any(String) }]);
    expect(issues({ amount: 1, currency: 'inr' })[0]).toEqual({ path: 'currency', message: expect.stringContaining('uppercase ISO 4217') });
    expect(issues({ amount: 1, currency: 'XYZ' })).toEqual([{ path: 'currency', message: 'is not an ISO 4217 currency code' }]);
  });

  it('refuses an amount above the currency\'s maximum, naming it in major units', () => {
    const over = maxAmount('USD') + 1;
    expect(issues({ amount: over, currency: 'USD' })).toEqual([{ path: 'amount', message: expect.stringMatching(/^must be at most \d+ \(.+ USD\)/) }]);
  });

  it('leaves a field that failed on its own to its own issues', () => {
    const unsafe = issues({ amount: Number.MAX_SAFE_INTEGER + 2, currency: 'USD' });
    expect(unsafe.length).toBeGreaterThan(0);
    expect(unsafe.filter((issue) => issue.message.startsWith('must be at most') && issue.message.includes('largest single amount'))).toEqual([]);
    expect(issues({ amount: 10 ** 15, currency: 'XYZ' })).toEqual([{ path: 'currency', message: 'is not an ISO 4217 currency code' }]);
  });
});
