import pg from 'pg';
import type {} from 'vitest';

/** Helpers for the test databases that import nothing from vitest at run time, so the global setup can use them too. */

/**
 * The migrated database the global setup (global-setup.ts) builds once per run, handed to every
 * test file through vitest's provide/inject: a dumped PGlite data directory, or a template database
 * on the PostgreSQL server of DATABASE_URL.
 */
export type TestDatabaseTemplate = { kind: 'pglite'; dumpPath: string } | { kind: 'postgres'; serverUrl: string; templateName: string };

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseTemplate: TestDatabaseTemplate | undefined;
  }
}

/** The PostgreSQL server of DATABASE_URL=postgres://…, or undefined (in-memory PGlite). */
export function testServerUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The names of a run's test databases on the server start with this (`frameos_test_<run>_`), so the
 * global setup's teardown can drop the ones the workers still held in their pools.
 */
export function testDatabasePrefix(templateName: string): string {
  return `frameos_test_${templateName.replace(/^frameos_template_/, '')}_`;
}

/** Drops every database whose name starts with `prefix` (a run's test databases). */
export async function dropServerDatabasesWithPrefix(serverUrl: string, prefix: string): Promise<void> {
  await withAdmin(serverUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where starts_with(datname, $1)`, [prefix]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname.replace(/"/g, '""')}" with (force)`);
  });
}

/** PostgreSQL's "source database is being accessed by other users": a session on the template is still closing. */
const TEMPLATE_IN_USE = '55006';

/** `create database name [template …]`, retried briefly while the template still has a closing session. */
export async function createServerDatabase(serverUrl: string, name: string, templateName?: string): Promise<void> {
  const statement = templateName ? `create database ${name} template ${templateName}` : `create database ${name}`;
  await withAdmin(serverUrl, async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(statement);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== TEMPLATE_IN_USE || attempt >= 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20 * Math.min(attempt, 10)));
      }
    }
  });
}

export async function dropServerDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
}

async function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
