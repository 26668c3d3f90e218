import { z } from 'zod';
import { AmountSchema } from '@frameos/domain';

export const CreateRefundBodySchema = z.object({
  amount: AmountSchema.optional(),
  reason: z.string().trim().min(1).max(500),
}).strict();

export const RefundSchema = z.object({
  object: z.literal('refund'),
  refund_id: z.string(),
  id: z.string(),
  payment_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  rail_reference: z.string().nullable(),
  transfer_id: z.string().nullable(),
  failure_code: z.string().nullable(),
  failure_message: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});
