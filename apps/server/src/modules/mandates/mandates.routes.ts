import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf, PaginationQuerySchema } from '../../http/common-schemas.ts';
import { CreateMandateBodySchema, MandateSchema } from './mandates.schemas.ts';
import { approveMandate, createMandate, getMandate, listMandatesPage, rejectMandate } from './mandates.service.ts';

export async function mandateRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['mandates'];

  r.post('/mandates', {
    config: { successStatus: 201 },
    schema: {
      tags, summary: 'Check an intent against a policy and issue a signed mandate',
      description: 'Status is `active`, or `pending_approval` when the policy threshold or the HIGH risk tier asks for a human. Violations answer 403 `policy_violation` with a `reason`.',
      body: CreateMandateBodySchema, response: { 201: MandateSchema, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await createMandate(request.ctx, request.body)));

  r.get('/mandates/:id', {
    schema: { tags, summary: 'Get a mandate', params: idParam('mdt'), response: { 200: MandateSchema, ...errorResponses } },
  }, async (request) => getMandate(request.ctx, request.params.id));

  r.get('/mandates', {
    schema: {
      tags,
      summary: 'List mandates (newest first); `status` filters on the status as shown (active and pending_approval only until they expire)',
      querystring: PaginationQuerySchema.extend({ agent_account_id: z.string().max(64).optional(), status: z.enum(['active', 'pending_approval', 'rejected', 'used', 'expired']).optional() }),
      response: { 200: listOf(MandateSchema), ...errorResponses },
    },
  }, async (request) => listMandatesPage(request.ctx, request.query.limit, request.query.starting_after, request.query.agent_account_id, request.query.status));

  r.post('/mandates/:id/approve', {
    schema: { tags, summary: 'Approve a mandate waiting for a human (owner, admin or member session)', params: idParam('mdt'), response: { 200: MandateSchema, ...errorResponses } },
  }, async (request) => approveMandate(request.ctx, request.params.id));

  r.post('/mandates/:id/reject', {
    schema: { tags, summary: 'Reject a mandate waiting for a human', params: idParam('mdt'), response: { 200: MandateSchema, ...errorResponses } },
  }, async (request) => rejectMandate(request.ctx, request.params.id));
}
