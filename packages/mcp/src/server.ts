import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ApprovalRequiredError, FrameOSError, unwrap, type FrameOSClient } from '@frameos/client';

const VERSION = '0.1.0';

function ok(summary: string, data: unknown): CallToolResult {
  return { content: [{ type: 'text', text: `${summary}\n${JSON.stringify(data, null, 2)}` }], structuredContent: data as Record<string, unknown> };
}

/** A payment or run that needs a person: a clear result with the mandate to approve, never a silent wait. */
function awaitingApproval(mandateId: string, extra: Record<string, unknown> = {}): CallToolResult {
  const data = { status: 'awaiting_approval', mandate_id: mandateId, ...extra };
  return ok(`Awaiting approval: a person must approve mandate ${mandateId} (POST /mandates/${mandateId}/approve or the web app's Approvals inbox). Nothing has been charged.`, data);
}

/** The API's refusals as tool errors the model can read (code, message and details such as the policy's reason). */
async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApprovalRequiredError) return awaitingApproval(err.mandateId, err.executionId ? { execution_id: err.executionId } : {});
    if (err instanceof FrameOSError) {
      const error = { code: err.code, message: err.message, ...err.details };
      return { isError: true, content: [{ type: 'text', text: `${err.code}: ${err.message}${err.details.reason ? ` (reason: ${String(err.details.reason)})` : ''}` }], structuredContent: { error } };
    }
    throw err;
  }
}

