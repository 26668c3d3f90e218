import { z } from 'zod';
import { PolicyRulesSchema, TimeWindowSchema } from '@frameos/domain';

// Strict like the rules: in an intersection a key is refused only when neither side knows it, so a misspelt rule is an error.
const PolicyMetaSchema = z.strictObject({
  agent_account_id: z.string().regex(/^aga_[0-9A-Z]{26}$/, 'must be an aga_… id'),
  name: z.string().trim().min(1).max(120),
});

export const CreatePolicyBodySchema = z.intersection(PolicyMetaSchema, PolicyRulesSchema);

/** Any subset of the rules (and the name); the result is validated as a whole and becomes a new version. */
export const UpdatePolicyBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    currency: z.string().optional(),
    vendor_allowlist: z.array(z.string()).optional(),
    per_tx_cap: z.number().int().positive().optional(),
    daily_limit: z.number().int().positive().optional(),
    approval_threshold: z.number().int().positive().nullable().optional(),
    time_window: TimeWindowSchema.nullable().optional(),
    ip_allowlist: z.array(z.string()).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');

export const PolicySchema = z
  .object({
    object: z.literal('policy'),
    policy_id: z.string(),
    id: z.string(),
    agent_account_id: z.string(),
    name: z.string(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .loose();

const minor = z.number().int().meta({ description: 'Minor units of the policy currency' });

export const PolicySpendSchema = z.object({
  object: z.literal('policy_spend'),
  policy_id: z.string(),
  currency: z.string(),
  time_zone: z.string().meta({ description: "The policy's time window zone, or UTC: the day the daily limit counts" }),
  day_start: z.string(),
  day_end: z.string(),
  spent_today: minor,
  daily_limit: minor,
  remaining_today: minor,
  per_tx_cap: minor,
  max_next_payment: minor.meta({ description: 'The largest amount one more payment could have today: min(per_tx_cap, remaining_today)' }),
});

export const PolicyVersionSchema = z
  .object({
    object: z.literal('policy_version'),
    policy_id: z.string(),
    version: z.number().int(),
    current: z.boolean(),
    created_at: z.string(),
  })
  .loose()
  .meta({ description: 'One version of a policy: its rules (currency, vendor_allowlist, per_tx_cap, daily_limit, approval_threshold, time_window, ip_allowlist) from created_at on' });
