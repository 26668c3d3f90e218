import { currencyExponent } from './currencies.ts';

/**
 * The largest magnitude of any balance: every integer up to it is exactly a JavaScript number, so
 * a balance read from the database is never rounded. The database refuses balances beyond it.
 */
export const MAX_EXACT_MINOR = Number.MAX_SAFE_INTEGER;

/** The largest single amount a request may ask for, in major units of any currency. */
const MAX_MAJOR_UNITS = 999_999_999;

/**
 * The largest single amount in a currency's minor units (999 999 999.99 INR, 999 999 999 JPY), as
 * card processors cap an amount per currency. Far below MAX_EXACT_MINOR for every ISO 4217 exponent,
 * so sums of a few amounts stay exact too.
 */
export function maxAmount(currency: string): number {
  return (MAX_MAJOR_UNITS + 1) * 10 ** currencyExponent(currency) - 1;
}
