import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as prompts from '@clack/prompts';
import ora from 'ora';
import { createFrameOSClient, unwrap, verifyReceiptChain, type Execution, type Jwks } from '@frameos/client';
import { formatMinor } from '@frameos/domain';
import { DEFAULT_API_URL, loadConfig, maskKey, saveConfig } from '../config.ts';
import { clientFor, type CommandContext } from '../context.ts';
import { CliError, EXIT } from '../output.ts';
import { packageProject } from './project.ts';

const money = (amount: number, currency: string) => {
  try {
    return `${formatMinor(amount, currency)} ${currency}`;
  } catch {
    return `${amount} ${currency} (minor units)`;
  }
};

export async function loginCommand(ctx: CommandContext) {
  const env = ctx.streams.env;
  const stored = await loadConfig(env);
  const apiUrl = (ctx.flags.apiUrl ?? env.FROS_API_URL ?? stored.api_url ?? DEFAULT_API_URL).replace(/\/+$/, '');
  let apiKey = ctx.flags.apiKey ?? env.FROS_API_KEY;
  if (!apiKey && ctx.out.interactive) {
    const answer = await prompts.password({ message: `API key for ${apiUrl} (an organization key fos_org_… or an agent key fos_agent_…)` });
    if (prompts.isCancel(answer)) throw new CliError('cancelled', 'Cancelled.', EXIT.usage);
    apiKey = String(answer).trim();
  }
  if (!apiKey) throw new CliError('missing_api_key', 'Pass --api-key (or set FROS_API_KEY); on a terminal frameos login asks for it.', EXIT.usage);
  // Checked before it is kept: a key the API refuses is never written.
  const client = createFrameOSClient({ baseUrl: apiUrl, apiKey, retries: 1 });
  await unwrap(client.api.GET('/spend', { params: { query: {} } }));
  const path = await saveConfig(env, { api_url: apiUrl, api_key: apiKey });
  ctx.out.result({ api_url: apiUrl, key: maskKey(apiKey), config_path: path }, () => {
    ctx.out.line(`${ctx.out.colors.green('✓')} Logged in to ${apiUrl} with ${maskKey(apiKey)}; saved to ${path} (readable only by you).`);
  });
}

