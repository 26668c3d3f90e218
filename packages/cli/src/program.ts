import { Command, CommanderError, Option } from 'commander';
import { fromApiError, type CommandContext } from './context.ts';
import { CliError, createOutput, EXIT, printError, type OutputStreams } from './output.ts';
import { CLI_VERSION } from './version.ts';
import { devCommand, initCommand, testCommand, validateCommand } from './commands/project.ts';
import {
  agentsListCommand, agentsShowCommand, deployCommand, deploymentsCreateCommand, deploymentsListCommand, loginCommand, mcpCommand, payCommand, receiptsVerifyCommand, runCommand,
} from './commands/platform.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `frameos <command>`: builds the command tree and runs one command. Returns the exit code (0 done,
 * 1 failed, 2 usage, 3 waiting for approval) instead of exiting, so tests can run it in process.
 */
export async function runCli(argv: string[], streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr, env: process.env }, cwd = process.cwd()): Promise<number> {
  const json = argv.includes('--json');
  const out = createOutput(json, streams);
  let code: number = EXIT.ok;
  const program = new Command('frameos')
    .description('FrameOS: build, test and publish agents; run them, pay and verify receipts.')
    .version(CLI_VERSION)
    .option('--json', 'print one JSON document (results and errors) instead of text')
    .option('--api-url <url>', 'the FrameOS API (default: FROS_API_URL, then frameos login, then http://localhost:3000)')
    .option('--api-key <key>', 'an API key (default: FROS_API_KEY, then frameos login)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => {
        if (!json) streams.stderr.write(s);
      },
    })
    .showHelpAfterError('(frameos --help lists the commands)');

  const ctx = (): CommandContext => {
    const g = program.opts<{ apiUrl?: string; apiKey?: string }>();
    return { out, streams, cwd, flags: { ...(g.apiUrl ? { apiUrl: g.apiUrl } : {}), ...(g.apiKey ? { apiKey: g.apiKey } : {}) } };
  };

  program.command('init [dir]').description('scaffold an agent project whose test passes').option('--name <name>', 'the agent name').option('--id <agt_id>', 'the agent id (default from the name)').option('-y, --yes', 'no questions').action((dir, o) => initCommand(ctx(), dir, o));
  const local = (c: Command) =>
    c.option('--config <file>', "the deployment's config (JSON)").option('--secrets <file>', 'secrets (JSON object of strings)').option('--allow-host <host>', 'a host ctx.fetch may reach (repeatable)', collect).option('--allow-private-network', 'let ctx.fetch reach localhost and private addresses (the platform never does)');
  local(program.command('dev [dir]').description("run the agent on this machine in the platform's sandbox").option('--input <file>', 'inputs (JSON); default: the first example').option('--example <name>', 'one of the manifest examples')).action((dir, o) => devCommand(ctx(), dir, o));
  program.command('test [dir]').description("run the manifest's examples and test/cases/*.json locally").action((dir) => testCommand(ctx(), dir));
  program.command('validate [dir]').description('package the agent and check its manifest as the registry will').action((dir) => validateCommand(ctx(), dir));
  program.command('login').description('check an API key and keep it in your config directory (0600)').action(() => loginCommand(ctx()));
  program.command('deploy [dir]').description('package the agent, register it and show its review status').action((dir) => deployCommand(ctx(), dir));

  const agents = program.command('agents').description('the marketplace catalogue');
  agents.command('list').description('list approved agents').option('-q, --q <text>', 'full-text search').option('--category <category>').option('--limit <n>', 'at most n (≤ 100)', '50').action((o) => agentsListCommand(ctx(), o));
  agents.command('show <agent>').description("one agent: price, inputs, capabilities").action((id) => agentsShowCommand(ctx(), id));

  const deployments = program.command('deployments').description("your organization's deployments of marketplace agents");
  deployments.command('list').option('--agent <agt_id>').action((o) => deploymentsListCommand(ctx(), o));
  deployments.command('create <agent>').description('deploy an agent for one of your agent accounts under a policy')
    .requiredOption('--account <aga_id>', 'the agent account that pays').requiredOption('--policy <pol_id>', 'the policy its payments go through')
    .option('--allow-host <host>', 'a host the agent may reach (repeatable)', collect).option('--config <file>', 'config (JSON)').option('--version <semver>')
    .action((agent, o) => deploymentsCreateCommand(ctx(), agent, o));

  program.command('run <agent>').description('execute an agent and follow it (live logs) until it ends')
    .option('--input <file>', 'inputs (JSON file)').option('--inputs <json>', 'inputs (inline JSON)').option('--deployment <dep_id>', 'default: your only active deployment of the agent')
    .option('--max-charge <minor>', 'pay_per_use: the most the run may charge').option('--wait', 'if the payment needs approval, wait for the decision (default: exit 3 at once)')
    .action((agent, o) => runCommand(ctx(), agent, o));
  program.command('pay').description('pay a vendor: intent → mandate (the policy decides) → execute → receipt')
    .requiredOption('--vendor <vendor>').requiredOption('--amount <minor>', 'minor units (1999 = 19.99)').requiredOption('--currency <code>').requiredOption('--policy <pol_id>')
    .option('--description <text>').option('--idempotency-key <key>', 'the same key never pays twice')
    .action((o) => payCommand(ctx(), o));
  const receipts = program.command('receipts').description('receipts');
  receipts.command('verify').description("verify an agent account's receipt chain offline (hashes, links, signatures)")
    .option('--account <aga_id>').option('--file <receipts.json>', 'receipts saved earlier instead of the API').option('--jwks <jwks.json>', 'keys saved earlier instead of /.well-known/jwks.json')
    .action((o) => receiptsVerifyCommand(ctx(), o));
  program.command('mcp').description('serve the FrameOS MCP tools over stdio (for Claude Desktop or any MCP client)').action(() => mcpCommand(ctx()));
  program.addOption(new Option('--no-color', 'no colours (NO_COLOR does the same)').hideHelp());

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (raw) {
    if (raw instanceof CommanderError) {
      if (raw.code === 'commander.helpDisplayed' || raw.code === 'commander.version' || raw.code === 'commander.help') return EXIT.ok;
      const err = new CliError('usage', raw.message.replace(/^error: /, ''), EXIT.usage);
      if (json) printError(out, streams, err);
      return EXIT.usage;
    }
    const mapped = fromApiError(raw);
    const err = mapped instanceof CliError ? mapped : new CliError('internal_error', mapped instanceof Error ? mapped.message : String(mapped));
    // A command that already printed its result (a failed run, failed tests) only sets the exit code in JSON mode.
    if (!(json && err.details?.reported)) printError(out, streams, err);
    code = err.exitCode;
  }
  // The local sandbox (dev, test) stays up between calls in one process; idle, it does not keep the process alive.
  return code;
}
