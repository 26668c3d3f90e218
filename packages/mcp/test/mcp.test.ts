import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { useTestApp } from '../../../apps/server/test/support/test-app.ts';
import { agentSource, deploy, developer, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, type PayerFixture } from '../../../apps/server/test/support/marketplace-kit.ts';
import type { Sandbox } from '@frameos/sandbox';
import type { ExecutionWorker } from '../../../apps/server/src/modules/executions/execution-runner.ts';

const STDIO = fileURLToPath(new URL('../src/stdio.ts', import.meta.url));

type ToolResult = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };

/** The MCP server as Claude Desktop runs it: `frameos-mcp` over stdio, driven by the MCP SDK's own client, against a live server. */
describe('@frameos/mcp over stdio', () => {
  const t = useTestApp({ env: marketplaceEnv });
  const HELLO = 'agt_hello_mcp';
  let sandbox: Sandbox;
  let worker: ExecutionWorker;
  let buyer: PayerFixture;
  let deployment: string;
  let client: Client;

  const connect = async (apiKey: string, baseUrl: string) => {
    const c = new Client({ name: 'frameos-test', version: '1.0.0' });
    await c.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', STDIO], env: { ...process.env, FROS_API_URL: baseUrl, FROS_API_KEY: apiKey } as Record<string, string>, stderr: 'pipe' }));
    return c;
  };
  const call = async (name: string, args: Record<string, unknown>, c = client) => (await c.callTool({ name, arguments: args })) as ToolResult;

  beforeAll(async () => {
    const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sandbox = newSandbox();
    worker = testWorker(t, sandbox);
    worker.start();
    const dev = await developer(t);
    await publishAgent(t, dev, await platformAdminToken(t), agentSource('hello-world'), { id: HELLO });
    buyer = await payer(t, [HELLO, 'acme_api'], { policy: { per_tx_cap: 2_000 } });
    await t.request('POST', '/vendors', { token: buyer.org.orgKey, body: { vendor_id: 'acme_api', name: 'Acme', rail: 'ledger' } });
    deployment = await deploy(t, buyer, HELLO);
    client = await connect(buyer.agentKey, baseUrl);
  });

  afterAll(async () => {
    await client?.close();
    await worker.stop();
    await sandbox.close();
  });

  it('lists the ten tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['create_purchase_intent', 'execute_mandate', 'get_agent', 'get_execution', 'get_receipt', 'get_wallet', 'request_mandate', 'run_agent', 'search_agents', 'verify_receipts']);
  });

  it('finds the agent and runs it, reporting progress, and the run is paid from the wallet', async () => {
    const found = await call('search_agents', { q: 'hello' });
    expect((found.structuredContent?.agents as { agent_id: string }[]).map((a) => a.agent_id)).toContain(HELLO);
    const progress: string[] = [];
    const run = (await client.callTool({ name: 'run_agent', arguments: { agent_id: HELLO, deployment_id: deployment, inputs: { name: 'MCP' } } }, undefined, {
      onprogress: (p) => progress.push(String(p.message)),
    })) as ToolResult;
    expect(run.isError).toBeFalsy();
    expect(run.structuredContent).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, MCP' }, cost: { amount: 100, currency: 'USD' } });
    // At least the run's progress while it ran (the final status comes with the result).
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatch(/^(queued|running|succeeded)/);
    const execution = await call('get_execution', { execution_id: run.structuredContent?.execution_id });
    expect(execution.structuredContent).toMatchObject({ status: 'succeeded' });
  });

  it('pays step by step: intent → mandate → execute → receipt → verified chain → wallet', async () => {
    const intent = await call('create_purchase_intent', { vendor: 'acme_api', amount: 1_500, currency: 'USD', description: 'one report' });
    const mandate = await call('request_mandate', { intent_id: intent.structuredContent?.intent_id, policy_id: buyer.policyId });
    expect(mandate.structuredContent).toMatchObject({ status: 'active' });
    const payment = await call('execute_mandate', { mandate_id: mandate.structuredContent?.mandate_id });
    expect(payment.structuredContent).toMatchObject({ status: 'settled', amount: 1_500 });
    const receipt = await call('get_receipt', { receipt_id: payment.structuredContent?.receipt_id });
    expect(receipt.structuredContent).toMatchObject({ payment_id: payment.structuredContent?.payment_id });
    const chain = await call('verify_receipts', { agent_account_id: buyer.agentAccountId });
    expect(chain.structuredContent).toMatchObject({ valid: true });
    const wallet = await call('get_wallet', { agent_account_id: buyer.agentAccountId });
    expect(wallet.structuredContent).toMatchObject({ wallet: { balances: [expect.objectContaining({ currency: 'USD', balance: 10_000 - 100 - 1_500 })] } });
  });

  it("returns the policy's refusal as a tool error, and a payment that needs a person as 'awaiting approval' with the mandate id", async () => {
    const intent = await call('create_purchase_intent', { vendor: 'acme_api', amount: 2_500, currency: 'USD' });
    const refused = await call('request_mandate', { intent_id: intent.structuredContent?.intent_id, policy_id: buyer.policyId });
    expect(refused.isError).toBe(true);
    expect(refused.content[0]?.text).toMatch(/^policy_violation: .*\(reason: amount_over_cap\)/);

    const careful = await payer(t, [HELLO], { policy: { approval_threshold: 50 } });
    const carefulClient = await connect(careful.agentKey, `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`);
    try {
      const held = await call('run_agent', { agent_id: HELLO, deployment_id: await deploy(t, careful, HELLO), inputs: { name: 'Later' } }, carefulClient);
      expect(held.isError).toBeFalsy();
      expect(held.structuredContent).toMatchObject({ status: 'awaiting_approval', mandate_id: expect.stringMatching(/^mdt_/) });
      expect(held.content[0]?.text).toMatch(/^Awaiting approval: a person must approve mandate mdt_/);
    } finally {
      await carefulClient.close();
    }
  });
});

