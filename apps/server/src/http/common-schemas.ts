import { z } from 'zod';
import { formatMinor, isCurrencyCode, maxAmount } from '@frameos/domain';

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

export const VendorSlugSchema = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be lowercase letters, digits, _ . - (max 64)');

export const ErrorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), request_id: z.string() }).loose(),
});

export const idParam = (prefix: string) =>
  z.object({ id: z.string().min(1).max(64).regex(new RegExp(`^${prefix}_[0-9A-Z]{26}$`), `must be a ${prefix}_… id`) });

export const PaginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(64).optional(),
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Rows are fetched with limit + 1 so we know whether another page exists without counting. */
export function toPage<T extends { id: string }, D>(rows: T[], limit: number, toDto: (row: T) => D): Page<D> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { object: 'list', data: pageRows.map(toDto), has_more: hasMore, next_cursor: hasMore ? (pageRows.at(-1)?.id ?? null) : null };
}

export const errorResponses = {
  400: ErrorResponseSchema,
  401: ErrorResponseSchema,
  403: ErrorResponseSchema,
  404: ErrorResponseSchema,
  409: ErrorResponseSchema,
  422: ErrorResponseSchema,
};
