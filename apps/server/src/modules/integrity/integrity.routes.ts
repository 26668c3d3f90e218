import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses } from '../../http/common-schemas.ts';
import { integrityStatus } from './integrity.service.ts';

export async function integrityRoutes(app: App) {
  app.withTypeProvider<ZodTypeProvider>().get('/admin/integrity', {
    schema: {
      tags: ['admin'],
      summary: 'The latest receipt-chain integrity check (run by the worker every day); your broken chains, if any',
      response: {
        200: z.object({
          object: z.literal('integrity_check'),
          status: z.enum(['ok', 'broken', 'not_run']),
          checked_at: z.string().nullable(),
          chains_checked: z.number().int(),
          broken: z.array(z.object({ agent_account_id: z.string(), first_invalid_seq: z.number().int().nullable() })),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => integrityStatus(request.ctx));
}
