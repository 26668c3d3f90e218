import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { createDb, runMigrations } from '@frameos/db';
import { createServerDatabase, databaseUrl, dropServerDatabase, dropServerDatabasesWithPrefix, testDatabasePrefix, testServerUrl, type TestDatabaseTemplate } from './database-server.ts';

/**
 * vitest globalSetup: builds the migrated database once per run, by running the real migrations,
 * and hands it to the test files (`inject('testDatabaseTemplate')`, read by createTestDatabase):
 * - PGlite: a fresh in-memory PGlite, migrated, its data directory dumped to a tarball in a temp
 *   dir; each test database is a PGlite loaded from it (no initdb, no migrations to apply).
 * - PostgreSQL (DATABASE_URL=postgres://…): a template database with a unique name per run,
 *   migrated and then left without connections; each test database is `create database … template …`.
 * The returned teardown removes the tarball or drops the template.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const serverUrl = testServerUrl();
  let template: TestDatabaseTemplate;
  let teardown: () => Promise<void>;
  if (serverUrl) {
    const templateName = `frameos_template_${randomBytes(6).toString('hex')}`;
    await createServerDatabase(serverUrl, templateName);
    try {
      const database = await createDb({ url: databaseUrl(serverUrl, templateName), poolSize: 1 });
      try {
        await runMigrations(database);
      } finally {
        await database.close();
      }
    } catch (err) {
      await dropServerDatabase(serverUrl, templateName);
      throw err;
    }
    template = { kind: 'postgres', serverUrl, templateName };
    // The test databases the workers still held in their pools (test-database.ts), then the template.
    teardown = async () => {
      await dropServerDatabasesWithPrefix(serverUrl, testDatabasePrefix(templateName));
      await dropServerDatabase(serverUrl, templateName);
    };
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'frameos-test-template-'));
    const dumpPath = join(dir, 'pglite-migrated.tar');
    const database = await createDb({ url: 'memory://' });
    try {
      await runMigrations(database);
      const client = (database.db as unknown as { $client: PGlite }).$client;
      await writeFile(dumpPath, new Uint8Array(await (await client.dumpDataDir('none')).arrayBuffer()));
    } finally {
      await database.close();
    }
    template = { kind: 'pglite', dumpPath };
    teardown = () => rm(dir, { recursive: true, force: true });
  }
  project.provide('testDatabaseTemplate', template);
  if (process.env.FRAMEOS_TEST_TIMINGS !== '0') {
    console.log(`test database template (${template.kind}) migrated in ${Math.round(performance.now() - started)} ms`);
  }
  return teardown;
}
