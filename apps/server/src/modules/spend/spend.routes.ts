import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isTimeZone } from '@frameos/domain';
import type { App } from '../../http/app-type.ts';
import { errorResponses } from '../../http/common-schemas.ts';
import { spendSummary } from './spend.service.ts';

const SpendTotalSchema = z.object({
  currency: z.string(),
  amount: z.number().int().meta({ description: 'Minor units of the currency' }),
  payments: z.number().int(),
});

const SpendPeriodSchema = z.object({ start: z.string(), end: z.string(), totals: z.array(SpendTotalSchema) });

export const SpendSummarySchema = z.object({
  object: z.literal('spend_summary'),
  time_zone: z.string(),
  today: SpendPeriodSchema,
  month: SpendPeriodSchema,
});

export async function spendRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/spend', {
    schema: {
      tags: ['payments'],
      summary: 'Spend today and this month per currency (settled and in-flight payments; failed ones do not count), in a time zone',
      querystring: z.object({
        time_zone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
      }),
      response: { 200: SpendSummarySchema, ...errorResponses },
    },
  }, async (request) => spendSummary(request.ctx, request.query.time_zone));
}
