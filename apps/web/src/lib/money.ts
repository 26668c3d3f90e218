// The currency table is the domain's (ISO 4217 exponents), so the app and the API agree on minor units.
import { currencyExponent, isCurrencyCode } from '../../../../packages/domain/src/money/currencies.ts';

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, digits: number, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}|${digits}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, format);
  }
  return format;
}

/**
 * An amount in integer minor units, formatted in its currency: (19900, 'INR') → "₹199.00",
 * (500, 'JPY') → "¥500". Digits come from ISO 4217 (the domain's table), not from CLDR, and the
 * conversion is exact (string arithmetic, no float division). Unknown codes show the raw amount.
 */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  if (!Number.isSafeInteger(amount) || !isCurrencyCode(currency)) return `${amount} ${currency}`;
  const digits = currencyExponent(currency);
  const negative = amount < 0;
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  // Intl.NumberFormat accepts a decimal string exactly (no float rounding of large amounts).
  const formatted = formatter(currency, digits, locale).format((negative ? `-${major}` : major) as unknown as number);
  return formatted;
}
