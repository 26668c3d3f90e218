import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app.ts';
import type { AppContext } from '../../lib/context.ts';

async function databaseAnswers(appCtx: AppContext): Promise<boolean> {
  try {
    await appCtx.database.db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

export async function healthRoutes(app: App, appCtx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { public: true };
  const tags = ['health'];

  r.get('/healthz', {
    config,
    schema: { tags, summary: 'Liveness: 200 when the database answers, 503 otherwise', security: [], response: { 200: z.object({ status: z.literal('healthy') }), 503: z.object({ status: z.literal('unhealthy') }) } },
  }, async (_request, reply) => ((await databaseAnswers(appCtx)) ? { status: 'healthy' as const } : reply.status(503).send({ status: 'unhealthy' as const })));

  r.get('/readyz', {
    config,
    schema: { tags, summary: 'Readiness: migrations applied and the database answers', security: [], response: { 200: z.object({ status: z.literal('ready') }), 503: z.object({ status: z.literal('not_ready') }) } },
  }, async (_request, reply) => {
    try {
      await appCtx.database.db.execute(sql`select 1 from signing_keys limit 1`);
      return { status: 'ready' as const };
    } catch {
      return reply.status(503).send({ status: 'not_ready' as const });
    }
  });
}
