import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { principalScope } from '../../modules/auth/principal.ts';
import type { AppContext } from '../../context.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Stricter per-IP budget for credential endpoints (signup, login). */
    credentialEndpoint?: boolean;
    /** Inbound rail webhooks have their own per-IP budget (RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE). */
    railWebhook?: boolean;
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
  // @fastify/cors refuses an incomplete preflight in plain text; refuse it first, in our error shape.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' && (!request.headers.origin || !request.headers['access-control-request-method'])) return sendError(request, reply, 'invalid_preflight');
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
  // The plugin only provides the limiter and its store (memory, or Redis shared by every process);
  // our own hooks decide when each limit applies.
  await app.register(rateLimit, { global: false, redis, nameSpace: 'frameos-rl:', skipOnError: true, timeWindow: 60_000 });

  // First line: per client IP, before authentication — this also bounds guessing of keys.
  const ipBucket = (request: FastifyRequest) => {
    const route = request.routeOptions.config;
    if (route.credentialEndpoint) return { name: 'cred', max: config.authRateLimitPerMinute };
    if (route.railWebhook) return { name: 'rail-webhook', max: config.railWebhookRateLimitPerMinute };
    return { name: 'ip', max: config.ipRateLimitPerMinute };
  };
  const perIp = app.createRateLimit({
    timeWindow: 60_000,
    max: (request) => ipBucket(request).max,
    keyGenerator: (request) => `${ipBucket(request).name}:${request.ip}`,
  });
  // Second line: per authenticated principal (API key or user), whatever IPs it comes from.
  const perPrincipal = app.createRateLimit({
    timeWindow: 60_000,
    max: config.rateLimitPerMinute,
    keyGenerator: (request) => `principal:${principalScope(request.ctx.principal)}`,
  });

  const refuse = (request: FastifyRequest, reply: FastifyReply, ttl: number, what: string) => {
    const seconds = Math.max(1, Math.ceil(ttl / 1000));
    reply.header('retry-after', seconds);
    return sendError(request, reply, 'rate_limited', `Rate limit for this ${what} exceeded: retry in ${seconds} s`);
  };
  app.addHook('onRequest', async (request, reply) => {
    const verdict = await perIp(request);
    if (!verdict.isAllowed && verdict.isExceeded) return refuse(request, reply, verdict.ttl, 'IP address');
  });
  app.addHook('preHandler', async (request, reply) => {
    if (!request.ctx) return;
    const verdict = await perPrincipal(request);
    if (!verdict.isAllowed && verdict.isExceeded) return refuse(request, reply, verdict.ttl, 'key');
  });
}
