import { createDb, runMigrations } from '@frameos/db';
import { loadConfig } from '../config.ts';
import { verifyAllChains } from '../modules/receipts/receipts.service.ts';

const config = loadConfig();
const database = await createDb({ url: config.databaseUrl, dataDir: config.dataDir });
await runMigrations(database);
const results = await verifyAllChains(database.db);
await database.close();
const broken = results.filter((r) => !r.valid);
for (const r of results) {
  console.log(`${r.valid ? 'ok     ' : 'BROKEN '} ${r.agent_account_id}  length ${r.length}  head ${r.head_hash}${r.valid ? '' : `  first invalid seq ${r.first_invalid_seq}`}`);
}
console.log(`${results.length} chains verified, ${broken.length} broken`);
process.exit(broken.length > 0 ? 1 : 0);
