import { describe, expect, it } from 'vitest';
import { CURRENCY_CODES, currencyExponent, MAX_EXACT_MINOR, maxAmount } from '../src/index.ts';

describe('maxAmount', () => {
  it('is 999 999 999 major units in every ISO 4217 currency, exactly', () => {
    for (const currency of CURRENCY_CODES) {
      const max = maxAmount(currency);
      expect(Number.isSafeInteger(max)).toBe(true);
      expect(BigInt(max) + 1n).toBe(1_000_000_000n * 10n ** BigInt(currencyExponent(currency)));
    }
  });

  it('leaves room for many maximum amounts inside the exact range', () => {
    const largest = Math.max(...CURRENCY_CODES.map(maxAmount));
    expect(largest * 100).toBeLessThan(MAX_EXACT_MINOR);
  });

  it('refuses a currency that is not ISO 4217', () => {
    expect(() => maxAmount('XYZ')).toThrow(expect.objectContaining({ code: 'invalid_currency' }));
  });
});
