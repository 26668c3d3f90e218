import { z } from 'zod';

export const PaymentStatusSchema = z.enum(['pending', 'settled', 'failed']);

export const ExecuteBodySchema = z.object({
  mandate_id: z.string().regex(/^mdt_[0-9A-Z]{26}$/, 'must be a mdt_… id'),
});

export const PaymentSchema = z.object({
  object: z.literal('payment'),
  payment_id: z.string(),
  id: z.string(),
  status: PaymentStatusSchema,
  mandate_id: z.string(),
  intent_id: z.string(),
  agent_account_id: z.string(),
  policy_id: z.string(),
  vendor: z.string(),
  rail: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  refunded_amount: z.number().int(),
  transfer_id: z.string().nullable(),
  rail_reference: z.string().nullable(),
  failure_code: z.string().nullable(),
  failure_message: z.string().nullable(),
  needs_attention: z.string().nullable(),
  created_at: z.string(),
  settled_at: z.string().nullable(),
});

export const ExecuteResponseSchema = PaymentSchema.extend({ receipt_id: z.string() });
