/**
 * Money from invoice text as integer minor units, by string arithmetic only (no floating point):
 * "1,234.56" → 123456 (2 decimals), "1.234,56" → 123456, "¥1,200" → 1200 (0 decimals), "(12.50)" → -1250.
 */

const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, HUF: 2, KWD: 3, BHD: 3, OMR: 3, JOD: 3, TND: 3 };
export const exponentOf = (currency: string) => EXPONENTS[currency] ?? 2;

export const SYMBOLS: [string, string][] = [['US$', 'USD'], ['C$', 'CAD'], ['A$', 'AUD'], ['S$', 'SGD'], ['R$', 'BRL'], ['€', 'EUR'], ['£', 'GBP'], ['₹', 'INR'], ['¥', 'JPY'], ['₩', 'KRW'], ['CHF', 'CHF'], ['Rs.', 'INR'], ['Rs', 'INR'], ['$', 'USD']];
export const CODES = ['USD', 'EUR', 'GBP', 'INR', 'JPY', 'CAD', 'AUD', 'CHF', 'SGD', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'BRL', 'MXN', 'ZAR', 'AED', 'KRW', 'CNY', 'HKD', 'KWD', 'BHD'];


/** Integer minor units of a decimal amount written in `raw`, or null when it is not one. */
export function parseMinor(raw: string, exponent: number): number | null {
  let s = raw.trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  s = s.replace(/US\$|C\$|A\$|S\$|R\$|Rs\.?|[$€£₹¥₩]|\b[A-Z]{3}\b/g, '').trim();
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1).trim();
  }
  if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1).trim();
  }
  s = s.replace(/[' \u00a0]/g, '');
  if (!/^\d[\d.,]*$/.test(s)) return null;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let intPart = s;
  let fraction = '';
  const sep = Math.max(lastDot, lastComma);
  if (sep !== -1) {
    const sepChar = s[sep]!;
    const after = s.slice(sep + 1);
    const both = lastDot !== -1 && lastComma !== -1;
    const repeated = s.indexOf(sepChar) !== sep;
    // The last separator is the decimal one when both kinds appear, or when it is used once and is
    // not followed by exactly three digits (1,234 is a thousand; 12,34, 12.5 and 0.105 are decimals).
    const leadingZero = /^0+$/.test(s.slice(0, sep));
    const isDecimal = both || (!repeated && (after.length !== 3 || exponent === 3 || leadingZero));
    if (isDecimal) {
      intPart = s.slice(0, sep);
      fraction = after;
    }
  }
  intPart = intPart.replace(/[.,]/g, '');
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(fraction)) return null;
  // Round half up past the currency's decimals, on the digits.
  let digits = intPart + fraction.padEnd(exponent, '0').slice(0, exponent);
  const rest = fraction.slice(exponent);
  if (rest && rest[0]! >= '5') digits = incrementDigits(digits);
  const value = Number(digits.replace(/^0+(?=\d)/, ''));
  if (!Number.isSafeInteger(value)) return null;
  return negative ? -value : value;
}

function incrementDigits(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '9') chars[i] = '0';
    else {
      chars[i] = String(Number(chars[i]) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}

/** A decimal quantity as an integer numerator over 10^scale ("1.5" → [15, 1]); null when not a number. */
export function parseDecimal(raw: string): [number, number] | null {
  const s = raw.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const [i, f = ''] = s.split('.');
  return [Number(`${i}${f}`), f.length];
}

/** amount == quantity × unit price, exactly: quantity n / 10^k, so n × unit == amount × 10^k. */
export function lineMatches(quantity: [number, number], unitPrice: number, amount: number): boolean {
  const [n, k] = quantity;
  const scale = 10 ** k;
  const product = n * unitPrice;
  if (!Number.isSafeInteger(product) || !Number.isSafeInteger(amount * scale)) return false;
  // Amounts are rounded to the currency's minor unit: allow the rounding of n × unit / 10^k.
  return Math.abs(product - amount * scale) * 2 <= scale;
}
