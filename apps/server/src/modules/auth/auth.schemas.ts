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

export const LoginBodySchema = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(256),
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
