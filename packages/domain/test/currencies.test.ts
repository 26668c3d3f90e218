import { describe, expect, it } from 'vitest';
import { CURRENCY_CODES, currencyExponent, isCurrencyCode } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

describe('ISO 4217 currency table', () => {
  it.each([
    ['USD', 2],
    ['INR', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['UYI', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['IQD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['UYW', 4],
    ['XCG', 2],
    ['ZWG', 2],
  ])('gives %s an exponent of %i', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('holds every active code that has a minor unit, sorted and without duplicates', () => {
    expect(CURRENCY_CODES.length).toBeGreaterThanOrEqual(150);
    expect(CURRENCY_CODES.length).toBeLessThanOrEqual(185);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    expect([...CURRENCY_CODES].sort()).toEqual(CURRENCY_CODES);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it.each(['XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XTS', 'XXX', 'XSU', 'XUA'])('leaves out %s, which has no minor unit', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });

  it.each(['HRK', 'ZWL', 'SLL', 'ANG', 'BGN'])('leaves out the withdrawn %s', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });

  it.each(['usd', 'US', 'USDD', '', 'toString', '__proto__', 'constructor'])('does not recognise %j', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });

  it('throws invalid_currency for an unknown code', () => {
    const error = expectDomainError(() => currencyExponent('ABC'), 'invalid_currency');
    expect(error.details).toEqual({ currency: 'ABC' });
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(CURRENCY_CODES)).toBe(true);
  });
});
