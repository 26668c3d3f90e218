import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Database } from '@frameos/db';

/**
 * Tests run on in-memory PGlite by default. With DATABASE_URL=postgres://… each caller gets a fresh,
 * empty database on that server, dropped again by `drop()`.
 */
export async function createTestDatabase(): Promise<{ database: Database; url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) {
    const database = await createDb({ url: 'memory://' });
    return { database, url: 'memory://', drop: () => closeOnce(database) };
  }
  const name = `frameos_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await createDb({ url: url.toString(), poolSize: 10 });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await closeOnce(database);
      const cleaner = new pg.Client({ connectionString: serverUrl });
      await cleaner.connect();
      await cleaner.query(`drop database if exists ${name} with (force)`);
      await cleaner.end();
    },
  };
}

/** A test may already have closed the database (to see the server answer 503); closing twice is not an error here. */
async function closeOnce(database: Database): Promise<void> {
  try {
    await database.close();
  } catch (err) {
    if (!/closed|end on pool more than once/i.test((err as Error).message)) throw err;
  }
}
