import { randomBytes, randomUUID } from 'node:crypto';

/** One spending agent as the load phases use it: its key, its policy and the vendor it pays. */
export interface BenchAgent {
  agentAccountId: string;
  apiKey: string;
  policyId: string;
  vendorId: string;
}

export interface Fixture {
  orgId: string;
  agents: BenchAgent[];
}

export interface FixturePlan {
  agents: number;
  vendors: number;
  currency: string;
  /** What each wallet is funded with: enough that no execute can run out. */
  walletFunding: number;
  paymentAmount: number;
}

const SETUP_CONCURRENCY = 10;

export function stringField(value: unknown, key: string): string {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof field !== 'string') throw new Error(`response has no string "${key}": ${JSON.stringify(value)}`);
  return field;
}

/** One call to the public API with a fresh Idempotency-Key; anything but 2xx throws. */
export async function callApi(baseUrl: string, method: 'POST' | 'PUT', path: string, body: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': randomUUID() };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

const post = (baseUrl: string, path: string, body: unknown, token?: string) => callApi(baseUrl, 'POST', path, body, token);

export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

async function signUp(baseUrl: string): Promise<{ orgId: string; orgKey: string }> {
  const suffix = randomBytes(4).toString('hex');
  const created = await post(baseUrl, '/auth/signup', { email: `bench-${suffix}@example.com`, password: `bench-password-${suffix}`, org_name: `Benchmark ${suffix}` });
  return { orgId: stringField(created, 'org_id'), orgKey: stringField(created, 'api_key') };
}

async function createAgent(baseUrl: string, orgKey: string, plan: FixturePlan, vendorIds: string[], index: number): Promise<BenchAgent> {
  const account = await post(baseUrl, '/agent-accounts', { name: `bench agent ${index}`, risk_tier: 'LOW' }, orgKey);
  const agentAccountId = stringField(account, 'agent_account_id');
  await post(baseUrl, `/agent-accounts/${agentAccountId}/top-ups`, { amount: plan.walletFunding, currency: plan.currency }, orgKey);
  const policy = await post(baseUrl, '/policies', {
    agent_account_id: agentAccountId,
    name: 'benchmark: large caps',
    currency: plan.currency,
    vendor_allowlist: vendorIds,
    per_tx_cap: plan.paymentAmount * 1_000,
    daily_limit: plan.walletFunding,
  }, orgKey);
  return { agentAccountId, apiKey: stringField(account, 'api_key'), policyId: stringField(policy, 'policy_id'), vendorId: vendorIds[index % vendorIds.length]! };
}

/** Builds the benchmark's org through the public API: vendors, then funded agents with a permissive policy each. */
export async function setUpFixture(baseUrl: string, plan: FixturePlan): Promise<Fixture> {
  const { orgId, orgKey } = await signUp(baseUrl);
  const vendorIds = Array.from({ length: plan.vendors }, (_, i) => `bench_vendor_${i}`);
  for (const vendorId of vendorIds) await post(baseUrl, '/vendors', { vendor_id: vendorId, name: `Benchmark vendor ${vendorId}`, rail: 'ledger' }, orgKey);
  const agents = await mapWithConcurrency(Array.from({ length: plan.agents }, (_, i) => i), SETUP_CONCURRENCY, (index) => createAgent(baseUrl, orgKey, plan, vendorIds, index));
  return { orgId, agents };
}
