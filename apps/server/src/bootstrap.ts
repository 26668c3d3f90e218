import { createDb, runMigrations, type Database } from '@frameos/db';
import { signingKeyFromSeed } from '@frameos/domain';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { createLogger } from './lib/logger.ts';
import { createRailRegistry } from './modules/rails/rails.registry.ts';
import type { BlobStore } from './modules/blobs/blob-store.ts';
import { createLocalBlobStore } from './modules/blobs/local-blob-store.ts';
import type { RailAdapter, RailName } from './modules/rails/rail-adapter.ts';
import { publishSigningKey } from './modules/signing-keys/signing-keys.service.ts';

export interface BootstrapOptions {
  clock?: () => Date;
  log?: Logger;
  /** Reuse an open database (tests share one PGlite between app instances). */
  database?: Database;
  /** Adapters to use instead of the configured ones (tests only). */
  railAdapters?: Partial<Record<RailName, RailAdapter>>;
  /** A blob store instead of the local disk under the data dir. */
  blobs?: BlobStore;
}

/** Opens the database, applies migrations under a lock, and publishes the current signing key. */
export async function createAppContext(config: Config, options: BootstrapOptions = {}): Promise<AppContext> {
  // Human-readable lines in a developer's terminal, JSON for everything that reads logs.
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && config.env === 'development' && process.stdout.isTTY === true);
  const log = options.log ?? createLogger(config.logLevel, undefined, { pretty });
  const database = options.database ?? (await createDb({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize }));
  await runMigrations(database);
  const signingKey = await signingKeyFromSeed(config.mandateSignKey);
  const clock = options.clock ?? (() => new Date());
  await publishSigningKey(database.db, signingKey, clock());
  const rails = createRailRegistry(config.rails, config.railResilience, options.railAdapters);
  const blobs = options.blobs ?? createLocalBlobStore(join(config.dataDir, 'blobs'));
  return { config, database, signingKey, clock, log, rails, blobs };
}
