import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { createAppContext } from './bootstrap.ts';
import { buildApp } from './http/app.ts';
import { startWorker } from './worker/worker.ts';
import { ensureDemoData, printDemoCredentials } from './seed/demo-seed.ts';

type Role = 'all' | 'api' | 'worker';

async function main() {
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } });
  const role = values.role as Role;
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError('--role must be all, api or worker');

  const config = loadConfig();
  const appCtx = await createAppContext(config);
  const log = appCtx.log;
  log.info({ database: appCtx.database.kind, role, env: config.env }, 'FrameOS starting');

  // Demo data makes `npm start` useful on its own; production never seeds by itself.
  if (config.seedDemoData && role !== 'worker') {
    const demo = await ensureDemoData(appCtx);
    printDemoCredentials(demo, config.port);
  }

  const worker = role === 'api' ? null : startWorker(appCtx);
  const app = role === 'worker' ? null : await buildApp(appCtx);
  if (app) await app.listen({ port: config.port, host: config.host });

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await worker?.stop();
    await app?.close();
    await appCtx.database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`FrameOS cannot start: ${err.message}`);
  } else {
    console.error(`FrameOS failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});
