import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam } from '../../http/common-schemas.ts';
import { CreateRefundBodySchema, RefundSchema } from './refunds.schemas.ts';
import { createRefund, listRefundsPage } from './refunds.service.ts';

export async function refundRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['refunds'];

  r.post('/payments/:id/refunds', {
    config: { successStatus: 201 },
    schema: {
      tags, summary: 'Refund a settled payment, fully (no amount) or in part',
      description: 'Errors: 409 payment_not_refundable / payment_fully_refunded / refund_exceeds_payment / refund_not_supported.',
      params: idParam('pay'), body: CreateRefundBodySchema, response: { 201: RefundSchema, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await createRefund(request.ctx, request.params.id, request.body)));

  r.get('/payments/:id/refunds', {
    schema: { tags, summary: "List a payment's refunds", params: idParam('pay'), response: { 200: z.object({ object: z.literal('list'), data: z.array(RefundSchema), has_more: z.boolean() }), ...errorResponses } },
  }, async (request) => listRefundsPage(request.ctx, request.params.id));
}
