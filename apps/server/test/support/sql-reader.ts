import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/lib/sql-values.ts';
import type { TestApp } from './test-app.ts';

/**
 * Reads rows with a tagged template (`q\`select … where id = ${id}\``), values bound as parameters.
 * In-process tests read the app's database (`appSql`); multi-process tests read the PostgreSQL
 * database their servers share (`pgSql` in test-pg/support), so one check serves both.
 */
export type SqlReader = (strings: TemplateStringsArray, ...values: unknown[]) => Promise<Record<string, unknown>[]>;

export function appSql(t: TestApp): SqlReader {
  return async (strings, ...values) => rowsOf(await t.appCtx.database.db.execute(sql(strings, ...values)));
}

/** A reader as given, or the test app's. */
export function sqlReaderOf(source: TestApp | SqlReader): SqlReader {
  return typeof source === 'function' ? source : appSql(source);
}
