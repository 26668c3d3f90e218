import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import type { AppContext } from '../../context.ts';
import { databaseAnswers } from './health.repo.ts';
import { signingKeysPublished } from '../signing-keys/signing-keys.service.ts';

export async function healthRoutes(app: App, appCtx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { public: true };
  const tags = ['health'];

  r.get('/healthz', {
    config,
    schema: { tags, summary: 'Liveness: 200 when the database answers, 503 otherwise', security: [], response: { 200: z.object({ status: z.literal('healthy') }), 503: z.object({ status: z.literal('unhealthy') }) } },
  }, async (_request, reply) => ((await databaseAnswers(appCtx.database.db)) ? { status: 'healthy' as const } : reply.status(503).send({ status: 'unhealthy' as const })));

  r.get('/readyz', {
    config,
    schema: { tags, summary: 'Readiness: migrations applied and the database answers', security: [], response: { 200: z.object({ status: z.literal('ready') }), 503: z.object({ status: z.literal('not_ready') }) } },
  }, async (_request, reply) => {
    // Ready once the database answers with its migrations applied: the start-up published a signing key.
    if (await signingKeysPublished(appCtx.database.db)) return { status: 'ready' as const };
    return reply.status(503).send({ status: 'not_ready' as const });
  });
}
