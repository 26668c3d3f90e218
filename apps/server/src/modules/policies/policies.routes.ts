import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf, PaginationQuerySchema } from '../../http/common-schemas.ts';
import { CreatePolicyBodySchema, PolicySchema, PolicySpendSchema, PolicyVersionSchema, UpdatePolicyBodySchema } from './policies.schemas.ts';
import { createPolicy, getPolicy, getPolicySpend, listVersionsOfPolicy, listPoliciesPage, updatePolicy } from './policies.service.ts';

export async function policyRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['policies'];

  r.post('/policies', {
    config: { successStatus: 201 },
    schema: { tags, summary: 'Create a spending policy for an agent account (version 1)', body: CreatePolicyBodySchema, response: { 201: PolicySchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await createPolicy(request.ctx, request.body)));

  r.patch('/policies/:id', {
    schema: { tags, summary: 'Change a policy: the result becomes a new version', params: idParam('pol'), body: UpdatePolicyBodySchema, response: { 200: PolicySchema, ...errorResponses } },
  }, async (request) => updatePolicy(request.ctx, request.params.id, request.body as Parameters<typeof updatePolicy>[2]));

  r.get('/policies/:id', {
    schema: { tags, summary: 'Get a policy (current version)', params: idParam('pol'), response: { 200: PolicySchema, ...errorResponses } },
  }, async (request) => getPolicy(request.ctx, request.params.id));

  r.get('/policies/:id/versions', {
    schema: { tags, summary: 'Every version of a policy, newest first (all of them; has_more is always false)', params: idParam('pol'), response: { 200: listOf(PolicyVersionSchema), ...errorResponses } },
  }, async (request) => listVersionsOfPolicy(request.ctx, request.params.id));

  r.get('/policies/:id/spend', {
    schema: { tags, summary: "Today's spend of a policy (in its time zone) against its daily limit and per-transaction cap", params: idParam('pol'), response: { 200: PolicySpendSchema, ...errorResponses } },
  }, async (request) => getPolicySpend(request.ctx, request.params.id));

  r.get('/policies', {
    schema: {
      tags, summary: 'List policies', querystring: PaginationQuerySchema.extend({ agent_account_id: z.string().max(64).optional() }),
      response: { 200: listOf(PolicySchema), ...errorResponses },
    },
  }, async (request) => listPoliciesPage(request.ctx, request.query.limit, request.query.starting_after, request.query.agent_account_id));
}
