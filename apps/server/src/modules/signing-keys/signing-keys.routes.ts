import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import type { AppContext } from '../../context.ts';
import { jwks } from './signing-keys.service.ts';

export async function signingKeyRoutes(app: App, appCtx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get('/.well-known/jwks.json', {
    config: { public: true },
    schema: {
      tags: ['keys'], summary: 'Public Ed25519 keys that verify mandates and receipts (current and rotated)', security: [],
      response: { 200: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return jwks(appCtx);
  });
}
