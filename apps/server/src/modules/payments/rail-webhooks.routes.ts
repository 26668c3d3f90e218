import { z } from 'zod';
import type { App } from '../../http/app-type.ts';
import type { AppContext } from '../../context.ts';
import { errorResponses } from '../../http/common-schemas.ts';
import { railWebhookCounter } from '../metrics/counters.ts';
import { receiveRailWebhook } from './rail-webhooks.service.ts';

const ReceivedSchema = z.object({ received: z.literal(true), outcome: z.string() });

/**
 * Inbound webhooks from the rails. Signatures are computed over the exact bytes sent, so these routes
 * keep the raw body (a parser scoped to this plugin) instead of parsing JSON. They carry no API key:
 * the signature is the authentication. Every request is logged with its outcome, never its body.
 */
export async function railWebhookRoutes(app: App, appCtx: AppContext) {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const rail of ['stripe', 'cashfree'] as const) {
      scope.post(`/webhooks/${rail}`, {
        config: { public: true, idempotent: false, railWebhook: true },
        schema: { tags: ['rail webhooks'], summary: `Receive a ${rail} webhook (signature-verified)`, security: [], response: { 200: ReceivedSchema, ...errorResponses } },
      }, async (request) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        try {
          const result = await receiveRailWebhook(appCtx, { rail, rawBody, headers: request.headers });
          railWebhookCounter.inc({ rail, outcome: result.outcome });
          request.log.info({ rail, event_id: result.eventId, event_type: result.type, outcome: result.outcome }, 'rail webhook handled');
          return { received: true as const, outcome: result.outcome };
        } catch (err) {
          railWebhookCounter.inc({ rail, outcome: 'rejected' });
          request.log.warn({ rail, outcome: 'rejected', reason: err instanceof Error ? err.message : 'unknown' }, 'rail webhook rejected');
          throw err;
        }
      });
    }
  });
}
