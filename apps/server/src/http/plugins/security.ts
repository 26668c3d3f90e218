import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { hashApiKey } from '../../modules/auth/api-key-secret.ts';
import type { AppContext } from '../../lib/context.ts';
import { bearerToken } from './authenticate.ts';
import { errorBody } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Stricter per-IP budget for credential endpoints (signup, login). */
    credentialEndpoint?: boolean;
  }
}

export async function registerSecurity(app: FastifyInstance, appCtx: AppContext): Promise<void> {
  const { config } = appCtx;
  await app.register(helmet, {
    // The docs UI at /docs needs inline scripts and styles; everything else is JSON.
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
    },
  });
  await app.register(cors, {
    origin: config.allowedOrigins.length > 0 ? config.allowedOrigins : false,
    credentials: false,
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
    exposedHeaders: ['idempotent-replayed', 'x-request-id', 'retry-after'],
  });

  const redis = config.redisUrl ? new Redis(config.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  if (redis) {
    redis.on('error', (err) => appCtx.log.warn({ err: { message: err.message } }, 'redis error (rate limits)'));
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => undefined);
    });
  }
  await app.register(rateLimit, {
    global: true,
    redis,
    nameSpace: 'frameos-rl:',
    skipOnError: true,
    timeWindow: 60_000,
    max: (request) => (request.routeOptions.config.credentialEndpoint ? config.authRateLimitPerMinute : config.rateLimitPerMinute),
    // Authenticated calls are limited per key (hashed, so the raw key never reaches Redis); anonymous ones per IP.
    keyGenerator: (request) => {
      const token = bearerToken(request);
      const scope = request.routeOptions.config.credentialEndpoint ? 'cred:' : '';
      return token ? `${scope}key:${hashApiKey(token).slice(0, 32)}` : `${scope}ip:${request.ip}`;
    },
    errorResponseBuilder: (request, context) => {
      const body = errorBody(request, 'rate_limited', `Rate limit exceeded: retry in ${Math.ceil(context.ttl / 1000)} s`);
      return Object.assign(new Error(body.error.message), { statusCode: 429, body });
    },
  });
}
