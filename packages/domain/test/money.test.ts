import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_CODES,
  addMinor,
  addMoney,
  assertMinorAmount,
  currencyExponent,
  formatMinor,
  parseMajor,
  subtractMinor,
  subtractMoney,
  sumMinor,
} from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const MAX = Number.MAX_SAFE_INTEGER;

describe('assertMinorAmount', () => {
  it.each([1, 25_000, MAX])('accepts the positive integer %d', (amount) => {
    expect(assertMinorAmount(amount)).toBe(amount);
  });

  it.each([0, -1, 1.5, 0.1, MAX + 1, Number.NaN, Number.POSITIVE_INFINITY, '100', null, undefined, 10n])(
    'refuses %s as invalid_amount',
    (amount) => {
      expectDomainError(() => assertMinorAmount(amount), 'invalid_amount');
    },
  );

  it('accepts zero only when allowZero is set', () => {
    expect(assertMinorAmount(0, { allowZero: true })).toBe(0);
    expectDomainError(() => assertMinorAmount(0), 'invalid_amount');
  });

  it('still refuses a negative amount when zero is allowed', () => {
    expectDomainError(() => assertMinorAmount(-1, { allowZero: true }), 'invalid_amount');
  });

  it('normalises negative zero to zero', () => {
    expect(Object.is(assertMinorAmount(-0, { allowZero: true }), 0)).toBe(true);
  });
});

describe('minor-unit arithmetic', () => {
  it('adds and subtracts integers exactly', () => {
    expect(addMinor(10_050, 950)).toBe(11_000);
    expect(subtractMinor(10_050, 10_051)).toBe(-1);
  });

  it('reaches exactly the largest safe integer', () => {
    expect(addMinor(MAX - 1, 1)).toBe(MAX);
    expect(subtractMinor(-MAX + 1, 1)).toBe(-MAX);
  });

  it('throws amount_overflow one past the largest safe integer', () => {
    expectDomainError(() => addMinor(MAX, 1), 'amount_overflow');
    expectDomainError(() => subtractMinor(-MAX, 1), 'amount_overflow');
  });

  it('refuses fractional or unsafe operands as invalid_amount', () => {
    expectDomainError(() => addMinor(0.1, 0.2), 'invalid_amount');
    expectDomainError(() => subtractMinor(1, MAX + 2), 'invalid_amount');
  });

  it('sums a list, with zero for an empty list', () => {
    expect(sumMinor([])).toBe(0);
    expect(sumMinor([100, -30, 5])).toBe(75);
  });

  it('throws amount_overflow when a sum leaves the safe range', () => {
    expectDomainError(() => sumMinor([MAX, 1, -1]), 'amount_overflow');
  });
});

describe('Money', () => {
  const inr = (amount: number) => ({ amount, currency: 'INR' });

  it('adds and subtracts amounts of the same currency', () => {
    expect(addMoney(inr(25_000), inr(50))).toEqual(inr(25_050));
    expect(subtractMoney(inr(25_000), inr(50))).toEqual(inr(24_950));
  });

  it('refuses to combine different currencies with currency_mismatch', () => {
    const error = expectDomainError(() => addMoney(inr(1), { amount: 1, currency: 'USD' }), 'currency_mismatch');
    expect(error.details).toEqual({ currencies: ['INR', 'USD'] });
    expectDomainError(() => subtractMoney(inr(1), { amount: 1, currency: 'USD' }), 'currency_mismatch');
  });

  it('round-trips: (a + b) - b = a for any safe amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 51), max: 2 ** 51 }), fc.integer({ min: -(2 ** 51), max: 2 ** 51 }), (a, b) => {
        expect(subtractMoney(addMoney(inr(a), inr(b)), inr(b))).toEqual(inr(a));
        expect(addMoney(subtractMoney(inr(a), inr(b)), inr(b))).toEqual(inr(a));
      }),
    );
  });
});

describe('formatMinor', () => {
  it.each([
    [25_000, 'INR', '250.00'],
    [5, 'JPY', '5'],
    [-1050, 'USD', '-10.50'],
    [1, 'KWD', '0.001'],
    [1, 'USD', '0.01'],
    [0, 'USD', '0.00'],
    [-5, 'USD', '-0.05'],
    [12_345, 'CLF', '1.2345'],
    [-7, 'JPY', '-7'],
    [MAX, 'USD', '90071992547409.91'],
  ])('formats %d %s as "%s"', (amount, currency, expected) => {
    expect(formatMinor(amount, currency)).toBe(expected);
  });

  it('never prints a sign for negative zero', () => {
    expect(formatMinor(-0, 'USD')).toBe('0.00');
  });

  it('refuses a fractional amount and an unknown currency', () => {
    expectDomainError(() => formatMinor(1.5, 'USD'), 'invalid_amount');
    expectDomainError(() => formatMinor(1, 'XAU'), 'invalid_currency');
  });
});

describe('parseMajor', () => {
  it.each([
    ['250.00', 'INR', 25_000],
    ['250', 'INR', 25_000],
    ['250.5', 'INR', 25_050],
    ['0.01', 'USD', 1],
    ['0', 'USD', 0],
    ['007.50', 'USD', 750],
    ['5', 'JPY', 5],
    ['0.001', 'KWD', 1],
    ['1.2345', 'CLF', 12_345],
    ['90071992547409.91', 'USD', MAX],
  ])('parses "%s" %s as %d', (value, currency, expected) => {
    expect(parseMajor(value, currency)).toBe(expected);
  });

  it.each([
    ['-1.00', 'negative'],
    ['+1.00', 'signed'],
    ['1.001', 'more fraction digits than INR has'],
    ['abc', 'non-numeric'],
    ['1e3', 'exponent notation'],
    ['', 'empty'],
    [' 1.00', 'padded'],
    ['1,000.00', 'grouped'],
    ['1.', 'a bare point'],
    ['.5', 'a missing integer part'],
    ['1.2.3', 'two points'],
    ['Infinity', 'Infinity'],
    ['0x10', 'hexadecimal'],
    ['90071992547409.92', 'one minor unit beyond the safe range'],
  ])('refuses "%s" (%s) with invalid_amount', (value) => {
    expectDomainError(() => parseMajor(value, 'INR'), 'invalid_amount');
  });

  it('refuses any fraction for a currency without minor units', () => {
    expectDomainError(() => parseMajor('5.0', 'JPY'), 'invalid_amount');
  });

  it('refuses a value that is not a string', () => {
    expectDomainError(() => parseMajor(250 as unknown as string, 'INR'), 'invalid_amount');
  });

  it('refuses an unknown currency with invalid_currency', () => {
    expectDomainError(() => parseMajor('1.00', 'ABC'), 'invalid_currency');
  });

  it('round-trips with formatMinor for every currency exponent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCY_CODES), fc.integer({ min: 0, max: MAX }), (currency, amount) => {
        const text = formatMinor(amount, currency);
        expect(parseMajor(text, currency)).toBe(amount);
        const exponent = currencyExponent(currency);
        expect(text.split('.')[1]?.length ?? 0).toBe(exponent);
      }),
      { numRuns: 2000 },
    );
  });
});
