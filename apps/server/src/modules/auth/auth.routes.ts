import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import type { AppContext } from '../../context.ts';
import { errorResponses, idParam, listOf } from '../../http/common-schemas.ts';
import { ApiKeyDtoSchema, LoginBodySchema, LoginResponseSchema, OrganizationMembershipSchema, SignupBodySchema, SignupResponseSchema, SwitchOrgBodySchema } from './auth.schemas.ts';
import { createOrgApiKey, listKeys, listMyOrganizations, login, revokeKey, signup, switchOrganization } from './auth.service.ts';

export async function authRoutes(app: App, appCtx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const credentialRoute = { public: true, idempotent: false, credentialEndpoint: true };

  r.post('/auth/signup', {
    config: credentialRoute,
    schema: { tags: ['auth'], summary: 'Create a user, an organization and its secret key', security: [], body: SignupBodySchema, response: { 201: SignupResponseSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await signup(appCtx.database, request.body, appCtx.clock(), appCtx.config.passwordScryptN)));

  r.post('/auth/login', {
    config: credentialRoute,
    schema: { tags: ['auth'], summary: 'Exchange email and password for a session token', security: [], body: LoginBodySchema, response: { 200: LoginResponseSchema, ...errorResponses } },
  }, async (request) => login(appCtx.database, request.body.email, request.body.password, appCtx.config.jwtSecret, appCtx.clock(), request.body.org_id, appCtx.config.passwordScryptN));

  r.get('/auth/organizations', {
    schema: { tags: ['auth'], summary: 'The organizations the signed-in person belongs to, with their role in each (sessions only)', response: { 200: listOf(OrganizationMembershipSchema), ...errorResponses } },
  }, async (request) => listMyOrganizations(request.ctx));

  r.post('/auth/switch-organization', {
    // Issues a new session like a login; nothing changes, so there is nothing to replay.
    config: { idempotent: false },
    schema: { tags: ['auth'], summary: 'A new session token in another of your organizations (sessions only; not a member → 404)', body: SwitchOrgBodySchema, response: { 200: LoginResponseSchema, ...errorResponses } },
  }, async (request) => switchOrganization(request.ctx, request.body.org_id, appCtx.config.jwtSecret));

  r.get('/api-keys', {
    schema: { tags: ['auth'], summary: 'List the organization API keys (never the secrets)', response: { 200: listOf(ApiKeyDtoSchema), ...errorResponses } },
  }, async (request) => listKeys(request.ctx));

  r.post('/api-keys', {
    config: { successStatus: 201 },
    schema: { tags: ['auth'], summary: 'Create another organization secret key (shown once)', response: { 201: z.object({ api_key_id: z.string(), kind: z.literal('org'), api_key: z.string(), prefix: z.string() }), ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await createOrgApiKey(request.ctx)));

  r.post('/api-keys/:id/revoke', {
    schema: { tags: ['auth'], summary: 'Revoke an API key at once', params: idParam('key'), response: { 200: z.object({ api_key_id: z.string(), revoked: z.boolean() }), ...errorResponses } },
  }, async (request) => revokeKey(request.ctx, request.params.id));
}
