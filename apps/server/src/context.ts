import type { Logger } from 'pino';
import type { Database, Db } from '@frameos/db';
import type { SigningKey } from '@frameos/domain';
import type { Config } from './config.ts';
import type { RailRegistry } from './modules/rails/rails.registry.ts';
import type { BlobStore } from './modules/blobs/blob-store.ts';
import type { Principal } from './modules/auth/principal.ts';
import type { IdempotencyClaim } from './modules/idempotency/idempotency.service.ts';

/** Process-wide dependencies, built once at start. */
export interface AppContext {
  config: Config;
  database: Database;
  signingKey: SigningKey;
  clock: () => Date;
  log: Logger;
  rails: RailRegistry;
  /** Content-addressed artifacts (agent code): local disk under the data dir by default. */
  blobs: BlobStore;
}

/** What a service needs to act for one request. Nothing in it knows about HTTP. */
export interface RequestContext {
  app: AppContext;
  db: Db;
  principal: Principal;
  ip: string;
  now: Date;
  /** Set when the request carries an Idempotency-Key: the stored response commits with the effect. */
  idempotency: IdempotencyClaim | null;
}
