import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, settledPayment, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError } from '../support/assertions.ts';
import { manifestFor, platformAdminToken, publishAgent } from '../support/registry-fixtures.ts';
import { DEMO_EMAIL } from '../../src/seed/demo-seed.ts';

/**
 * What an agent key may do, route by route (docs/security.md, "Principals"): act for its own agent
 * account only — its account, policies, intents, mandates, payments (with their refunds) and
 * receipts — and nothing that belongs to the organization as a whole (members, vendors, keys, rail
 * accounts, webhook endpoints, integrity). Every route of /openapi.json must be listed here, so a
 * new route cannot ship without a decision.
 */
/** platform: refused to every organization's keys, read by a platform admin (PLATFORM_ADMIN_EMAILS). */
/** session: a signed-in person's own data — refused to every key, read by a session. */
type Expect = 'public' | 'own' | 'forbidden' | 'platform' | 'session' | 'post_only';

interface Ids {
  agentId: string;
  policyId: string;
  intentId: string;
  mandateId: string;
  paymentId: string;
  receiptId: string;
  /** A listed marketplace agent (the catalogue is readable by any principal). */
  listedAgentId: string;
  /** The agent account's deployment of it, and a run of that deployment. */
  deploymentId: string;
  executionId: string;
}

const READS: Record<string, { expect: Expect; url: (ids: Ids) => string }> = {
  '/healthz': { expect: 'public', url: () => '/healthz' },
  '/readyz': { expect: 'public', url: () => '/readyz' },
  '/.well-known/jwks.json': { expect: 'public', url: () => '/.well-known/jwks.json' },
  '/agent-accounts': { expect: 'own', url: () => '/agent-accounts' },
  '/agent-accounts/{id}': { expect: 'own', url: (i) => `/agent-accounts/${i.agentId}` },
  '/policies': { expect: 'own', url: () => '/policies' },
  '/policies/{id}': { expect: 'own', url: (i) => `/policies/${i.policyId}` },
  '/policies/{id}/versions': { expect: 'own', url: (i) => `/policies/${i.policyId}/versions` },
  '/policies/{id}/spend': { expect: 'own', url: (i) => `/policies/${i.policyId}/spend` },
  '/spend': { expect: 'own', url: () => '/spend' },
  '/purchase-intents': { expect: 'own', url: () => '/purchase-intents' },
  '/purchase-intents/{id}': { expect: 'own', url: (i) => `/purchase-intents/${i.intentId}` },
  '/mandates': { expect: 'own', url: () => '/mandates' },
  '/mandates/{id}': { expect: 'own', url: (i) => `/mandates/${i.mandateId}` },
  '/payments': { expect: 'own', url: () => '/payments' },
  '/payments/{id}': { expect: 'own', url: (i) => `/payments/${i.paymentId}` },
  '/payments/{id}/refunds': { expect: 'own', url: (i) => `/payments/${i.paymentId}/refunds` },
  '/receipts': { expect: 'own', url: (i) => `/receipts?agent_account_id=${i.agentId}` },
  '/receipts/{id}': { expect: 'own', url: (i) => `/receipts/${i.receiptId}` },
  '/receipts/verify': { expect: 'own', url: (i) => `/receipts/verify?agent_account_id=${i.agentId}` },
  '/members': { expect: 'forbidden', url: () => '/members' },
  '/vendors': { expect: 'forbidden', url: () => '/vendors' },
  '/vendors/{vendor_id}': { expect: 'forbidden', url: () => '/vendors/acme_api' },
  '/api-keys': { expect: 'forbidden', url: () => '/api-keys' },
  '/rail-accounts': { expect: 'forbidden', url: () => '/rail-accounts' },
  '/webhook-endpoints': { expect: 'forbidden', url: () => '/webhook-endpoints' },
  '/webhook-endpoints/{id}': { expect: 'forbidden', url: () => `/webhook-endpoints/whe_${'0'.repeat(26)}` },
  '/webhook-endpoints/{id}/deliveries': { expect: 'forbidden', url: () => `/webhook-endpoints/whe_${'0'.repeat(26)}/deliveries` },
  '/admin/integrity': { expect: 'forbidden', url: () => '/admin/integrity' },
  '/developers/me': { expect: 'forbidden', url: () => '/developers/me' },
  '/agents': { expect: 'own', url: () => '/agents' },
  '/agents/{id}': { expect: 'own', url: (i) => `/agents/${i.listedAgentId}` },
  '/admin/agents': { expect: 'platform', url: () => '/admin/agents' },
  '/admin/agents/{id}/versions/{version}/code': { expect: 'forbidden', url: (i) => `/admin/agents/${i.listedAgentId}/versions/1.0.0/code` },
  '/deployments': { expect: 'own', url: () => '/deployments' },
  '/deployments/{id}': { expect: 'own', url: (i) => `/deployments/${i.deploymentId}` },
  '/executions': { expect: 'own', url: () => '/executions' },
  '/executions/{id}': { expect: 'own', url: (i) => `/executions/${i.executionId}` },
  '/executions/{id}/logs': { expect: 'own', url: (i) => `/executions/${i.executionId}/logs` },
  '/developers/me/agents': { expect: 'forbidden', url: () => '/developers/me/agents' },
  '/developers/me/earnings': { expect: 'forbidden', url: () => '/developers/me/earnings' },
  '/auth/organizations': { expect: 'session', url: () => '/auth/organizations' },
  // The MCP endpoint is POST only (stateless streamable HTTP); its GET answers 405 to everyone.
  '/mcp': { expect: 'post_only', url: () => '/mcp' },
  // A listed agent's A2A Agent Card is public; its JSON-RPC endpoint (POST /a2a/agents/{id}) takes the paying agent key (a2a.test.ts).
  '/a2a/agents/{id}/.well-known/agent-card.json': { expect: 'public', url: (i) => `/a2a/agents/${i.listedAgentId}/.well-known/agent-card.json` },
};

