import { Registry } from 'prom-client';
import type { App } from '../../http/app.ts';
import type { AppContext } from '../../lib/context.ts';
import { databaseRegistry, processRegistry } from './metrics.ts';

/** Prometheus metrics. Aggregate counts only: no ids, amounts or secrets. */
export async function metricsRoutes(app: App, appCtx: AppContext) {
  const fromDatabase = databaseRegistry(appCtx);
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const merged = Registry.merge([processRegistry, fromDatabase]);
    reply.type(merged.contentType);
    return merged.metrics();
  });
}
