/**
 * `npm run web:api-types`: builds the Fastify app in process on an in-memory database (no server,
 * no port) and writes packages/client/src/schema.ts (the client's and the web app's types) from its OpenAPI document.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../apps/server/src/config.ts';
import { createAppContext } from '../apps/server/src/bootstrap.ts';
import { buildApp } from '../apps/server/src/http/app.ts';
import { API_TYPES_PATH, renderWebApiTypes } from './web-api-types.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'frameos-api-types-'));
try {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory://', FRAMEOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'false' });
  const appCtx = await createAppContext(config);
  const app = await buildApp(appCtx);
  await app.ready();
  const types = await renderWebApiTypes(app.swagger());
  await app.close();
  await appCtx.database.close();
  await writeFile(API_TYPES_PATH, types);
  console.log(`wrote ${fileURLToPath(API_TYPES_PATH)} (${types.length} characters)`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