describe('agent keys: the route-by-route access matrix', () => {
  let org: OrgFixture;
  let agent: AgentFixture;
  let ids: Ids;
  let platformAdmin: string;

  const t = useTestApp();

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
    const { mandate, payment } = await settledPayment(t, agent, { amount: 1_000 });
    const developer = await t.request('POST', '/developers', { token: org.orgKey, body: { name: 'Dev', email: 'dev@example.com' } });
    platformAdmin = await platformAdminToken(t, DEMO_EMAIL);
    const manifest = manifestFor(developer.body.developer_id);
    await publishAgent(t, { ...org, developerId: developer.body.developer_id }, platformAdmin, manifest);
    await t.request('POST', `/agent-accounts/${agent.agentId}/top-ups`, { token: org.orgKey, body: { amount: 10_000, currency: 'USD' } });
    const usdPolicy = await t.request('POST', '/policies', {
      token: org.orgKey,
      body: { agent_account_id: agent.agentId, name: 'marketplace', currency: 'USD', vendor_allowlist: [manifest.id], per_tx_cap: 1_000, daily_limit: 10_000 },
    });
    const deployment = await t.request('POST', `/agents/${String(manifest.id)}/deploy`, { token: org.orgKey, body: { agent_account_id: agent.agentId, policy_id: usdPolicy.body.id } });
    const execution = await t.request('POST', `/agents/${String(manifest.id)}/execute`, { token: agent.agentKey, body: { deployment_id: deployment.body.deployment_id, inputs: { name: 'matrix' } } });
    expect(execution.status, execution.text).toBe(202);
    ids = {
      agentId: agent.agentId,
      policyId: agent.policyId,
      intentId: mandate.intent_id,
      mandateId: mandate.mandate_id,
      paymentId: payment.payment_id,
      receiptId: payment.receipt_id,
      listedAgentId: String(manifest.id),
      deploymentId: deployment.body.deployment_id,
      executionId: execution.body.execution_id,
    };
  });

  it('classifies every GET route of /openapi.json', async () => {
    const spec = await t.request('GET', '/openapi.json');
    const reads = Object.entries(spec.body.paths as Record<string, Record<string, unknown>>).filter(([, ops]) => 'get' in ops).map(([path]) => path);
    expect(reads.sort()).toEqual(Object.keys(READS).sort());
  });

  it.each(Object.entries(READS))('%s', async (_path, route) => {
    const res = await t.request('GET', route.url(ids), { token: agent.agentKey });
    if (route.expect === 'post_only') {
      expectError(res, 405, 'method_not_allowed');
    } else if (route.expect === 'session') {
      expectError(res, 403, 'forbidden');
      expectError(await t.request('GET', route.url(ids), { token: org.orgKey }), 403, 'forbidden');
      expect((await t.request('GET', route.url(ids), { token: platformAdmin })).status).toBe(200);
    } else if (route.expect === 'platform') {
      expectError(res, 403, 'forbidden');
      expectError(await t.request('GET', route.url(ids), { token: org.orgKey }), 403, 'forbidden');
      expect((await t.request('GET', route.url(ids), { token: platformAdmin })).status).toBe(200);
    } else if (route.expect === 'forbidden') {
      expectError(res, 403, 'forbidden');
      // The org key and a person still read it.
      expect((await t.request('GET', route.url(ids), { token: org.orgKey })).status).not.toBe(403);
    } else {
      expect(res.status, res.text).toBe(200);
    }
  });

  it('never shows an agent key the members, their emails or the vendors’ settings', async () => {
    const members = await t.request('GET', '/members', { token: agent.agentKey });
    expect(members.text).not.toContain(org.email);
    const vendors = await t.request('GET', '/vendors?limit=100', { token: agent.agentKey });
    expect(vendors.text).not.toContain('acme_api');
  });

  it('refuses every organization-level write with 403 forbidden', async () => {
    const pending = await issueMandate(t, agent, { amount: 100 }, {});
    const writes: [string, string, unknown][] = [
      ['POST', '/vendors', { vendor_id: 'agent_made', name: 'x', rail: 'ledger' }],
      ['POST', '/agent-accounts', { name: 'x', risk_tier: 'LOW' }],
      ['POST', `/agent-accounts/${agent.agentId}/api-keys`, undefined],
      ['POST', `/agent-accounts/${agent.agentId}/top-ups`, { amount: 100, currency: 'INR' }],
      ['POST', '/policies', { agent_account_id: agent.agentId, name: 'x', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 100, daily_limit: 100 }],
      ['PATCH', `/policies/${agent.policyId}`, { per_tx_cap: 10 }],
      ['POST', '/api-keys', undefined],
      ['POST', '/members', { email: 'someone@example.com', password: 'a long enough password', role: 'viewer' }],
      ['POST', `/payments/${ids.paymentId}/refunds`, { reason: 'agent wants its money back' }],
      ['POST', `/mandates/${pending.body.id}/approve`, undefined],
      ['POST', '/webhook-endpoints', { url: 'https://example.com/hook', events: ['payment.settled'] }],
      ['PUT', '/rail-accounts/stripe', { customer: 'cus_1', payment_method: 'pm_1' }],
    ];
    for (const [method, url, body] of writes) {
      const res = await t.request(method, url, { token: agent.agentKey, body });
      expect({ url, status: res.status, code: res.body?.error?.code }).toEqual({ url, status: 403, code: 'forbidden' });
    }
  });
});
