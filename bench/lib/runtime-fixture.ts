import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callApi, mapWithConcurrency, stringField } from './fixture.ts';

/** One paying agent account with its own deployment of Hello World. */
export interface RuntimePayer {
  agentAccountId: string;
  apiKey: string;
  policyId: string;
  deploymentId: string;
}

export interface RuntimeFixture {
  agentId: string;
  price: number;
  currency: string;
  payerOrgId: string;
  payers: RuntimePayer[];
  endpointId: string;
}

export interface RuntimeFixturePlan {
  repoRoot: string;
  adminEmail: string;
  payers: number;
  maxConcurrency: number;
  /** Executions each wallet can pay for: far more than a run makes. */
  fundedExecutions: number;
  /** Where execution.succeeded events are delivered. */
  webhookUrl: string;
}

const SETUP_CONCURRENCY = 5;

async function signUp(baseUrl: string, email: string, password: string, orgName: string): Promise<{ orgId: string; orgKey: string }> {
  const created = await callApi(baseUrl, 'POST', '/auth/signup', { email, password, org_name: orgName });
  return { orgId: stringField(created, 'org_id'), orgKey: stringField(created, 'api_key') };
}

/**
 * Through the public API, as a developer, a platform admin and a customer would: the developer
 * registers agents/hello-world, the admin (an email in PLATFORM_ADMIN_EMAILS) approves it, and the
 * customer org funds `payers` agent accounts, gives each a policy allowing the agent and deploys it
 * once per account; one webhook endpoint of that org receives execution.succeeded.
 */
export async function setUpRuntimeFixture(baseUrl: string, plan: RuntimeFixturePlan): Promise<RuntimeFixture> {
  const suffix = randomBytes(4).toString('hex');
  const adminPassword = `bench-admin-${suffix}`;
  await signUp(baseUrl, plan.adminEmail, adminPassword, 'FrameOS reviewers');
  const login = await callApi(baseUrl, 'POST', '/auth/login', { email: plan.adminEmail, password: adminPassword });
  const adminToken = stringField(login, 'token');

  const developer = await signUp(baseUrl, `bench-dev-${suffix}@example.com`, `bench-dev-${suffix}`, `Bench developer ${suffix}`);
  const profile = await callApi(baseUrl, 'POST', '/developers', { name: 'Bench developer', email: `bench-dev-${suffix}@example.com` }, developer.orgKey);
  const developerId = stringField(profile, 'developer_id');
  const dir = join(plan.repoRoot, 'agents', 'hello-world');
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { id: string; author: Record<string, unknown>; pricing: { amount: number; currency: string } };
  const code = await readFile(join(dir, 'index.js'), 'utf8');
  await callApi(baseUrl, 'POST', '/agents/register', { manifest: { ...manifest, author: { ...manifest.author, developer_id: developerId } }, code }, developer.orgKey);
  await callApi(baseUrl, 'POST', `/admin/agents/${manifest.id}/approve`, {}, adminToken);

  const { amount: price, currency } = manifest.pricing;
  const customer = await signUp(baseUrl, `bench-buyer-${suffix}@example.com`, `bench-buyer-${suffix}`, `Bench buyer ${suffix}`);
  const funding = price * plan.fundedExecutions;
  const payers = await mapWithConcurrency(Array.from({ length: plan.payers }, (_, i) => i), SETUP_CONCURRENCY, async (index): Promise<RuntimePayer> => {
    const account = await callApi(baseUrl, 'POST', '/agent-accounts', { name: `bench payer ${index}`, risk_tier: 'LOW' }, customer.orgKey);
    const agentAccountId = stringField(account, 'agent_account_id');
    await callApi(baseUrl, 'POST', `/agent-accounts/${agentAccountId}/top-ups`, { amount: funding, currency }, customer.orgKey);
    const policy = await callApi(baseUrl, 'POST', '/policies', {
      agent_account_id: agentAccountId,
      name: 'benchmark: hello world',
      currency,
      vendor_allowlist: [manifest.id],
      per_tx_cap: price * 10,
      daily_limit: funding,
    }, customer.orgKey);
    const policyId = stringField(policy, 'policy_id');
    const deployment = await callApi(baseUrl, 'POST', `/agents/${manifest.id}/deploy`, { agent_account_id: agentAccountId, policy_id: policyId, max_concurrency: plan.maxConcurrency }, customer.orgKey);
    return { agentAccountId, apiKey: stringField(account, 'api_key'), policyId, deploymentId: stringField(deployment, 'deployment_id') };
  });
  const endpoint = await callApi(baseUrl, 'POST', '/webhook-endpoints', { url: plan.webhookUrl, events: ['execution.succeeded'] }, customer.orgKey);
  return { agentId: manifest.id, price, currency, payerOrgId: customer.orgId, payers, endpointId: stringField(endpoint, 'id') };
}
