import { z } from 'zod';
import { AmountSchema, amountWithinCurrencyMaximum, CurrencySchema, VendorSlugSchema } from '@frameos/domain';

export const IntentStatusSchema = z.enum(['requires_mandate', 'pending_approval', 'mandated', 'succeeded', 'failed', 'canceled']);

export const CreateIntentBodySchema = z.object({
  vendor: VendorSlugSchema,
  amount: AmountSchema,
  currency: CurrencySchema,
  description: z.string().max(500).optional(),
  metadata: z.record(z.string().max(40), z.string().max(500)).refine((m) => Object.keys(m).length <= 20, 'at most 20 keys').optional(),
  agent_account_id: z.string().max(64).optional().meta({ description: 'Required when an org key or a human creates the intent; an agent key may only name itself.' }),
}).superRefine(amountWithinCurrencyMaximum);

export const IntentSchema = z.object({
  object: z.literal('purchase_intent'),
  intent_id: z.string(),
  id: z.string(),
  agent_account_id: z.string(),
  vendor: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  status: IntentStatusSchema,
  created_at: z.string(),
});
