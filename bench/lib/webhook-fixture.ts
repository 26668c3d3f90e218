import { randomBytes } from 'node:crypto';
import { callApi, mapWithConcurrency, stringField } from './fixture.ts';

/** An agent with a permissive policy for every vendor of its org. */
export interface OrgAgent {
  agentAccountId: string;
  apiKey: string;
  policyId: string;
}

export interface BenchOrg {
  orgId: string;
  orgKey: string;
  agents: OrgAgent[];
}

export interface OrgPlan {
  vendors: Array<{ vendorId: string; rail: 'ledger' | 'stripe' }>;
  /** PUT /rail-accounts/stripe with this body, when set. */
  stripeAccount?: { customer: string; payment_method: string };
  agents: number;
  currency: string;
  paymentAmount: number;
  /** What each wallet is funded with: enough that no execute can run out. */
  walletFunding: number;
}

/** A pending Stripe payment as the settlement phase needs it. */
export interface PendingPayment {
  paymentId: string;
  railReference: string;
}

const SETUP_CONCURRENCY = 10;

/** An org built through the public API: sign-up, vendors, optionally its Stripe account, funded agents. */
export async function setUpOrg(baseUrl: string, plan: OrgPlan): Promise<BenchOrg> {
  const suffix = randomBytes(4).toString('hex');
  const created = await callApi(baseUrl, 'POST', '/auth/signup', { email: `bench-${suffix}@example.com`, password: `bench-password-${suffix}`, org_name: `Webhook benchmark ${suffix}` });
  const orgId = stringField(created, 'org_id');
  const orgKey = stringField(created, 'api_key');
  for (const vendor of plan.vendors) await callApi(baseUrl, 'POST', '/vendors', { vendor_id: vendor.vendorId, name: `Benchmark ${vendor.vendorId}`, rail: vendor.rail }, orgKey);
  if (plan.stripeAccount) await callApi(baseUrl, 'PUT', '/rail-accounts/stripe', plan.stripeAccount, orgKey);
  const agents = await mapWithConcurrency(Array.from({ length: plan.agents }, (_, i) => i), SETUP_CONCURRENCY, async (index) => {
    const account = await callApi(baseUrl, 'POST', '/agent-accounts', { name: `bench agent ${index}`, risk_tier: 'LOW' }, orgKey);
    const agentAccountId = stringField(account, 'agent_account_id');
    await callApi(baseUrl, 'POST', `/agent-accounts/${agentAccountId}/top-ups`, { amount: plan.walletFunding, currency: plan.currency }, orgKey);
    const policy = await callApi(baseUrl, 'POST', '/policies', {
      agent_account_id: agentAccountId,
      name: 'benchmark: large caps',
      currency: plan.currency,
      vendor_allowlist: plan.vendors.map((v) => v.vendorId),
      per_tx_cap: plan.paymentAmount * 1_000,
      daily_limit: plan.walletFunding,
    }, orgKey);
    return { agentAccountId, apiKey: stringField(account, 'api_key'), policyId: stringField(policy, 'policy_id') };
  });
  return { orgId, orgKey, agents };
}

/** intent → mandate → execute through the public API; returns execute's answer (the payment). */
export async function pay(baseUrl: string, agent: OrgAgent, vendorId: string, amount: number, currency: string): Promise<Record<string, unknown>> {
  const intent = await callApi(baseUrl, 'POST', '/purchase-intents', { vendor: vendorId, amount, currency, description: 'webhook benchmark' }, agent.apiKey);
  const mandate = await callApi(baseUrl, 'POST', '/mandates', { intent_id: stringField(intent, 'intent_id'), policy_id: agent.policyId }, agent.apiKey);
  return (await callApi(baseUrl, 'POST', '/execute', { mandate_id: stringField(mandate, 'mandate_id') }, agent.apiKey)) as Record<string, unknown>;
}

/**
 * `count` Stripe payments left pending (the rail charged; settlement waits for the webhook), agent i
 * paying the i-th, so consecutive payments belong to different agents. Returned in that order.
 */
export async function createPendingStripePayments(baseUrl: string, org: BenchOrg, vendorId: string, count: number, amount: number, currency: string, concurrency: number): Promise<PendingPayment[]> {
  return mapWithConcurrency(Array.from({ length: count }, (_, i) => i), concurrency, async (index) => {
    const payment = await pay(baseUrl, org.agents[index % org.agents.length]!, vendorId, amount, currency);
    if (payment.status !== 'pending') throw new Error(`a Stripe payment should be pending until its webhook, got ${JSON.stringify(payment)}`);
    return { paymentId: stringField(payment, 'payment_id'), railReference: stringField(payment, 'rail_reference') };
  });
}
