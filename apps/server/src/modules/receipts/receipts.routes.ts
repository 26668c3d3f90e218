import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam } from '../../http/common-schemas.ts';
import { getReceipt, listReceiptsPage, verifyReceiptsOf } from './receipts.service.ts';

const ReceiptSchema = z
  .object({ object: z.literal('receipt'), receipt_id: z.string(), seq: z.number().int(), prev_hash: z.string(), hash: z.string(), signature: z.string() })
  .loose()
  .meta({ description: 'hash = lowercase hex SHA-256 of the RFC 8785 canonical JSON of this object without `hash` and `signature`. See docs/receipts.md.' });

const AgentQuery = z.object({ agent_account_id: z.string().regex(/^aga_[0-9A-Z]{26}$/, 'must be an aga_… id') });

export async function receiptRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['receipts'];

  r.get('/receipts/verify', {
    schema: {
      tags, summary: "Verify an agent account's whole receipt chain", querystring: AgentQuery,
      response: { 200: z.object({ agent_account_id: z.string(), valid: z.boolean(), length: z.number().int(), head_hash: z.string(), first_invalid_seq: z.number().int().nullable() }), ...errorResponses },
    },
  }, async (request) => verifyReceiptsOf(request.ctx, request.query.agent_account_id));

  r.get('/receipts/:id', {
    schema: { tags, summary: 'Get a receipt', params: idParam('rcp'), response: { 200: ReceiptSchema, ...errorResponses } },
  }, async (request) => getReceipt(request.ctx, request.params.id));

  r.get('/receipts', {
    schema: {
      tags, summary: "Page through an agent account's receipt chain in seq order",
      querystring: AgentQuery.extend({ after_seq: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: { 200: z.object({ object: z.literal('list'), data: z.array(ReceiptSchema), has_more: z.boolean(), next_after_seq: z.number().int().nullable() }), ...errorResponses },
    },
  }, async (request) => listReceiptsPage(request.ctx, request.query.agent_account_id, request.query.after_seq, request.query.limit));
}
