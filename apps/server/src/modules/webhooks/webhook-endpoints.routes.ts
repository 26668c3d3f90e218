import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf, PaginationQuerySchema } from '../../http/common-schemas.ts';
import { CreateWebhookEndpointBodySchema, UpdateWebhookEndpointBodySchema, WebhookEndpointSchema, WebhookEndpointWithSecretSchema } from './webhook-endpoints.schemas.ts';
import { DeliveryIdSchema, DeliverySchema } from './webhook-deliveries.schemas.ts';
import { listDeliveriesPage, replayWebhookDelivery } from './webhook-deliveries.service.ts';
import { changeWebhookEndpoint, createWebhookEndpoint, deleteWebhookEndpoint, getWebhookEndpoint, listWebhookEndpointsPage, rotateWebhookSecret } from './webhook-endpoints.service.ts';

export async function webhookEndpointRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhook endpoints'];
  const params = idParam('whe');

  r.post('/webhook-endpoints', {
    config: { successStatus: 201 },
    schema: { tags, summary: 'Register an endpoint for signed outbound events (Standard Webhooks); the secret is shown once', body: CreateWebhookEndpointBodySchema, response: { 201: WebhookEndpointWithSecretSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await createWebhookEndpoint(request.ctx, request.body)));

  r.get('/webhook-endpoints', {
    schema: { tags, summary: 'List webhook endpoints (never their secrets)', querystring: PaginationQuerySchema, response: { 200: listOf(WebhookEndpointSchema), ...errorResponses } },
  }, async (request) => listWebhookEndpointsPage(request.ctx, request.query.limit, request.query.starting_after));

  r.get('/webhook-endpoints/:id', {
    schema: { tags, summary: 'Get a webhook endpoint', params, response: { 200: WebhookEndpointSchema, ...errorResponses } },
  }, async (request) => getWebhookEndpoint(request.ctx, request.params.id));

  r.patch('/webhook-endpoints/:id', {
    schema: { tags, summary: 'Change the events or enable/disable an endpoint', params, body: UpdateWebhookEndpointBodySchema, response: { 200: WebhookEndpointSchema, ...errorResponses } },
  }, async (request) => changeWebhookEndpoint(request.ctx, request.params.id, request.body));

  r.delete('/webhook-endpoints/:id', {
    schema: { tags, summary: 'Delete a webhook endpoint', params, response: { 200: z.object({ webhook_endpoint_id: z.string(), deleted: z.boolean() }), ...errorResponses } },
  }, async (request) => deleteWebhookEndpoint(request.ctx, request.params.id));

  r.post('/webhook-endpoints/:id/rotate-secret', {
    schema: { tags, summary: 'Replace the signing secret; the new one is shown once', params, response: { 200: WebhookEndpointWithSecretSchema, ...errorResponses } },
  }, async (request) => rotateWebhookSecret(request.ctx, request.params.id));

  r.get('/webhook-endpoints/:id/deliveries', {
    schema: {
      tags, summary: 'Deliveries to this endpoint, newest first, each with its attempt log',
      params, querystring: z.object({ limit: PaginationQuerySchema.shape.limit, starting_after: DeliveryIdSchema.optional() }),
      response: { 200: z.object({ object: z.literal('list'), data: z.array(DeliverySchema), has_more: z.boolean() }), ...errorResponses },
    },
  }, async (request) => listDeliveriesPage(request.ctx, request.params.id, request.query.limit, request.query.starting_after));

  r.post('/webhook-endpoints/:id/deliveries/:delivery_id/replay', {
    schema: { tags, summary: 'Send a delivery again now', params: params.extend({ delivery_id: DeliveryIdSchema }), response: { 200: DeliverySchema, ...errorResponses } },
  }, async (request) => replayWebhookDelivery(request.ctx, request.params.id, request.params.delivery_id));
}
