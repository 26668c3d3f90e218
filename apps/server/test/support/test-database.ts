import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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
    const loadDataDir = template?.kind === 'pglite' ? await templateDump(template.dumpPath) : undefined;
    const database = await createDb({ url: 'memory://', ...(loadDataDir ? { loadDataDir } : {}) });
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

/** A test may already have closed the database (to see the server answer 503); closing twice is not an error here. */
async function closeOnce(database: Database): Promise<void> {
  try {
    await database.close();
  } catch (err) {
    if (!/closed|end on pool more than once/i.test((err as Error).message)) throw err;
  }
}
