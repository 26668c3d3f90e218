import { isDeepStrictEqual } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { schema } from '@frameos/db';
import type { ZodType } from 'zod';
import type { App } from '../../src/http/app.ts';
import type { AppContext } from '../../src/context.ts';

/**
 * Checks every answer the HTTP suites receive against what the server promises, so a broken promise
 * fails the test that provoked it:
 * - the body parses against the route's declared response schema for that status, and parsing drops
 *   nothing: a DTO cannot grow a field its schema (and so /openapi.json) does not document;
 * - a successful POST with an Idempotency-Key has its answer stored, byte for byte, by the use case
 *   (request-transaction.ts): a retry would replay exactly what the client got.
 * Returns the problem found for a request id, if any.
 */
export function addContractChecks(app: App, appCtx: AppContext): (requestId: string) => string | undefined {
  const problems = new Map<string, string>();
  app.addHook('onSend', async (request, reply, payload) => {
    const text = typeof payload === 'string' ? payload : null;
    const declared = (request.routeOptions.schema?.response as Record<number, unknown> | undefined)?.[reply.statusCode] as ZodType | undefined;
    if (text && declared && typeof declared.safeParse === 'function' && String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
      const body: unknown = JSON.parse(text);
      const parsed = declared.safeParse(body);
      if (!parsed.success) problems.set(request.id, `${request.method} ${request.routeOptions.url} ${reply.statusCode}: the body does not match its response schema: ${parsed.error.message}`);
      else if (!isDeepStrictEqual(parsed.data, body)) problems.set(request.id, `${request.method} ${request.routeOptions.url} ${reply.statusCode}: the body has fields its response schema does not declare: ${text}`);
    }
    const claim = request.ctx?.idempotency;
    if (claim && reply.statusCode < 400 && text !== null) {
      const { idempotencyKeys: keys } = schema;
      const [stored] = await appCtx.database.db.select().from(keys).where(and(eq(keys.principalId, claim.scope), eq(keys.key, claim.key)));
      if (stored?.state !== 'completed' || stored.responseBody !== text || stored.responseStatus !== reply.statusCode) {
        problems.set(request.id, `${request.method} ${request.routeOptions.url} ${reply.statusCode}: the use case did not store this answer for its Idempotency-Key (stored: ${stored?.state ?? 'nothing'} ${stored?.responseStatus ?? ''})`);
      }
    }
    return payload;
  });
  return (requestId) => problems.get(requestId);
}
