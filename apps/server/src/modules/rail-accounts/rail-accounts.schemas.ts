import { z } from 'zod';

/** The org's Stripe customer and the payment method saved on it, charged off-session. */
export const StripeRailAccountSchema = z.object({
  customer: z.string().regex(/^cus_[A-Za-z0-9]{1,64}$/, 'must be a Stripe customer id (cus_…)'),
  payment_method: z.string().regex(/^pm_[A-Za-z0-9_]{1,64}$/, 'must be a Stripe payment method id (pm_…)'),
}).strict();

/** The customer details Cashfree requires on every order. */
export const CashfreeRailAccountSchema = z.object({
  customer_id: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'must be 1–50 letters, digits, _ or -'),
  customer_phone: z.string().regex(/^\+?[0-9]{10,15}$/, 'must be a phone number of 10–15 digits'),
  customer_email: z.email().max(254).optional(),
}).strict();

export const RAIL_ACCOUNT_SCHEMAS = { stripe: StripeRailAccountSchema, cashfree: CashfreeRailAccountSchema } as const;
export type RailWithAccount = keyof typeof RAIL_ACCOUNT_SCHEMAS;

export const RailAccountParamsSchema = z.object({ rail: z.enum(['stripe', 'cashfree']) });

export const RailAccountSchema = z.object({
  object: z.literal('rail_account'),
  rail: z.string(),
  settings: z.record(z.string(), z.string()),
  updated_at: z.string(),
});
