import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext, RequestContext } from '../../context.ts';
import { resolvePrincipal } from '../../modules/auth/resolve-principal.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without credentials (health, discovery, docs, signup, login). */
    public?: boolean;
  }
  interface FastifyRequest {
    ctx: RequestContext;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export function registerAuthentication(app: FastifyInstance, appCtx: AppContext): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public || !request.routeOptions.url) return;
    const token = bearerToken(request);
    const now = appCtx.clock();
    const principal = token ? await resolvePrincipal(appCtx.database.db, token, appCtx.config.jwtSecret, now) : null;
    if (!principal) return sendError(request, reply, 'unauthorized');
    request.ctx = { app: appCtx, db: appCtx.database.db, principal, ip: request.ip, now, idempotency: null };
  });
}
