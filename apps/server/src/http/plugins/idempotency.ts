import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import canonicalize from 'canonicalize';
import type { AppContext } from '../../context.ts';
import { principalScope } from '../../modules/auth/principal.ts';
import { claimKey, releaseKey, storeErrorAnswer } from '../../modules/idempotency/idempotency.service.ts';
import { sendError } from './errors.ts';
import { findTextProblem } from '../../lib/text-hygiene.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** POSTs need an Idempotency-Key unless this is false (signup, login). */
    idempotent?: boolean;
    /** Status a successful call answers with; stored with the response. */
    successStatus?: number;
  }
}

const MAX_KEY_LENGTH = 255;

function requestHash(request: FastifyRequest): string {
  const body = request.body === undefined ? '' : (canonicalize(request.body) ?? '');
  return createHash('sha256').update(`${request.method} ${request.url}\n${body}`).digest('hex');
}

/**
 * Stripe-style idempotency. The claim is taken after validation (a 400 stores nothing), a use case
 * that succeeds stores its answer in its own transaction, an error below 500 is stored here on send,
 * and after a 5xx the claim is released.
 */
export function registerIdempotency(app: FastifyInstance, appCtx: AppContext): void {
  app.addHook('preHandler', async (request, reply) => {
    const config = request.routeOptions.config;
    if (request.method !== 'POST' || config.idempotent === false || !request.ctx) return;
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0) return sendError(request, reply, 'idempotency_key_missing');
    if (key.length > MAX_KEY_LENGTH) return sendError(request, reply, 'validation_error', `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters`);
    const unstorable = findTextProblem(key);
    if (unstorable) return sendError(request, reply, 'validation_error', `headers.idempotency-key: ${unstorable.message}`, { field: 'headers.idempotency-key' });
    const scope = principalScope(request.ctx.principal);
    const outcome = await claimKey(appCtx.database.db, scope, key, requestHash(request), appCtx.clock());
    switch (outcome.kind) {
      case 'claimed':
        request.ctx.idempotency = { scope, key, successStatus: config.successStatus ?? 200 };
        return;
      case 'replay':
        return reply.status(outcome.status).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(outcome.body);
      case 'reused':
        return sendError(request, reply, 'idempotency_key_reused');
      case 'in_use':
        return sendError(request, reply, 'idempotency_key_in_use');
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const claim = request.ctx?.idempotency;
    // A success was stored by the use case, in the transaction of its effect (request-transaction.ts).
    if (!claim || reply.statusCode < 400) return payload;
    if (reply.statusCode >= 500) {
      await releaseKey(appCtx.database.db, claim);
    } else {
      await storeErrorAnswer(appCtx.database.db, claim, reply.statusCode, typeof payload === 'string' ? payload : JSON.stringify(payload));
    }
    return payload;
  });
}
