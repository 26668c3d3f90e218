import { z } from 'zod';
import { AmountSchema } from '@frameos/domain';
import { AgentIdSchema } from '../registry/registry.schemas.ts';

export const AgentIdParam = z.object({ id: AgentIdSchema });

const HostPatternSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a host name (example.com) or a wildcard for its subdomains (*.example.com)');

const SecretNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be letters, digits and _ (max 64), not starting with a digit');

export const DeploymentStatusSchema = z.enum(['active', 'paused', 'past_due', 'deleted']);

export const DeployBodySchema = z.object({
  agent_account_id: z.string().min(1).max(64),
  policy_id: z.string().min(1).max(64),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semver version such as 1.2.0').optional(),
  config: z.record(z.string().max(64), z.unknown()).optional(),
  secrets: z.record(SecretNameSchema, z.string().max(4096)).refine((s) => Object.keys(s).length <= 50, 'at most 50 secrets').optional(),
  allowed_hosts: z.array(HostPatternSchema).max(50).optional(),
  max_concurrency: z.number().int().min(1).max(100).optional(),
});

export const UpdateDeploymentBodySchema = z.object({
  status: z.enum(['active', 'paused']).optional(),
  config: z.record(z.string().max(64), z.unknown()).optional(),
  allowed_hosts: z.array(HostPatternSchema).max(50).optional(),
  max_concurrency: z.number().int().min(1).max(100).optional(),
});

export const DeploymentSchema = z.object({
  object: z.literal('deployment'),
  deployment_id: z.string(),
  id: z.string(),
  agent_id: z.string(),
  version: z.string(),
  agent_account_id: z.string(),
  policy_id: z.string(),
  status: DeploymentStatusSchema,
  config: z.record(z.string(), z.unknown()),
  /** Only the names: secret values are never returned. */
  secret_names: z.array(z.string()),
  allowed_hosts: z.array(z.string()),
  max_concurrency: z.number().int(),
  pricing: z.object({ model: z.string(), amount: z.number().int(), currency: z.string() }),
  /** subscription: the end of the paid period, and the period's mandate while it waits for a person's approval. */
  paid_until: z.string().nullable(),
  pending_mandate_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const ExecuteBodySchema = z.object({
  deployment_id: z.string().min(1).max(64),
  inputs: z.record(z.string(), z.unknown()).default({}),
  /** pay_per_use: the most this run may charge (what is held); default the policy's per-transaction cap. */
  max_charge: AmountSchema.optional(),
});

export const ExecutionStatusSchema = z.enum(['queued', 'awaiting_approval', 'running', 'succeeded', 'failed', 'timed_out', 'aborted', 'rejected']);

export const ExecutionSchema = z.object({
  object: z.literal('execution'),
  execution_id: z.string(),
  id: z.string(),
  agent_id: z.string(),
  version: z.string(),
  deployment_id: z.string(),
  agent_account_id: z.string(),
  mandate_id: z.string().nullable(),
  status: ExecutionStatusSchema,
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  pricing_model: z.string(),
  cost: z.object({ amount: z.number().int(), currency: z.string() }),
  held: z.object({ amount: z.number().int(), currency: z.string() }),
  payment_id: z.string().nullable(),
  attempts: z.number().int(),
  duration_ms: z.number().int().nullable(),
  logs_truncated: z.boolean(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});

export const ExecutionListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(64).optional(),
  deployment_id: z.string().max(64).optional(),
  status: ExecutionStatusSchema.optional(),
});

export const DeploymentListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(64).optional(),
  agent_id: z.string().max(64).optional(),
});

export const LogsQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const ExecutionLogsSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ seq: z.number().int(), level: z.string(), message: z.string(), at: z.string() })),
  has_more: z.boolean(),
  next_after: z.number().int(),
  logs_truncated: z.boolean(),
});
