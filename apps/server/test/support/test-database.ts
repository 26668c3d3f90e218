import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { createDb, type Database } from '@frameos/db';
import { createServerDatabase, databaseUrl, dropServerDatabase, testServerUrl, type TestDatabaseTemplate } from './database-server.ts';

/**
 * Tests run on in-memory PGlite by default. With DATABASE_URL=postgres://… each caller gets a fresh
 * database on that server, dropped again by `drop()`. Both start as a copy of the run's migrated
 * template when the global setup built one (the app's own `runMigrations` then finds nothing to do);
 * without it (a config that has no global setup) they start empty and the app migrates them.
 */
export async function createTestDatabase(): Promise<{ database: Database; url: string; drop: () => Promise<void> }> {
  const serverUrl = testServerUrl();
  const template = providedTemplate();
  if (!serverUrl) {
    if (template?.kind === 'pglite') {
      const database = await pooledPglite(template.dumpPath);
      return { database, url: 'memory://', drop: () => release(database) };
    }
    const database = await createDb({ url: 'memory://' });
    return { database, url: 'memory://', drop: () => closeOnce(database) };
  }
  const name = `frameos_test_${randomBytes(6).toString('hex')}`;
  await createServerDatabase(serverUrl, name, template?.kind === 'postgres' && template.serverUrl === serverUrl ? template.templateName : undefined);
  const url = databaseUrl(serverUrl, name);
  const database = await createDb({ url, poolSize: 10 });
  return {
    database,
    url,
    drop: async () => {
      await closeOnce(database);
      await dropServerDatabase(serverUrl, name);
    },
  };
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

/**
 * Starting a PGlite from the template's dump costs ~0.8 s of CPU (most of a small test file), so a
 * worker keeps the in-memory databases its closed test apps handed back and gives them out again,
 * reset to the template: every table of the app's schema truncated (identities restarted), the
 * template's own rows (those the migrations insert) put back, the session discarded (settings,
 * advisory locks). A database a test closed itself is not reused. Files of one worker run one after
 * another (`isolate: false` shares this module between them), so a handed-back database is idle.
 */
const idle: Database[] = [];
const MAX_IDLE = 3;
let templateRows: Promise<TemplateRows> | undefined;
type TemplateRows = { tables: string[]; rows: Array<{ table: string; json: string }> };

const clientOf = (database: Database) => (database.db as unknown as { $client: PGlite }).$client;

async function pooledPglite(dumpPath: string): Promise<Database> {
  const reused = idle.pop();
  if (reused) {
    await resetToTemplate(reused);
    return reused;
  }
  const database = await createDb({ url: 'memory://', loadDataDir: await templateDump(dumpPath) });
  // Read from the first fresh copy, before any test wrote to it.
  templateRows ??= readTemplateRows(clientOf(database));
  await templateRows;
  return database;
}

async function release(database: Database): Promise<void> {
  const client = clientOf(database);
  if (client.closed) return;
  if (idle.length >= MAX_IDLE) return closeOnce(database);
  idle.push(database);
}

async function readTemplateRows(client: PGlite): Promise<TemplateRows> {
  const tables = (await client.query<{ name: string }>(`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.name);
  const rows: TemplateRows['rows'] = [];
  for (const table of tables) {
    const [row] = (await client.query<{ json: string | null }>(`select json_agg(t)::text as json from ${table} t`)).rows;
    if (row?.json) rows.push({ table, json: row.json });
  }
  return { tables, rows };
}

async function resetToTemplate(database: Database): Promise<void> {
  const client = clientOf(database);
  const { tables, rows } = await (templateRows ?? Promise.reject(new Error('no template rows')));
  await client.exec('rollback'); // a transaction a test left open (a warning when there is none)
  await client.exec('discard all');
  await client.exec(`truncate table ${tables.join(', ')} restart identity cascade`);
  for (const { table, json } of rows) await client.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`, [json]);
}

/** A test may already have closed the database (to see the server answer 503); closing twice is not an error here. */
async function closeOnce(database: Database): Promise<void> {
  try {
    await database.close();
  } catch (err) {
    if (!/closed|end on pool more than once/i.test((err as Error).message)) throw err;
  }
}
