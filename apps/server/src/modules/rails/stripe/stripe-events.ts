/**
 * The Stripe event objects FrameOS reads, as Zod schemas: a signed webhook is authentic, not necessarily
 * well formed, so its payload is validated like any request before anything is applied. Only the fields
 * the rail reads are checked; others pass through unread. Amounts are integers of minor units, as Stripe
 * sends them, and must be non-negative safe integers.
 */
import { z } from 'zod';

const StripeId = z.string().min(1);
/** Stripe metadata values are strings. */
const Metadata = z.record(z.string(), z.string()).nullish();
/** Minor units as Stripe sends them: a non-negative safe integer (Zod's int() refuses unsafe ones). */
const MinorAmount = z.number().int().nonnegative();

/** The envelope every Stripe (v1 snapshot) event has; `data.object` is read per type. */
export const EventEnvelopeSchema = z.object({
  id: StripeId,
  object: z.literal('event'),
  type: z.string().min(1),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

/** The object of `payment_intent.succeeded`, `.payment_failed` and `.canceled`. */
export const PaymentIntentObjectSchema = z.object({
  id: StripeId,
  object: z.literal('payment_intent'),
  status: z.string().min(1).optional(),
  metadata: Metadata,
  cancellation_reason: z.string().nullish(),
  last_payment_error: z
    .object({ code: z.string().nullish(), decline_code: z.string().nullish(), message: z.string().nullish() })
    .nullish(),
});
export type PaymentIntentObject = z.infer<typeof PaymentIntentObjectSchema>;

/** The object of `charge.refunded`: `amount_refunded` is the total refunded on the charge so far. */
export const ChargeObjectSchema = z.object({
  id: StripeId,
  object: z.literal('charge'),
  amount_refunded: MinorAmount,
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code'),
  payment_intent: z.union([StripeId, z.object({ id: StripeId })]).nullish(),
  metadata: Metadata,
});

/** The fields of a PaymentIntent (from the API or an event) that say why it failed. */
export interface IntentFailureFields {
  id: string;
  status?: string | undefined;
  cancellation_reason?: string | null | undefined;
  last_payment_error?: { code?: string | null | undefined; decline_code?: string | null | undefined; message?: string | null | undefined } | null | undefined;
}

/**
 * The failure a failed or canceled PaymentIntent carries: the decline code first, then the error code, the
 * cancellation reason, the status. Undefined only when the object says nothing (an event without a status).
 */
export function intentFailure(intent: IntentFailureFields): { code: string | undefined; message: string | undefined } {
  const error = intent.last_payment_error;
  return {
    code: error?.decline_code ?? error?.code ?? intent.cancellation_reason ?? intent.status,
    message: error?.message ?? (intent.status ? `PaymentIntent is ${intent.status}` : undefined),
  };
}

/** Our payment id, when the object's metadata carries one. */
export function paymentIdOf(metadata: Record<string, string> | null | undefined): string | null {
  const value = metadata?.payment_id;
  return typeof value === 'string' && value !== '' ? value : null;
}
