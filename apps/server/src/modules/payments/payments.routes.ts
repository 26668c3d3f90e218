import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf, PaginationQuerySchema } from '../../http/common-schemas.ts';
import { ExecuteBodySchema, ExecuteResponseSchema, PaymentSchema } from './payments.schemas.ts';
import { executeMandate, getPayment, listPaymentsPage } from './payments.service.ts';

export async function paymentRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['payments'];

  r.post('/execute', {
    schema: {
      tags, summary: 'Execute a mandate: pay the vendor exactly once',
      description: 'Errors: 403 mandate_expired / mandate_not_approved / policy_violation, 409 mandate_already_used, 402 insufficient_funds.',
      body: ExecuteBodySchema, response: { 200: ExecuteResponseSchema, 402: errorResponses[400], ...errorResponses },
    },
  }, async (request) => executeMandate(request.ctx, request.body.mandate_id));

  r.get('/payments/:id', {
    schema: { tags, summary: 'Get a payment', params: idParam('pay'), response: { 200: PaymentSchema, ...errorResponses } },
  }, async (request) => getPayment(request.ctx, request.params.id));

  r.get('/payments', {
    schema: { tags, summary: 'List payments', querystring: PaginationQuerySchema.extend({ agent_account_id: z.string().max(64).optional() }), response: { 200: listOf(PaymentSchema), ...errorResponses } },
  }, async (request) => listPaymentsPage(request.ctx, request.query.limit, request.query.starting_after, request.query.agent_account_id));
}