const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z_]+$`), `a ${prefix}_… id`);

/**
 * The FrameOS MCP server for one API key (an agent account key): policy and approvals are the
 * server's, exactly as for any other caller of the API.
 */
export function createFrameOSMcpServer(frameos: FrameOSClient): McpServer {
  const { api } = frameos;
  const server = new McpServer({ name: 'frameos', version: VERSION });

  server.registerTool('search_agents', {
    title: 'Search marketplace agents',
    description: 'Find approved agents in the FrameOS marketplace by text, category or pricing model.',
    inputSchema: {
      q: z.string().max(200).optional().describe('Words to look for in names, descriptions and tags'),
      category: z.enum(['sales', 'marketing', 'devops', 'research', 'productivity']).optional(),
      pricing_model: z.enum(['per_execution', 'pay_per_use', 'subscription']).optional(),
      limit: z.number().int().min(1).max(50).optional(),
    },
  }, async (args) => guarded(async () => {
    const list = await unwrap(api.GET('/agents', { params: { query: { limit: args.limit ?? 10, ...(args.q ? { q: args.q } : {}), ...(args.category ? { category: args.category } : {}), ...(args.pricing_model ? { pricing_model: args.pricing_model } : {}) } } }));
    const agents = list.data.map((a) => ({ agent_id: a.agent_id, name: a.name, description: a.description, pricing: a.pricing, category: a.category }));
    return ok(`${agents.length} agent(s).`, { agents });
  }));

  server.registerTool('get_agent', {
    title: 'Get an agent',
    description: 'An agent of the marketplace: manifest, input and output JSON Schemas, price, developer, stats.',
    inputSchema: { agent_id: id('agt') },
  }, async ({ agent_id }) => guarded(async () => ok(`Agent ${agent_id}.`, await unwrap(api.GET('/agents/{id}', { params: { path: { id: agent_id } } })))));

  server.registerTool('run_agent', {
    title: 'Run an agent',
    description: 'Execute a marketplace agent under one of your deployments and wait for the result (progress is reported). The price is paid under the deployment\'s policy; a run that needs a person returns "awaiting approval" with the mandate id.',
    inputSchema: { agent_id: id('agt'), deployment_id: id('dep'), inputs: z.record(z.string(), z.unknown()).describe("The agent's inputs (see get_agent's input_schema)") },
  }, async ({ agent_id, deployment_id, inputs }, extra) => guarded(async () => {
    const token = extra._meta?.progressToken;
    let step = 0;
    // Notifications go out in order and all before the result: a client stops listening for a
    // request's progress once its answer has arrived.
    let sent: Promise<void> = Promise.resolve();
    const run = await frameos.runAgent(agent_id, { deployment_id, inputs }, {
      pollMs: 250,
      onProgress: ({ execution, newLogs }) => {
        if (token === undefined) return;
        step += 1;
        const message = [execution.status, ...newLogs.map((l) => l.message)].join(' · ');
        const params = { progressToken: token, progress: step, message };
        sent = sent.then(() => extra.sendNotification({ method: 'notifications/progress', params }));
      },
    });
    await sent;
    return ok(`Run ${run.execution_id}: ${run.status}.`, run);
  }));

  server.registerTool('get_execution', {
    title: 'Get an execution',
    description: 'A run: status, outputs or error, cost, payment.',
    inputSchema: { execution_id: id('exe') },
  }, async ({ execution_id }) => guarded(async () => ok(`Execution ${execution_id}.`, await unwrap(api.GET('/executions/{id}', { params: { path: { id: execution_id } } })))));

  server.registerTool('create_purchase_intent', {
    title: 'Create a purchase intent',
    description: 'Say what you want to buy: vendor, amount in minor units (1999 = 19.99) and ISO 4217 currency. Next: request_mandate.',
    inputSchema: { vendor: z.string().min(1).max(64), amount: z.number().int().positive(), currency: z.string().regex(/^[A-Z]{3}$/), description: z.string().max(500).optional() },
  }, async (args) => guarded(async () => ok('Purchase intent created.', await unwrap(api.POST('/purchase-intents', { body: args })))));

  server.registerTool('request_mandate', {
    title: 'Request a mandate',
    description: 'Ask the policy for a signed spending mandate for a purchase intent. Active: execute_mandate pays; pending approval: a person must approve first.',
    inputSchema: { intent_id: id('pi'), policy_id: id('pol') },
  }, async (args) => guarded(async () => {
    const mandate = await unwrap(api.POST('/mandates', { body: args }));
    if (mandate.status === 'pending_approval') return awaitingApproval(mandate.mandate_id, { intent_id: args.intent_id });
    return ok(`Mandate ${mandate.mandate_id} is active until ${mandate.expires_at}.`, mandate);
  }));

  server.registerTool('execute_mandate', {
    title: 'Pay with a mandate',
    description: 'Execute an active mandate: the payment happens exactly once; returns the payment and its receipt id.',
    inputSchema: { mandate_id: id('mdt') },
  }, async ({ mandate_id }) => guarded(async () => {
    const payment = await unwrap(api.POST('/execute', { body: { mandate_id } }));
    return ok(`Payment ${payment.payment_id}: ${payment.status}.`, payment);
  }));

  server.registerTool('get_receipt', {
    title: 'Get a receipt',
    description: 'A signed, hash-chained receipt.',
    inputSchema: { receipt_id: id('rcp') },
  }, async ({ receipt_id }) => guarded(async () => ok(`Receipt ${receipt_id}.`, await unwrap(api.GET('/receipts/{id}', { params: { path: { id: receipt_id } } })))));

  server.registerTool('verify_receipts', {
    title: 'Verify a receipt chain',
    description: "Check an agent account's whole receipt chain on the server: every hash, link and signature.",
    inputSchema: { agent_account_id: id('aga') },
  }, async ({ agent_account_id }) => guarded(async () => {
    const result = await unwrap(api.GET('/receipts/verify', { params: { query: { agent_account_id } } }));
    return ok(result.valid ? `The chain of ${result.length} receipts is valid.` : `The chain is broken at receipt ${result.first_invalid_seq}.`, result);
  }));

  server.registerTool('get_wallet', {
    title: 'Get the wallet',
    description: "An agent account's wallet balances per currency (minor units).",
    inputSchema: { agent_account_id: id('aga') },
  }, async ({ agent_account_id }) => guarded(async () => {
    const account = await unwrap(api.GET('/agent-accounts/{id}', { params: { path: { id: agent_account_id } } }));
    return ok(`Wallet of ${agent_account_id}.`, { agent_account_id, wallet: account.wallet });
  }));

  return server;
}