export async function deployCommand(ctx: CommandContext, dirArg: string | undefined) {
  const { client } = await clientFor(ctx);
  const developer = await client.api.GET('/developers/me', {}).then((r) => {
    if (r.response.status === 404) throw new CliError('not_a_developer', 'This organization is not a developer yet: register one in the dashboard (Developer portal) or with POST /developers {name, email}.');
    return unwrap(Promise.resolve(r));
  });
  const pkg = await packageProject(resolve(ctx.cwd, dirArg ?? '.'), developer.developer_id);
  if (pkg.problems.length > 0) {
    throw new CliError('invalid_manifest', `The manifest has problems: ${pkg.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, EXIT.failed, { problems: pkg.problems });
  }
  const spinner = ctx.out.interactive ? ora({ text: `Registering ${pkg.manifest.id}@${pkg.manifest.version}`, stream: process.stderr }).start() : null;
  try {
    const registered = await unwrap(client.api.POST('/agents/register', { body: { manifest: pkg.manifest, code: pkg.code } as never }));
    const mine = await unwrap(client.api.GET('/developers/me/agents', { params: { query: { limit: 100 } } }));
    const agent = mine.data.find((a) => a.agent_id === pkg.manifest.id);
    const version = agent?.versions.find((v) => v.version === pkg.manifest.version);
    spinner?.succeed(`Registered ${pkg.manifest.id}@${pkg.manifest.version}`);
    const review = { agent_id: pkg.manifest.id, version: pkg.manifest.version, status: version?.status ?? (registered as { status?: string }).status ?? 'pending_review', reason: version?.review_reason ?? null, code_sha256: pkg.sha256, bytes: pkg.bytes };
    ctx.out.result(review, () => {
      ctx.out.line(`Review status: ${ctx.out.colors.bold(review.status)}${review.reason ? ` — ${review.reason}` : ''}`);
      ctx.out.line('A platform admin reviews new versions; `frameos agents show ' + review.agent_id + '` shows it once approved.');
    });
  } catch (err) {
    spinner?.fail('Registration refused');
    throw err;
  }
}

export async function agentsListCommand(ctx: CommandContext, options: { q?: string; category?: string; limit?: string }) {
  const { client } = await clientFor(ctx);
  const query: Record<string, string | number> = { limit: Number(options.limit ?? 50) };
  if (options.q) query.q = options.q;
  if (options.category) query.category = options.category;
  const list = await unwrap(client.api.GET('/agents', { params: { query: query as never } }));
  ctx.out.result(list, () => {
    ctx.out.table(['id', 'name', 'category', 'price', 'model'], list.data.map((a) => [a.agent_id, a.name, a.category, money(a.pricing.amount, a.pricing.currency), a.pricing.model]));
    ctx.out.line(`${list.data.length} agent(s)${list.has_more ? ' (more: --limit)' : ''}`);
  });
}

export async function agentsShowCommand(ctx: CommandContext, id: string) {
  const { client } = await clientFor(ctx);
  const agent = await unwrap(client.api.GET('/agents/{id}', { params: { path: { id } } }));
  const m = agent.manifest;
  ctx.out.result(agent, () => {
    ctx.out.line(`${ctx.out.colors.bold(m.name)} ${agent.agent_id}@${m.version} — ${money(m.pricing.amount, m.pricing.currency)} ${m.pricing.model}`);
    ctx.out.line(m.description);
    const props = (agent.input_schema as { properties?: Record<string, { type?: string; description?: string }> }).properties ?? {};
    const required = new Set((agent.input_schema as { required?: string[] }).required ?? []);
    ctx.out.table(['input', 'type', 'required', 'description'], Object.entries(props).map(([name, p]) => [name, String(p.type ?? ''), required.has(name) ? 'yes' : 'no', p.description ?? '']));
    ctx.out.line(`capabilities: ${m.capabilities.join(', ') || 'none'} · category: ${m.metadata.category} · tags: ${m.metadata.tags.join(', ')}`);
  });
}

export async function deploymentsListCommand(ctx: CommandContext, options: { agent?: string }) {
  const { client } = await clientFor(ctx);
  const list = await unwrap(client.api.GET('/deployments', { params: { query: { limit: 100, ...(options.agent ? { agent_id: options.agent } : {}) } as never } }));
  ctx.out.result(list, () => {
    ctx.out.table(['id', 'agent', 'version', 'status', 'account', 'policy'], list.data.map((d) => [d.deployment_id, d.agent_id, d.version, d.status, d.agent_account_id, d.policy_id]));
  });
}

export async function deploymentsCreateCommand(ctx: CommandContext, agentId: string, options: { account: string; policy: string; allowHost?: string[]; config?: string; version?: string }) {
  const { client } = await clientFor(ctx);
  const config = options.config ? (JSON.parse(await readFile(resolve(ctx.cwd, options.config), 'utf8')) as Record<string, unknown>) : undefined;
  const body = { agent_account_id: options.account, policy_id: options.policy, ...(options.allowHost ? { allowed_hosts: options.allowHost } : {}), ...(config ? { config } : {}), ...(options.version ? { version: options.version } : {}) };
  const deployment = await unwrap(client.api.POST('/agents/{id}/deploy', { params: { path: { id: agentId } }, body }));
  ctx.out.result(deployment, () => ctx.out.line(`${ctx.out.colors.green('✓')} Deployed ${agentId}: ${deployment.deployment_id} (${deployment.status})`));
}

async function deploymentFor(ctx: CommandContext, client: Awaited<ReturnType<typeof clientFor>>['client'], agentId: string, given?: string): Promise<string> {
  if (given) return given;
  const list = await unwrap(client.api.GET('/deployments', { params: { query: { limit: 100, agent_id: agentId } as never } }));
  const active = list.data.filter((d) => d.agent_id === agentId && d.status === 'active');
  if (active.length === 1) return active[0]!.deployment_id;
  if (active.length === 0) throw new CliError('no_deployment', `Your organization has no active deployment of ${agentId}: frameos deployments create ${agentId} --account aga_… --policy pol_…`);
  throw new CliError('several_deployments', `Several deployments of ${agentId} (${active.map((d) => d.deployment_id).join(', ')}): pass --deployment.`, EXIT.usage);
}

export async function runCommand(ctx: CommandContext, agentId: string, options: { input?: string; inputs?: string; deployment?: string; maxCharge?: string; wait?: boolean }) {
  const { client } = await clientFor(ctx);
  let inputs: Record<string, unknown> = {};
  const raw = options.input ? await readFile(resolve(ctx.cwd, options.input), 'utf8').catch(() => {
    throw new CliError('file_not_found', `Cannot read the input file ${options.input}.`, EXIT.usage);
  }) : options.inputs;
  if (raw !== undefined) {
    try {
      inputs = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new CliError('invalid_json', 'The inputs are not valid JSON.', EXIT.usage);
    }
  }
  const deploymentId = await deploymentFor(ctx, client, agentId, options.deployment);
  const spinner = ctx.out.interactive ? ora({ text: `Running ${agentId}`, stream: process.stderr }).start() : null;
  let execution: Execution;
  try {
    execution = await client.runAgent(agentId, { deployment_id: deploymentId, inputs, ...(options.maxCharge ? { max_charge: Number(options.maxCharge) } : {}) }, {
      pollMs: 250,
      waitForApproval: options.wait === true,
      onProgress: ({ execution: e, newLogs }) => {
        for (const l of newLogs) {
          const line = ctx.out.colors.dim(`[${l.level}] ${l.message}`);
          if (spinner) {
            spinner.clear();
            process.stderr.write(`${line}\n`);
            spinner.render();
          } else ctx.out.note(line);
        }
        if (spinner) spinner.text = `${agentId}: ${e.status}`;
        else ctx.out.note(ctx.out.colors.dim(`status: ${e.status}`));
      },
    });
  } catch (err) {
    spinner?.fail(`${agentId} did not run`);
    throw err;
  }
  const ok = execution.status === 'succeeded';
  if (spinner) {
    if (ok) spinner.succeed(`${agentId} succeeded`);
    else spinner.fail(`${agentId} ${execution.status}`);
  }
  ctx.out.result(execution, () => {
    if (ok) ctx.out.line(JSON.stringify(execution.outputs, null, 2));
    else ctx.out.line(`${ctx.out.colors.red(execution.status)}: ${execution.error?.message ?? ''}`);
    ctx.out.line(ctx.out.colors.dim(`${execution.execution_id} · cost ${money(execution.cost.amount, execution.cost.currency)}`));
  });
  if (!ok) throw new CliError(execution.error?.code ?? execution.status, `The execution ${execution.status}: ${execution.error?.message ?? ''}`, EXIT.failed, { reported: true });
}

export async function payCommand(ctx: CommandContext, options: { vendor: string; amount: string; currency: string; policy: string; description?: string; idempotencyKey?: string }) {
  if (!/^\d+$/.test(options.amount)) throw new CliError('invalid_amount', '--amount is a whole number of minor units (1999 = 19.99 USD).', EXIT.usage);
  const { client } = await clientFor(ctx);
  const result = await client.pay({
    vendor: options.vendor,
    amount: Number(options.amount),
    currency: options.currency.toUpperCase(),
    policy_id: options.policy,
    ...(options.description ? { description: options.description } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
  ctx.out.result(result, () => {
    const p = result.payment as { payment_id?: string; status?: string; amount?: number; currency?: string };
    ctx.out.line(`${ctx.out.colors.green('✓')} Paid ${money(p.amount ?? Number(options.amount), p.currency ?? options.currency)} to ${options.vendor}: ${p.payment_id} (${p.status})`);
    ctx.out.line(ctx.out.colors.dim(`receipt ${(result.receipt as { receipt_id?: string }).receipt_id} · mandate ${(result.mandate as { mandate_id?: string }).mandate_id}`));
  });
}

export async function receiptsVerifyCommand(ctx: CommandContext, options: { account?: string; file?: string; jwks?: string }) {
  let receipts: Record<string, unknown>[];
  let jwks: Jwks;
  const { client, creds } = options.file && options.jwks ? { client: null, creds: null } : await clientFor(ctx);
  if (options.file) {
    const value = JSON.parse(await readFile(resolve(ctx.cwd, options.file), 'utf8')) as unknown;
    receipts = (Array.isArray(value) ? value : (value as { data?: unknown }).data) as Record<string, unknown>[];
    if (!Array.isArray(receipts)) throw new CliError('invalid_receipts', `${options.file} must hold an array of receipts or {"data": [...]}.`, EXIT.usage);
  } else {
    if (!options.account) throw new CliError('missing_account', 'Pass --account aga_… (or --file receipts.json).', EXIT.usage);
    receipts = [];
    let after = 0;
    for (;;) {
      const page = await unwrap(client!.api.GET('/receipts', { params: { query: { agent_account_id: options.account, after_seq: after, limit: 100 } } }));
      receipts.push(...(page.data as Record<string, unknown>[]));
      if (!page.has_more || page.next_after_seq === null) break;
      after = page.next_after_seq;
    }
  }
  if (options.jwks) jwks = JSON.parse(await readFile(resolve(ctx.cwd, options.jwks), 'utf8')) as Jwks;
  else {
    const res = await fetch(`${creds!.apiUrl.replace(/\/+$/, '')}/.well-known/jwks.json`).catch(() => {
      throw new CliError('network_error', `Cannot fetch ${creds!.apiUrl}/.well-known/jwks.json`);
    });
    jwks = (await res.json()) as Jwks;
  }
  const check = verifyReceiptChain(receipts, jwks);
  ctx.out.result(check, () => {
    if (check.valid) ctx.out.line(`${ctx.out.colors.green('✓')} ${check.length} receipt(s) verified offline: hashes, links and signatures; head ${check.head_hash}`);
    else ctx.out.line(`${ctx.out.colors.red('✗')} The chain breaks at seq ${check.first_invalid_seq} (of ${check.length}).`);
  });
  if (!check.valid) throw new CliError('chain_invalid', `The receipt chain breaks at seq ${check.first_invalid_seq}.`, EXIT.failed, { reported: true });
}

export async function mcpCommand(ctx: CommandContext) {
  const { creds } = await clientFor(ctx);
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const { createFrameOSMcpServer } = await import('@frameos/mcp');
  const server = createFrameOSMcpServer(createFrameOSClient({ baseUrl: creds.apiUrl, apiKey: creds.apiKey }));
  await server.connect(new StdioServerTransport());
  // Serves until the client closes stdin.
  await new Promise<void>((done) => process.stdin.once('close', done).once('end', done));
}

