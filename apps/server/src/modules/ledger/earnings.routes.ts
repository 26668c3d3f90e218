import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses } from '../../http/common-schemas.ts';
import { myEarnings } from './earnings.service.ts';

const Amounts = { currency: z.string(), gross: z.number().int(), platform_fees: z.number().int(), net: z.number().int(), executions: z.number().int() };

export const EarningsSchema = z.object({
  object: z.literal('developer_earnings'),
  developer_id: z.string(),
  from: z.string(),
  to: z.string(),
  totals: z.array(z.object(Amounts)),
  by_agent: z.array(z.object({ agent_id: z.string(), ...Amounts })),
  by_day: z.array(z.object({ day: z.string(), ...Amounts })),
});

const EarningsQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
});

export async function earningsRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/developers/me/earnings', {
    schema: {
      tags: ['developers'],
      summary: 'Your marketplace earnings from the ledger: totals, per agent and per day (gross, platform fees, net)',
      querystring: EarningsQuerySchema,
      response: { 200: EarningsSchema, ...errorResponses },
    },
  }, async (request) => myEarnings(request.ctx, request.query));
}
