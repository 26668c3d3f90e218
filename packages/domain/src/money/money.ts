import { DomainError } from '../errors.ts';
import { currencyExponent } from './currencies.ts';

/** An amount in integer minor units (cents, paise, yen) and its ISO 4217 code. Never a float. */
export type Money = { amount: number; currency: string };

export function assertMinorAmount(amount: unknown, opts: { allowZero?: boolean } = {}): number {
  const allowed = Number.isSafeInteger(amount) && ((amount as number) > 0 || (opts.allowZero === true && amount === 0));
  if (!allowed) {
    const expectation = opts.allowZero ? 'a non-negative' : 'a positive';
    throw new DomainError('invalid_amount', `amount must be ${expectation} integer number of minor units`, { amount });
  }
  // -0 passes `=== 0`; normalise it so it never reaches JSON or the database as a sign.
  return (amount as number) === 0 ? 0 : (amount as number);
}

function assertSafeInteger(value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new DomainError('invalid_amount', 'amount must be an integer number of minor units', { amount: value });
  }
}

function checkedResult(result: number, operands: Record<string, unknown>): number {
  if (!Number.isSafeInteger(result)) {
    throw new DomainError('amount_overflow', 'the result is too large to be represented exactly', operands);
  }
  return result;
}

export function addMinor(a: number, b: number): number {
  assertSafeInteger(a);
  assertSafeInteger(b);
  return checkedResult(a + b, { a, b });
}

export function subtractMinor(a: number, b: number): number {
  assertSafeInteger(a);
  assertSafeInteger(b);
  return checkedResult(a - b, { a, b });
}

export function sumMinor(values: readonly number[]): number {
  return values.reduce((total, value) => addMinor(total, value), 0);
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new DomainError('currency_mismatch', `cannot combine ${a.currency} with ${b.currency}`, {
      currencies: [a.currency, b.currency],
    });
  }
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: addMinor(a.amount, b.amount), currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: subtractMinor(a.amount, b.amount), currency: a.currency };
}

/** (25000, 'INR') → "250.00"; string arithmetic, so no float rounding can creep in. */
export function formatMinor(amount: number, currency: string): string {
  assertSafeInteger(amount);
  const exponent = currencyExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount));
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

const MAJOR_AMOUNT = /^(\d+)(?:\.(\d+))?$/;

/**
 * "250.5" INR → 25050. Accepts only plain non-negative decimals: no sign, exponent, grouping or
 * spaces, and no more fraction digits than the currency has, so nothing is silently rounded.
 */
export function parseMajor(value: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = typeof value === 'string' ? MAJOR_AMOUNT.exec(value) : null;
  const whole = match?.[1];
  const fraction = match?.[2] ?? '';
  if (whole === undefined || fraction.length > exponent) {
    throw new DomainError('invalid_amount', `"${String(value)}" is not a valid ${currency} amount`, { value, currency });
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError('invalid_amount', `"${value}" is too large`, { value, currency });
  }
  return Number(minor);
}
