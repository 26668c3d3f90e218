import { z } from 'zod';

export const SignupBodySchema = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  password: z.string().min(12, 'must be at least 12 characters').max(256),
  org_name: z.string().trim().min(1).max(120),
});

export const SignupResponseSchema = z.object({
  user_id: z.string(),
  org_id: z.string(),
  api_key: z.string().meta({ description: 'The organization secret key. Shown once; store it safely.' }),
});

const OrgIdSchema = z.string().regex(/^org_[0-9A-Za-z_]{1,60}$/, 'must be an org_… id');

export const LoginBodySchema = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(256),
  org_id: OrgIdSchema.optional().meta({ description: 'Which of your organizations to sign in to (default: the one you joined first)' }),
});

export const SwitchOrgBodySchema = z.object({ org_id: OrgIdSchema });

export const OrganizationMembershipSchema = z.object({
  object: z.literal('organization_membership'),
  org_id: z.string(),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'member', 'viewer']),
  current: z.boolean().meta({ description: 'The organization of the session making the request' }),
  joined_at: z.string(),
});

export const LoginResponseSchema = z.object({
  token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  user_id: z.string(),
  org_id: z.string(),
  role: z.enum(['owner', 'admin', 'member', 'viewer']),
});

export const ApiKeyDtoSchema = z.object({
  api_key_id: z.string(),
  kind: z.enum(['org', 'agent']),
  agent_account_id: z.string().nullable(),
  prefix: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
