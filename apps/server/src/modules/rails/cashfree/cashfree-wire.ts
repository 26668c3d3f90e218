/**
 * Cashfree PG's wire format, API version 2023-08-01: the shapes of the fields FrameOS reads from orders,
 * refunds, errors and webhooks (Zod schemas), and money on the wire — paise as exact rupee digits out,
 * provider amounts back to paise only when they are exact.
 */
import { z } from 'zod';
import { assertMinorAmount, DomainError, formatMajorUnits, parseMajorUnits } from '@frameos/domain';
import { RailError } from '../rail-adapter.ts';

export const CASHFREE_API_VERSION = '2023-08-01';
export const CURRENCY = 'INR';

// ---------------------------------------------------------------------------------------------------
// Wire shapes (only the fields the adapter reads)

/** Cashfree ids are strings in 2023-08-01 but numbers in some payloads (cf_payment_id, cf_refund_id). */
const ProviderId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const MajorAmount = z.union([z.number(), z.string()]);

export const OrderSchema = z.object({
  cf_order_id: ProviderId.nullish(),
  order_id: z.string().min(1),
  order_amount: MajorAmount,
  order_currency: z.string(),
  order_status: z.string(),
  payment_session_id: z.string().nullish(),
});
export type CashfreeOrder = z.infer<typeof OrderSchema>;

export const RefundSchema = z.object({
  cf_refund_id: ProviderId.nullish(),
  refund_id: z.string().min(1),
  refund_amount: MajorAmount,
  refund_currency: z.string().nullish(),
  refund_status: z.string(),
  status_description: z.string().nullish(),
});
export type CashfreeRefund = z.infer<typeof RefundSchema>;

export const ErrorBodySchema = z.object({ message: z.string().optional(), code: z.string().optional() });

/** Webhook deliveries: `{type, data, event_time}`; `data` is read per type. */
export const EnvelopeSchema = z.object({ type: z.string().min(1), data: z.unknown() });

export const PaymentDataSchema = z.object({
  order: z.object({ order_id: z.string().min(1), order_amount: MajorAmount, order_currency: z.string() }),
  payment: z.object({
    cf_payment_id: ProviderId,
    payment_amount: MajorAmount.nullish(),
    payment_currency: z.string().nullish(),
    payment_message: z.string().nullish(),
  }),
  error_details: z.object({ error_code: z.string().nullish(), error_description: z.string().nullish() }).nullish(),
});

export const RefundDataSchema = z.object({
  refund: z.object({
    cf_refund_id: ProviderId.nullish(),
    refund_id: z.string().nullish(),
    order_id: z.string().nullish(),
    refund_amount: MajorAmount.nullish(),
    refund_currency: z.string().nullish(),
    refund_status: z.string().nullish(),
    status_description: z.string().nullish(),
  }),
});

// ---------------------------------------------------------------------------------------------------
// Money on the wire

/** Exact major-unit digits for a positive paise amount: 25000 → "250.00". */
export function wireAmount(amount: number): string {
  try {
    return formatMajorUnits(assertMinorAmount(amount), CURRENCY);
  } catch (error) {
    if (error instanceof DomainError) throw new RailError('invalid_amount', `${error.message}; got ${String(amount)}`, false);
    throw error;
  }
}

/** Paise for a provider-reported amount, or null when it is not an exact INR amount. */
export function paiseOrNull(major: string | number): number | null {
  try {
    return parseMajorUnits(major, CURRENCY);
  } catch {
    return null;
  }
}

/**
 * JSON.stringify writes 250.00 as 250 and has no way to emit a chosen number literal, so the amount is
 * placed by hand: the exact digits from formatMajorUnits are the only thing Cashfree ever reads as money.
 */
export function jsonWithAmount(field: string, amountText: string, rest: Record<string, unknown>): string {
  if (!/^\d+(\.\d+)?$/.test(amountText)) throw new Error(`not a plain decimal: ${amountText}`);
  const others = JSON.stringify(rest).slice(1, -1);
  return `{${JSON.stringify(field)}:${amountText}${others ? `,${others}` : ''}}`;
}
