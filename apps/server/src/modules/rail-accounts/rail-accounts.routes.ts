import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses } from '../../http/common-schemas.ts';
import { RailAccountParamsSchema, RailAccountSchema } from './rail-accounts.schemas.ts';
import { listRailAccountsOf, saveRailAccount } from './rail-accounts.service.ts';

export async function railAccountRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['rail accounts'];

  r.put('/rail-accounts/:rail', {
    schema: {
      tags, summary: "Save the organization's account at a rail (Stripe customer + payment method, Cashfree customer details)",
      params: RailAccountParamsSchema, body: z.record(z.string(), z.unknown()), response: { 200: RailAccountSchema, ...errorResponses },
    },
  }, async (request) => saveRailAccount(request.ctx, request.params.rail, request.body));

  r.get('/rail-accounts', {
    schema: { tags, summary: "List the organization's rail accounts", response: { 200: z.object({ object: z.literal('list'), data: z.array(RailAccountSchema) }), ...errorResponses } },
  }, async (request) => listRailAccountsOf(request.ctx));
}
