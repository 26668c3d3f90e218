import { loadConfig } from '../config.ts';
import { createAppContext } from '../bootstrap.ts';
import { ensureDemoData, printDemoCredentials } from '../seed/demo-seed.ts';

const json = process.argv.includes('--json');
const config = loadConfig();
const appCtx = await createAppContext(config);
const creds = await ensureDemoData(appCtx);
if (json) console.log(JSON.stringify(creds, null, 2));
else printDemoCredentials(creds, config.port);
await appCtx.database.close();
