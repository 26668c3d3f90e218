import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_CODES, currencyExponent, formatMajorUnits, parseMajorUnits } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const MAX = Number.MAX_SAFE_INTEGER;

describe('formatMajorUnits', () => {
  it.each([
    [25_000, 'INR', '250.00'],
    [25_050, 'INR', '250.50'],
    [1, 'INR', '0.01'],
    [0, 'INR', '0.00'],
    [5, 'JPY', '5'],
    [1, 'KWD', '0.001'],
    [12_345, 'CLF', '1.2345'],
    [MAX, 'INR', '90071992547409.91'],
  ])('formats %d %s as "%s"', (minor, currency, expected) => {
    expect(formatMajorUnits(minor, currency)).toBe(expected);
  });

  it('prints negative zero as zero', () => {
    expect(formatMajorUnits(-0, 'INR')).toBe('0.00');
  });

  it.each([-1, 1.5, 0.1, MAX + 1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s with invalid_amount', (minor) => {
    expectDomainError(() => formatMajorUnits(minor, 'INR'), 'invalid_amount');
  });

  it('refuses an amount that is not a number', () => {
    expectDomainError(() => formatMajorUnits('25000' as unknown as number, 'INR'), 'invalid_amount');
  });

  it.each(['XAU', 'inr', '', 'ABC'])('refuses the currency "%s" with invalid_currency', (currency) => {
    expectDomainError(() => formatMajorUnits(100, currency), 'invalid_currency');
  });

  it('never prints more fraction digits than the currency has, and exactly that many', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCY_CODES), fc.integer({ min: 0, max: MAX }), (currency, minor) => {
        const text = formatMajorUnits(minor, currency);
        expect(text).toMatch(/^\d+(\.\d+)?$/);
        expect(text.split('.')[1]?.length ?? 0).toBe(currencyExponent(currency));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseMajorUnits', () => {
  it.each<[string | number, string, number]>([
    ['250.00', 'INR', 25_000],
    ['250.5', 'INR', 25_050],
    ['250', 'INR', 25_000],
    [250, 'INR', 25_000],
    [250.5, 'INR', 25_050],
    [250.05, 'INR', 25_005],
    [0.1, 'INR', 10],
    [0, 'INR', 0],
    [-0, 'INR', 0],
    ['5', 'JPY', 5],
    [5, 'JPY', 5],
    ['0.001', 'KWD', 1],
    ['90071992547409.91', 'INR', MAX],
  ])('parses %s %s as %d', (major, currency, expected) => {
    expect(parseMajorUnits(major, currency)).toBe(expected);
  });

  it.each<[string | number, string]>([
    ['-1.00', 'a negative string'],
    [-1, 'a negative number'],
    [-0.01, 'a small negative number'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['1e3', 'exponent notation'],
    [1e21, 'a number JavaScript writes in exponent form'],
    [1e-7, 'a tiny number JavaScript writes in exponent form'],
    ['1.005', 'fractional paise'],
    [1.005, 'fractional paise as a number'],
    ['', 'empty'],
    [' 250', 'padded'],
    ['250.', 'a bare point'],
    ['.5', 'no integer part'],
    ['1,000', 'grouped'],
    ['+1', 'signed'],
    ['0x10', 'hexadecimal'],
    ['abc', 'not a number'],
    ['90071992547409.92', 'beyond the safe integer range'],
  ])('refuses %s (%s) with invalid_amount', (major) => {
    expectDomainError(() => parseMajorUnits(major, 'INR'), 'invalid_amount');
  });

  it('refuses any fraction for a currency without minor units', () => {
    expectDomainError(() => parseMajorUnits('5.5', 'JPY'), 'invalid_amount');
    expectDomainError(() => parseMajorUnits(5.5, 'JPY'), 'invalid_amount');
  });

  it('refuses values that are neither strings nor numbers', () => {
    for (const value of [null, undefined, 250n, { amount: 250 }, ['250']]) {
      expectDomainError(() => parseMajorUnits(value as unknown as string, 'INR'), 'invalid_amount');
    }
  });

  it('refuses an unknown currency with invalid_currency', () => {
    expectDomainError(() => parseMajorUnits('1.00', 'XYZ'), 'invalid_currency');
  });

  it('round-trips parse(format(x)) === x for every safe non-negative integer and currency', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCY_CODES), fc.integer({ min: 0, max: MAX }), (currency, minor) => {
        expect(parseMajorUnits(formatMajorUnits(minor, currency), currency)).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a JSON number written with two decimals as the same paise as its text', () => {
    // Up to 15 significant digits every two-decimal literal survives a trip through a double.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 15 - 1 }), (minor) => {
        const text = formatMajorUnits(minor, 'INR');
        const viaJson = JSON.parse(`{"order_amount":${text}}`) as { order_amount: number };
        expect(parseMajorUnits(viaJson.order_amount, 'INR')).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });
});
