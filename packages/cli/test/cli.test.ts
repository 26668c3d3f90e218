import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '@frameos/sandbox';
import { useTestApp } from '../../../apps/server/test/support/test-app.ts';
import { setupAgent, signupOrg } from '../../../apps/server/test/support/fixtures.ts';
import { developer, marketplaceEnv, newSandbox, payer, platformAdminToken, testWorker, walletBalance, type DeveloperFixture } from '../../../apps/server/test/support/marketplace-kit.ts';
import type { ExecutionWorker } from '../../../apps/server/src/modules/executions/execution-runner.ts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runCli } from '../src/program.ts';

const BIN = join(import.meta.dirname, '../bin/frameos.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The `frameos` CLI end to end: the real bin in child processes, in a temporary directory, with its
 * own config directory, against a live server and a running worker with the real sandbox.
 */
describe('frameos CLI', () => {
  const t = useTestApp({ env: marketplaceEnv });
  let baseUrl: string;
  let sandbox: Sandbox;
  let worker: ExecutionWorker;
  let work: string;
  let configDir: string;
  let dev: DeveloperFixture;
  let admin: string;

  const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: work, FRAMEOS_CONFIG_DIR: configDir, FROS_API_URL: baseUrl, ...extra });

  /** The real bin in a child process, asynchronously (the server answering it lives in this process). */
  const spawned = (args: string[], options: { cwd?: string } = {}) =>
    new Promise<Ran>((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? work, env: env(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });

  /** The same program in this process (runCli takes its streams, environment and directory), which saves ~1 s of start-up per command. */
  const frameos = async (args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> => {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) => ({ write: (chunk: string | Uint8Array) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
    const code = await runCli(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: env(options.env) }, options.cwd ?? work);
    return { code, stdout, stderr };
  };
  const json = (r: Ran) => JSON.parse(r.stdout) as Record<string, unknown> & { error?: { code: string; message: string } };

  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sandbox = newSandbox();
    worker = testWorker(t, sandbox);
    worker.start();
    work = await mkdtemp(join(tmpdir(), 'frameos-cli-'));
    configDir = join(work, 'config');
    dev = await developer(t, 'CLI developer');
    admin = await platformAdminToken(t);
  });

  afterAll(async () => {
    await worker.stop();
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  });

  it('init → test → dev → validate: a scaffolded project works at once, offline (the real bin for test)', async () => {
    const init = await frameos(['init', 'word-counter', '--name', 'CLI Word Counter', '--id', 'agt_cli_word_counter', '--json']);
    expect(init.code, init.stderr).toBe(0);
    expect(json(init)).toMatchObject({ agent_id: 'agt_cli_word_counter', files: expect.arrayContaining(['package.json', 'src/index.ts', 'test/cases/counts-words.json']) });
    const project = join(work, 'word-counter');

    const tested = await frameos(['test', '--json'], { cwd: project });
    expect(tested.code, tested.stdout).toBe(0);
    expect(json(tested)).toMatchObject({ passed: true, failed: 0, total: 4 });

    const human = await spawned(['test'], { cwd: project });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/✓ counts words/);
    expect(human.stdout).toMatch(/4 passed, 0 failed/);
    // Not a TTY: no colour codes.
    expect(human.stdout).not.toContain(String.fromCharCode(27));

    const ran = await frameos(['dev', '--json'], { cwd: project });
    expect(json(ran)).toMatchObject({ status: 'succeeded', outputs: { count: 4 }, logs: [{ level: 'log', message: 'counted 4 words' }] });
    await writeFile(join(work, 'chars.json'), JSON.stringify({ text: 'abc', unit: 'characters' }));
    expect(json(await frameos(['dev', project, '--input', join(work, 'chars.json'), '--json']))).toMatchObject({ status: 'succeeded', outputs: { count: 3 } });

    const valid = await frameos(['validate', '--json'], { cwd: project });
    expect(valid.code).toBe(0);
    expect(json(valid)).toMatchObject({ valid: true, problems: [], manifest: { id: 'agt_cli_word_counter', inputs: [{ name: 'text', type: 'string', required: true }, { name: 'unit', required: false, schema: { enum: ['words', 'characters'] } }] } });
  });

  it('a failing case fails `frameos test` with exit 1 and says why; a broken manifest fails validate', async () => {
    const project = join(work, 'word-counter');
    await writeFile(join(project, 'test/cases/wrong.json'), JSON.stringify({ name: 'wrong count', inputs: { text: 'one two' }, expect: { outputs: { count: 3 } } }));
    const tested = await frameos(['test'], { cwd: project });
    expect(tested.code).toBe(1);
    expect(tested.stdout).toMatch(/✗ wrong count/);
    expect(tested.stdout).toMatch(/outputs\.count is 2, expected 3/);
    await rm(join(project, 'test/cases/wrong.json'));

    const src = join(project, 'src/index.ts');
    const original = await readFile(src, 'utf8');
    await writeFile(src, original.replace("amount: 50,", 'amount: 0.5,'));
    const invalid = await frameos(['validate', '--json'], { cwd: project });
    expect(invalid.code).toBe(1);
    expect(json(invalid)).toMatchObject({ valid: false, problems: [{ path: 'pricing.amount' }] });
    await writeFile(src, original);
  });

  it('login keeps a checked key in a 0600 file; a refused key is not kept', async () => {
    const bad = await frameos(['login', '--api-key', 'fos_org_not_a_real_key', '--json']);
    expect(bad.code).toBe(1);
    expect(json(bad).error?.code).toMatch(/unauthorized|invalid_api_key|authentication/);
    await expect(stat(join(configDir, 'config.json'))).rejects.toThrow();

    const none = await frameos(['agents', 'list', '--json']);
    expect(none.code).toBe(1);
    expect(json(none).error?.code).toBe('not_logged_in');

    const ok = await frameos(['login', '--api-key', dev.org.orgKey, '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(json(ok)).toMatchObject({ api_url: baseUrl, key: expect.stringMatching(/…/) });
    expect(ok.stdout).not.toContain(dev.org.orgKey);
    const file = await stat(join(configDir, 'config.json'));
    expect(file.mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8'))).toEqual({ api_url: baseUrl, api_key: dev.org.orgKey });
  });

  it('deploy → pending review → admin approves → agents list/show → deployments create → run with live logs, charged once', async () => {
    const project = join(work, 'word-counter');
    const deployed = await frameos(['deploy', '--json'], { cwd: project });
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    expect(json(deployed)).toMatchObject({ agent_id: 'agt_cli_word_counter', version: '1.0.0', status: 'pending_review' });
    expect(json(await frameos(['deploy', '--json'], { cwd: project })).error?.code).toBe('agent_version_exists');

    const approved = await t.request('POST', '/admin/agents/agt_cli_word_counter/approve', { token: admin, body: {} });
    expect(approved.status, approved.text).toBe(200);

    const listed = json(await frameos(['agents', 'list', '--q', 'words', '--json']));
    expect((listed.data as { agent_id: string }[]).map((a) => a.agent_id)).toContain('agt_cli_word_counter');
    const table = await frameos(['agents', 'list']);
    expect(table.stdout).toMatch(/agt_cli_word_counter.*CLI Word Counter.*0\.50 USD/);
    expect(json(await frameos(['agents', 'show', 'agt_cli_word_counter', '--json']))).toMatchObject({ agent_id: 'agt_cli_word_counter', input_schema: { required: ['text'] } });
    expect(json(await frameos(['agents', 'show', 'agt_nope', '--json'])).error?.code).toBe('not_found');

    const buyer = await payer(t, ['agt_cli_word_counter']);
    const asBuyer = { env: { FROS_API_KEY: buyer.org.orgKey } };
    const noDeployment = await frameos(['run', 'agt_cli_word_counter', '--inputs', '{"text":"a b"}', '--json'], asBuyer);
    expect(json(noDeployment).error?.code).toBe('no_deployment');
    const created = await frameos(['deployments', 'create', 'agt_cli_word_counter', '--account', buyer.agentAccountId, '--policy', buyer.policyId, '--json'], asBuyer);
    expect(created.code, created.stdout).toBe(0);

    await writeFile(join(work, 'input.json'), JSON.stringify({ text: 'pay per execution works' }));
    const run = await frameos(['run', 'agt_cli_word_counter', '--input', join(work, 'input.json'), '--json'], asBuyer);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(json(run)).toMatchObject({ status: 'succeeded', outputs: { count: 4 }, cost: { amount: 50, currency: 'USD' } });
    const human = await frameos(['run', 'agt_cli_word_counter', '--inputs', '{"text":"one"}'], asBuyer);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/\[log\] counted 1 words/);
    expect(human.stdout).toMatch(/"count": 1/);
    expect(await walletBalance(t, buyer)).toBe(10_000 - 100);

    const bad = await frameos(['run', 'agt_cli_word_counter', '--inputs', '{"txt":"x"}', '--json'], asBuyer);
    expect(bad.code).toBe(1);
    expect(json(bad).error?.code).toBe('invalid_inputs');
    expect(await walletBalance(t, buyer)).toBe(10_000 - 100);
  });

  it('pay and receipts verify: one payment per idempotency key, the chain verified offline, a forged file caught', async () => {
    const org = await signupOrg(t);
    const agent = await setupAgent(t, org, { balance: 100_000, policy: { per_tx_cap: 50_000, daily_limit: 200_000 } });
    const asAgent = { env: { FROS_API_KEY: agent.agentKey } };
    const args = ['pay', '--vendor', 'acme_api', '--amount', '1999', '--currency', 'INR', '--policy', agent.policyId, '--idempotency-key', 'cli-order-1', '--json'];
    const first = await frameos(args, asAgent);
    expect(first.code, first.stdout).toBe(0);
    const second = await frameos(args, asAgent);
    expect((json(second).payment as { payment_id: string }).payment_id).toBe((json(first).payment as { payment_id: string }).payment_id);
    const payments = await t.request('GET', '/payments', { token: org.orgKey });
    expect(payments.body.data).toHaveLength(1);

    const refused = await frameos(['pay', '--vendor', 'acme_api', '--amount', '60000', '--currency', 'INR', '--policy', agent.policyId, '--json'], asAgent);
    expect(refused.code).toBe(1);
    expect(json(refused).error).toMatchObject({ code: 'policy_violation', message: expect.stringMatching(/reason: /) });
    expect((await frameos(['pay', '--vendor', 'acme_api', '--amount', '19.99', '--currency', 'INR', '--policy', agent.policyId], asAgent)).code).toBe(2);

    const verified = await frameos(['receipts', 'verify', '--account', agent.agentId, '--json'], asAgent);
    expect(verified.code, verified.stdout).toBe(0);
    expect(json(verified)).toMatchObject({ valid: true, first_invalid_seq: null });
    const receipts = await t.request('GET', `/receipts?agent_account_id=${agent.agentId}`, { token: org.orgKey });
    const forged = receipts.body.data.map((r: Record<string, unknown>, i: number) => (i === 0 ? { ...r, amount: 1 } : r));
    await writeFile(join(work, 'forged.json'), JSON.stringify(forged));
    const caught = await frameos(['receipts', 'verify', '--file', join(work, 'forged.json'), '--json'], asAgent);
    expect(caught.code).toBe(1);
    expect(json(caught)).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });

  it('frameos mcp serves the FrameOS tools over stdio with the stored or given key (the SDK client)', async () => {
    const buyer = await payer(t, ['agt_anything']);
    const client = new Client({ name: 'frameos-cli-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: env({ FROS_API_KEY: buyer.agentKey }), stderr: 'pipe' }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['search_agents', 'run_agent', 'get_wallet', 'verify_receipts']));
      const wallet = await client.callTool({ name: 'get_wallet', arguments: { agent_account_id: buyer.agentAccountId } });
      expect(wallet.isError).not.toBe(true);
      expect(JSON.stringify(wallet.content)).toContain('10000');
    } finally {
      await client.close();
    }
  });

  it('usage errors exit 2 with a message', async () => {
    const unknown = await spawned(['bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'bogus'/);
    const missing = await frameos(['pay', '--json']);
    expect(missing.code).toBe(2);
    expect(json(missing).error).toMatchObject({ code: 'usage', message: expect.stringMatching(/--vendor/) });
  });
});
