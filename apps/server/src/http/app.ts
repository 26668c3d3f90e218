import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { App } from './app-type.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerAuthentication } from './plugins/authenticate.ts';
import { registerIdempotency } from './plugins/idempotency.ts';
import { registerSecurity } from './plugins/security.ts';
import { registerCompression } from './plugins/compression.ts';
import { registerInputChecks } from './plugins/input-checks.ts';
import { clientErrorHandler, frameworkErrors, newRequestId } from './plugins/framework-errors.ts';
import { DomainError } from '@frameos/domain';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../lib/text-hygiene.ts';
import { registerRoutes } from './routes.ts';
import { registerWebApp } from './web-app.ts';

export type { App } from './app-type.ts';
export const BODY_LIMIT_BYTES = 64 * 1024;


export async function buildApp(appCtx: AppContext): Promise<App> {
  const app = Fastify({
    loggerInstance: appCtx.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: appCtx.config.trustProxy,
    genReqId: newRequestId,
    // Errors found before any route or hook runs still answer in our error shape.
    frameworkErrors,
    clientErrorHandler,
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // POSTs without a body (approve, reject) are fine even when the client still sends a JSON content type.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    // Checked on the text, before anything recursive (parsing, hashing, validation) walks it.
    if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) return done(new DomainError('json_too_deep', `The JSON body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`), undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('invalid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
  });
  // Responses are documented by their Zod schemas but written with JSON.stringify, so the bytes an
  // idempotent replay returns are exactly the bytes the first call returned.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });

  registerErrorHandling(app);
  await registerSecurity(app, appCtx);
  // Before any route is added: the plugin hooks each route as it is declared.
  await registerCompression(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'FrameOS API', version: '0.1.0', description: 'Policy-checked, signed spending mandates and exactly-once payments for AI agents.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Org key (fos_org_…), agent key (fos_agent_…) or session token' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) {
      route.config = { ...(route.config ?? {}), public: true };
      route.schema = { ...(route.schema ?? {}), hide: true };
    }
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: false }, staticCSP: false });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  registerAuthentication(app, appCtx);
  registerInputChecks(app);
  registerIdempotency(app, appCtx);
  await registerRoutes(app, appCtx);
  await registerWebApp(app, appCtx);
  return app;
}