describe('MCP over streamable HTTP at /mcp on the server', () => {
  const t = useTestApp({ env: marketplaceEnv });
  const HELLO = 'agt_hello_mcp_http';
  let baseUrl: string;
  let sandbox: Sandbox;
  let worker: ExecutionWorker;
  let buyer: PayerFixture;

  const connect = async (token?: string) => {
    const c = new Client({ name: 'frameos-http-test', version: '1.0.0' });
    await c.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} } }));
    return c;
  };

  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sandbox = newSandbox();
    worker = testWorker(t, sandbox);
    worker.start();
    const dev = await developer(t);
    await publishAgent(t, dev, await platformAdminToken(t), agentSource('hello-world'), { id: HELLO });
    buyer = await payer(t, [HELLO]);
  });

  afterAll(async () => {
    await worker.stop();
    await sandbox.close();
  });

  it('serves the tools to an agent key: a run is paid from its wallet, the wallet reads the new balance', async () => {
    const client = await connect(buyer.agentKey);
    try {
      expect((await client.listTools()).tools).toHaveLength(10);
      const run = (await client.callTool({ name: 'run_agent', arguments: { agent_id: HELLO, deployment_id: await deploy(t, buyer, HELLO), inputs: { name: 'HTTP' } } })) as ToolResult;
      expect(run.structuredContent).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, HTTP' } });
      const wallet = (await client.callTool({ name: 'get_wallet', arguments: { agent_account_id: buyer.agentAccountId } })) as ToolResult;
      expect(wallet.structuredContent).toMatchObject({ wallet: { balances: [expect.objectContaining({ currency: 'USD', balance: 10_000 - 100 })] } });
      // Another org's account is not this key's to read.
      const other = await payer(t, [HELLO]);
      const denied = (await client.callTool({ name: 'get_wallet', arguments: { agent_account_id: other.agentAccountId } })) as ToolResult;
      expect(denied.isError).toBe(true);
      expect(denied.content[0]?.text).toMatch(/^not_found:/);
    } finally {
      await client.close();
    }
  });

  it('refuses a missing or wrong key (401) and an org key (403), in the API’s error shape', async () => {
    await expect(connect()).rejects.toThrow(/"code":"unauthorized"/);
    await expect(connect('fos_agent_not_a_real_key')).rejects.toThrow(/"code":"unauthorized"/);
    await expect(connect(buyer.org.orgKey)).rejects.toThrow(/"code":"forbidden"/);
    const res = await t.request('POST', '/mcp', { token: buyer.org.orgKey, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});
