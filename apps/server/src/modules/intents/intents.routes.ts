import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf, PaginationQuerySchema } from '../../http/common-schemas.ts';
import { CreateIntentBodySchema, IntentSchema } from './intents.schemas.ts';
import { createIntent, getIntent, listIntentsPage } from './intents.service.ts';

export async function intentRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['purchase intents'];

  r.post('/purchase-intents', {
    config: { successStatus: 201 },
    schema: { tags, summary: 'Declare what an agent wants to buy', body: CreateIntentBodySchema, response: { 201: IntentSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await createIntent(request.ctx, request.body)));

  r.get('/purchase-intents/:id', {
    schema: { tags, summary: 'Get a purchase intent', params: idParam('pi'), response: { 200: IntentSchema, ...errorResponses } },
  }, async (request) => getIntent(request.ctx, request.params.id));

  r.get('/purchase-intents', {
    schema: { tags, summary: 'List purchase intents', querystring: PaginationQuerySchema.extend({ agent_account_id: z.string().max(64).optional() }), response: { 200: listOf(IntentSchema), ...errorResponses } },
  }, async (request) => listIntentsPage(request.ctx, request.query.limit, request.query.starting_after, request.query.agent_account_id));
}
