import { z } from 'zod';
import { isCurrencyCode } from './currencies.ts';
import { formatMinor } from './money.ts';
import { maxAmount } from './limits.ts';

/**
 * The request schemas of money, shared by every API, the SDK and manifests: a currency is an
 * ISO 4217 code, an amount a positive integer of its minor units — never a float.
 */
export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an uppercase ISO 4217 code such as INR or USD')
  .refine(isCurrencyCode, 'is not an ISO 4217 currency code')
  .meta({ example: 'INR' });

/** Money is a positive integer in the currency's minor unit (paise, cents). Never a float. */
export const AmountSchema = z
  .number()
  .int('must be an integer number of minor units (e.g. 19900 for 199.00)')
  .positive()
  .max(Number.MAX_SAFE_INTEGER)
  .meta({ example: 19900 });

/**
 * For a body with `amount` and `currency`: the amount must not exceed the currency's maximum single
 * amount (checked once both fields are valid on their own).
 */
export function amountWithinCurrencyMaximum(value: { amount: number; currency: string }, ctx: z.RefinementCtx): void {
  // Zod runs this refinement even when a field failed on its own; that field's issue is enough then.
  if (!isCurrencyCode(value.currency) || !Number.isSafeInteger(value.amount)) return;
  const max = maxAmount(value.currency);
  if (value.amount > max) {
    ctx.addIssue({ code: 'custom', path: ['amount'], message: `must be at most ${max} (${formatMinor(max, value.currency)} ${value.currency}), the largest single amount FrameOS accepts in ${value.currency}` });
  }
}
