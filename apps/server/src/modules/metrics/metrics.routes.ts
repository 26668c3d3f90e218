import { timingSafeEqual } from 'node:crypto';
import { Registry } from 'prom-client';
import { sendError } from '../../http/plugins/errors.ts';
import type { App } from '../../http/app-type.ts';
import type { AppContext } from '../../context.ts';
import { processRegistry } from './counters.ts';
import { databaseRegistry } from './database-gauges.ts';

/**
 * Prometheus metrics. Aggregate counts only: no ids, amounts or secrets. With METRICS_TOKEN set the
 * scraper must present it, so the counts are not public in production.
 */
export async function metricsRoutes(app: App, appCtx: AppContext) {
  const fromDatabase = databaseRegistry(appCtx);
  const token = appCtx.config.metricsToken;
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (token && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) return sendError(request, reply, 'unauthorized', 'GET /metrics needs the METRICS_TOKEN as a bearer token');
    const merged = Registry.merge([processRegistry, fromDatabase]);
    reply.type(merged.contentType);
    return merged.metrics();
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
