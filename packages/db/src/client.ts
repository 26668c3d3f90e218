import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database itself or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  db: Db;
  /** Runs a raw, parameterless SQL script (several statements allowed). */
  execScript(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** postgres://… for a server, memory:// for an in-memory PGlite, otherwise unset. */
  url?: string | undefined;
  /** Directory for the embedded PGlite when url is unset. */
  dataDir?: string;
  poolSize?: number;
  /**
   * In-memory PGlite only: start from this data directory (a tarball from PGlite's `dumpDataDir`)
   * instead of running initdb. The test suite uses it to give every test a copy of one migrated database.
   */
  loadDataDir?: Blob;
}

export async function createDb(options: CreateDbOptions): Promise<Database> {
  const { url } = options;
  if (options.loadDataDir && url !== 'memory://') throw new Error('loadDataDir is for an in-memory PGlite (memory://) only');
  if (url && /^postgres(ql)?:\/\//.test(url)) return createPostgresDb(url, options.poolSize ?? 20);
  if (url && url !== 'memory://') {
    throw new Error('DATABASE_URL must be postgres://…, postgresql://… or memory://');
  }
  return createPgliteDb(url === 'memory://' ? undefined : (options.dataDir ?? './data'), options.loadDataDir);
}

async function createPgliteDb(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(`${dataDir}/pglite`) : new PGlite(loadDataDir ? { loadDataDir } : {});
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    execScript: async (sqlText) => {
      await client.exec(sqlText);
    },
    close: () => client.close(),
  };
}

async function createPostgresDb(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    execScript: async (sqlText) => {
      await pool.query(sqlText);
    },
    close: () => pool.end(),
  };
}
