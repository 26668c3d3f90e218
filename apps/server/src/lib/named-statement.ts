import type { SQL } from 'drizzle-orm';
import type { Executor } from '@frameos/db';

interface PreparingSession {
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: false): { execute(): Promise<unknown> };
}

/**
 * Runs a raw statement as a named prepared statement, so PostgreSQL parses and plans it once per
 * connection instead of on every call (measured on the execute hot path, docs/benchmarks.md).
 * Drizzle exposes naming only on its query builders, so this reaches its session the same way its
 * own `execute` does; on PGlite the name is ignored.
 */
export function executeNamed(db: Executor, name: string, query: SQL): Promise<unknown> {
  const session = (db as unknown as { session: PreparingSession }).session;
  return session.prepareQuery(session.dialect.sqlToQuery(query), undefined, name, false).execute();
}
