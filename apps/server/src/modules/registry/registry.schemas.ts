import { z } from 'zod';
import { AGENT_CAPABILITIES, AGENT_CATEGORIES, AGENT_CURRENCIES, AGENT_ID_PATTERN, AGENT_PRICING_MODELS, AgentManifestSchema, SEMVER_PATTERN } from '@frameos/domain';

export const AgentIdSchema = z.string().min(5).max(64).regex(AGENT_ID_PATTERN, 'must be an agt_… id');
export const VersionSchema = z.string().max(32).regex(SEMVER_PATTERN, 'must be a MAJOR.MINOR.PATCH version');
export const VERSION_STATUSES = ['pending_review', 'approved', 'rejected'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];
export const AGENT_STATUSES = ['listed', 'suspended', 'pending_review', 'rejected'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const CreateDeveloperBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254),
});

export const DeveloperSchema = z.object({
  object: z.literal('developer'),
  developer_id: z.string(),
  name: z.string(),
  email: z.string(),
  created_at: z.string(),
});

export const RegisterAgentBodySchema = z.object({
  manifest: z.unknown().optional().meta({ description: 'The agent manifest (docs/agents.md): a JSON object, or its JSON text (as a multipart part).' }),
  code: z.string().meta({ description: 'The artifact: one self-contained ES module whose default export is the handler, at most 5 MiB.' }),
});

export const CodeCheckSchema = z.object({ name: z.string(), passed: z.boolean(), message: z.string() });

export const AgentVersionUploadSchema = z.object({
  object: z.literal('agent_version'),
  agent_id: z.string(),
  version: z.string(),
  status: z.enum(VERSION_STATUSES),
  code_sha256: z.string(),
  code_size: z.number().int(),
  checks: z.array(CodeCheckSchema),
  created_at: z.string(),
});

export const PricingSchema = z.object({ model: z.enum(AGENT_PRICING_MODELS), amount: z.number().int(), currency: z.enum(AGENT_CURRENCIES) });

export const AgentStatsSchema = z.object({
  deployments: z.number().int(),
  executions: z.number().int().meta({ description: 'Finished runs: succeeded, failed or timed out.' }),
  success_rate: z.number().nullable().meta({ description: 'Succeeded ÷ finished runs, 0–1; null before the first run.' }),
  p50_duration_ms: z.number().int().nullable().meta({ description: 'Median duration of the succeeded runs; null before the first.' }),
});

export const DeveloperRefSchema = z.object({ developer_id: z.string(), name: z.string() });

export const CatalogueAgentSchema = z.object({
  object: z.literal('agent'),
  agent_id: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.string(),
  pricing: PricingSchema,
  category: z.enum(AGENT_CATEGORIES),
  tags: z.array(z.string()),
  capabilities: z.array(z.enum(AGENT_CAPABILITIES)),
  developer: DeveloperRefSchema,
  stats: AgentStatsSchema,
  created_at: z.string(),
  updated_at: z.string(),
});

export const CatalogueQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: AgentIdSchema.optional(),
  category: z.enum(AGENT_CATEGORIES).optional(),
  tag: z.string().min(1).max(40).optional(),
  pricing_model: z.enum(AGENT_PRICING_MODELS).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(['latest', 'popular', 'rating']).default('latest'),
});
export type CatalogueQuery = z.infer<typeof CatalogueQuerySchema>;

export const VersionSummarySchema = z.object({
  version: z.string(),
  status: z.enum(VERSION_STATUSES),
  created_at: z.string(),
  review_reason: z.string().nullable(),
  reviewed_at: z.string().nullable(),
});

export const AgentDetailSchema = z.object({
  object: z.literal('agent'),
  agent_id: z.string(),
  status: z.enum(AGENT_STATUSES),
  suspended_reason: z.string().nullable(),
  version: z.string(),
  manifest: AgentManifestSchema,
  input_schema: z.record(z.string(), z.unknown()),
  output_schema: z.record(z.string(), z.unknown()),
  versions: z.array(VersionSummarySchema),
  developer: DeveloperRefSchema,
  stats: AgentStatsSchema,
  created_at: z.string(),
  updated_at: z.string(),
});

export const AdminVersionSchema = z.object({
  version: z.string(),
  status: z.enum(VERSION_STATUSES),
  code_sha256: z.string(),
  code_size: z.number().int(),
  checks: z.array(CodeCheckSchema),
  manifest: z.record(z.string(), z.unknown()),
  review_reason: z.string().nullable(),
  reviewed_by: z.string().nullable(),
  reviewed_at: z.string().nullable(),
  created_at: z.string(),
});

export const AdminAgentSchema = z.object({
  object: z.literal('admin_agent'),
  agent_id: z.string(),
  name: z.string(),
  status: z.enum(AGENT_STATUSES),
  latest_approved_version: z.string().nullable(),
  suspended_reason: z.string().nullable(),
  developer: DeveloperRefSchema.extend({ email: z.string(), org_id: z.string() }),
  versions: z.array(AdminVersionSchema).meta({ description: 'The versions in the status asked for (all of them for status=suspended), newest first.' }),
  created_at: z.string(),
  updated_at: z.string(),
});

export const DeveloperAgentSchema = AdminAgentSchema.extend({
  object: z.literal('developer_agent'),
  versions: z.array(AdminVersionSchema).meta({ description: 'Every version, newest first, with its review status and the reviewer’s reason.' }),
});

export const MyAgentsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: AgentIdSchema.optional(),
});

export const AdminListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: AgentIdSchema.optional(),
  status: z.enum(['pending_review', 'approved', 'rejected', 'suspended']).default('pending_review'),
});
export type AdminListStatus = z.infer<typeof AdminListQuerySchema>['status'];

const ReasonSchema = z.string().trim().min(1).max(1000);
export const ApproveBodySchema = z.object({ version: VersionSchema.optional(), reason: ReasonSchema.optional() }).nullish();
export const RejectBodySchema = z.object({ version: VersionSchema.optional(), reason: ReasonSchema });
export const SuspendBodySchema = z.object({ reason: ReasonSchema });
