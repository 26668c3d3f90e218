import { z } from 'zod';
import { AmountSchema, amountWithinCurrencyMaximum, CurrencySchema } from '@frameos/domain';

export const RiskTierSchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);

export const CreateAgentAccountBodySchema = z.object({
  name: z.string().trim().min(1).max(120),
  risk_tier: RiskTierSchema,
});

export const WalletBalanceSchema = z.object({ currency: z.string(), balance: z.number().int() });

export const AgentAccountSchema = z.object({
  object: z.literal('agent_account'),
  agent_account_id: z.string(),
  id: z.string(),
  org_id: z.string(),
  name: z.string(),
  risk_tier: RiskTierSchema,
  wallet: z.object({ balances: z.array(WalletBalanceSchema) }),
  created_at: z.string(),
});

export const CreatedAgentAccountSchema = AgentAccountSchema.extend({
  api_key: z.string().meta({ description: 'The agent key (fos_agent_…). Shown once.' }),
});

export const TopUpBodySchema = z.object({ amount: AmountSchema, currency: CurrencySchema }).superRefine(amountWithinCurrencyMaximum);

export const TopUpSchema = z.object({
  object: z.literal('top_up'),
  transfer_id: z.string(),
  agent_account_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  balance: z.number().int(),
});
