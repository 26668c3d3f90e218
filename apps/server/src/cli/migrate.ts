import { createDb, runMigrations } from '@frameos/db';
import { loadConfig } from '../config.ts';

const config = loadConfig();
const database = await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
await runMigrations(database);
await database.close();
console.log(`migrations applied (${database.kind})`);
