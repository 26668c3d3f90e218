import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { createDb, type Database } from '@frameos/db';
import { rowsOf } from '../../src/lib/sql-values.ts';
import { createServerDatabase, databaseUrl, dropServerDatabase, testDatabasePrefix, testServerUrl, type TestDatabaseTemplate } from './database-server.ts';

export interface TestDatabase {
  database: Database;
  url: string;
  /** Hands the database back: to this worker's pool for the next test app, or gone. */
  drop: () => Promise<void>;
}

/**
 * Tests run on in-memory PGlite by default. With DATABASE_URL=postgres://… each caller gets a
 * database of its own on that server. Both start as a copy of the run's migrated template when the
 * global setup built one (the app's own `runMigrations` then finds nothing to do); without it (a
 * config that has no global setup) they start empty, the app migrates them, and they are not reused.
 *
 * A copy costs ~0.8 s of CPU on PGlite (loading the dump) and ~0.3 s on the server (`create
 * database … template …` and its drop) — most of a small test file — so a worker keeps the
 * databases its closed test apps hand back and gives them out again, reset to the template: every
 * table of the app's schema truncated (identities restarted), the template's own rows (those the
 * migrations insert, read once from the first fresh copy) put back and, on PGlite's one session,
 * the session discarded (settings, advisory locks). A database a test closed itself is not reused.
 * Files of one worker run one after another (`isolate: false` shares this module between them), so
 * a handed-back database is idle. Server databases still pooled when a worker exits are dropped by
 * the global setup's teardown (their names start with the run's prefix).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const template = providedTemplate();
  if (!serverUrl) {
    if (template?.kind === 'pglite') return fromPool(async () => {
      const database = await createDb({ url: 'memory://', loadDataDir: await templateDump(template.dumpPath) });
      return { database, url: 'memory://', destroy: () => closeOnce(database) };
    });
    const database = await createDb({ url: 'memory://' });
    return { database, url: 'memory://', drop: () => closeOnce(database) };
  }
  const fromTemplate = template?.kind === 'postgres' && template.serverUrl === serverUrl ? template : undefined;
  const create = async (): Promise<Pooled> => {
    const name = `${fromTemplate ? testDatabasePrefix(fromTemplate.templateName) : 'frameos_test_'}${randomBytes(6).toString('hex')}`;
    await createServerDatabase(serverUrl, name, fromTemplate?.templateName);
    const url = databaseUrl(serverUrl, name);
    const database = await createDb({ url, poolSize: 10 });
    return { database, url, destroy: async () => { await closeOnce(database); await dropServerDatabase(serverUrl, name); } };
  };
  if (fromTemplate) return fromPool(create);
  const own = await create();
  return { database: own.database, url: own.url, drop: own.destroy };
}

interface Pooled {
  database: Database;
  url: string;
  destroy: () => Promise<void>;
}

const idle: Pooled[] = [];
const MAX_IDLE = 3;
let templateRows: Promise<TemplateRows> | undefined;
type TemplateRows = { tables: string[]; rows: Array<{ table: string; json: string }> };

async function fromPool(create: () => Promise<Pooled>): Promise<TestDatabase> {
  let entry = idle.pop();
  if (entry) {
    await resetToTemplate(entry.database);
  } else {
    entry = await create();
    templateRows ??= readTemplateRows(entry.database);
    await templateRows;
  }
  const taken = entry;
  return { database: taken.database, url: taken.url, drop: () => release(taken) };
}

async function release(entry: Pooled): Promise<void> {
  if (isClosed(entry.database) || idle.length >= MAX_IDLE) return entry.destroy();
  idle.push(entry);
}

function isClosed(database: Database): boolean {
  const client = (database.db as unknown as { $client: PGlite | { ended?: boolean; ending?: boolean } }).$client;
  if (database.kind === 'pglite') return (client as PGlite).closed;
  const pool = client as { ended?: boolean; ending?: boolean };
  return Boolean(pool.ended || pool.ending);
}

async function readTemplateRows(database: Database): Promise<TemplateRows> {
  const { db } = database;
  const tables = rowsOf(await db.execute(sql`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' order by 1`)).map((r) => String(r.name));
  const rows: TemplateRows['rows'] = [];
  for (const table of tables) {
    const [row] = rowsOf(await db.execute(sql`select json_agg(t)::text as json from ${sql.raw(table)} t`));
    if (row?.json) rows.push({ table, json: String(row.json) });
  }
  return { tables, rows };
}

async function resetToTemplate(database: Database): Promise<void> {
  const { tables, rows } = await (templateRows ?? Promise.reject(new Error('no template rows')));
  if (database.kind === 'pglite') {
    // PGlite is one session: end a transaction a test left open and reset what the session carries.
    await database.execScript('rollback');
    await database.execScript('discard all');
  }
  await database.execScript(`truncate table ${tables.join(', ')} restart identity cascade`);
  for (const { table, json } of rows) await database.db.execute(sql`insert into ${sql.raw(table)} select * from json_populate_recordset(null::${sql.raw(table)}, ${json}::json)`);
}

function providedTemplate(): TestDatabaseTemplate | undefined {
  try {
    return inject('testDatabaseTemplate');
  } catch {
    return undefined; // not inside a vitest worker
  }
}

/** Read once per worker (per module instance): every PGlite of the worker loads the same immutable Blob. */
const dumps = new Map<string, Promise<Blob>>();
function templateDump(path: string): Promise<Blob> {
  let dump = dumps.get(path);
  if (!dump) {
    dump = readFile(path).then((bytes) => new Blob([bytes]));
    dumps.set(path, dump);
  }
  return dump;
}

/** A test may already have closed the database (to see the server answer 503); closing twice is not an error here. */
async function closeOnce(database: Database): Promise<void> {
  try {
    await database.close();
  } catch (err) {
    if (!/closed|end on pool more than once/i.test((err as Error).message)) throw err;
  }
}
