import { describe, expect, it } from 'vitest';
import { formatMoney } from '../src/lib/money.ts';

describe('formatMoney', () => {
  it('formats minor units with the currency exponent', () => {
    expect(formatMoney(19900, 'INR', 'en-IN')).toBe('₹199.00');
    expect(formatMoney(100, 'USD', 'en-US')).toBe('$1.00');
    expect(formatMoney(5, 'USD', 'en-US')).toBe('$0.05');
  });

  it('uses ISO 4217 digits: none for JPY, three for KWD', () => {
    expect(formatMoney(500, 'JPY', 'en-US')).toBe('¥500');
    expect(formatMoney(1234, 'KWD', 'en-US')).toBe('KWD\u00a01.234');
  });

  it('groups digits and signs negatives in the locale', () => {
    expect(formatMoney(123456789, 'USD', 'en-US')).toBe('$1,234,567.89');
    expect(formatMoney(-250, 'EUR', 'de-DE')).toBe('-2,50\u00a0€');
  });

  it('is exact for the largest safe amounts (no float division)', () => {
    expect(formatMoney(9007199254740991, 'USD', 'en-US')).toBe('$90,071,992,547,409.91');
  });

  it('shows an unknown currency or a non-integer amount as it came', () => {
    expect(formatMoney(100, 'XYZ')).toBe('100 XYZ');
    expect(formatMoney(1.5, 'USD')).toBe('1.5 USD');
  });
});
