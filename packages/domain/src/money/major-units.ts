import { DomainError } from '../errors.ts';
import { assertMinorAmount, formatMinor, parseMajor } from './money.ts';

/**
 * Provider wire formats (Cashfree's `order_amount`, for one) count money in major units. These two
 * functions are the only way FrameOS crosses that boundary: they work on decimal digits, never on
 * floating-point arithmetic, and refuse anything they would otherwise have to round.
 */

/** 25000 INR → "250.00", 5 JPY → "5": a non-negative amount with exactly the currency's ISO 4217 digits. */
export function formatMajorUnits(minor: number, currency: string): string {
  return formatMinor(assertMinorAmount(minor, { allowZero: true }), currency);
}

/**
 * "250.00" INR → 25000, "250.5" → 25050, 250 → 25000. A number is read through its shortest decimal
 * form (`String(250.5)` is "250.5"), so a JSON number from a provider is judged by the digits it was
 * written with; exponent forms such as 1e21 or 1e-7 are refused rather than expanded.
 */
export function parseMajorUnits(major: string | number, currency: string): number {
  if (typeof major === 'number') {
    if (!Number.isFinite(major)) throw invalidMajor(major, currency);
    // -0 is a sign, not an amount below zero; String(-0) is "0".
    return parseMajor(String(major), currency);
  }
  if (typeof major !== 'string') throw invalidMajor(major, currency);
  return parseMajor(major, currency);
}

function invalidMajor(value: unknown, currency: string): DomainError {
  return new DomainError('invalid_amount', `${String(value)} is not a valid ${currency} amount`, { value, currency });
}
