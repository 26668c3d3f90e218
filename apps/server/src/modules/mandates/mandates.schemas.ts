import { z } from 'zod';

export const MandateStatusSchema = z.enum(['active', 'pending_approval', 'rejected', 'used', 'expired']);

export const CreateMandateBodySchema = z.object({
  intent_id: z.string().regex(/^pi_[0-9A-Z]{26}$/, 'must be a pi_… id'),
  policy_id: z.string().regex(/^pol_[0-9A-Z]{26}$/, 'must be a pol_… id'),
  ttl_seconds: z.number().int().min(1).max(86_400).optional().meta({ description: 'Lifetime of the mandate; default 900 s, at most 24 h.' }),
});

export const MandateSchema = z.object({
  object: z.literal('mandate'),
  mandate_id: z.string(),
  id: z.string(),
  status: MandateStatusSchema,
  mandate: z.string().meta({ description: 'Compact JWS (EdDSA / Ed25519). Verify with the keys at /.well-known/jwks.json.' }),
  intent_id: z.string(),
  agent_account_id: z.string(),
  policy_id: z.string(),
  policy_version: z.number().int(),
  vendor: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  issued_at: z.string(),
  expires_at: z.string(),
  decided_at: z.string().nullable(),
  used_at: z.string().nullable(),
  created_at: z.string(),
});
