import { closeLocalSandbox } from '@frameos/agent-sdk/node';
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2));
await closeLocalSandbox();
