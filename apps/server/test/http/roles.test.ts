import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, loginToken, memberSession, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError } from '../support/assertions.ts';

describe('roles', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let agent: AgentFixture;
  let owner: string;
  let admin: string;
  let member: string;
  let viewer: string;

  const pendingMandate = async () => {
    const res = await issueMandate(t, agent, { amount: 40_000 });
    expect(res.body.status).toBe('pending_approval');
    return res.body.mandate_id as string;
  };
  const policyBody = () => ({ agent_account_id: agent.agentId, name: 'another', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 100, daily_limit: 1_000 });

  /** Every write an org administrator may make, as [label, method, url, body]. */
  const adminWrites = (): [string, string, string, unknown][] => [
    ['create an agent account', 'POST', '/agent-accounts', { name: 'x', risk_tier: 'LOW' }],
    ['issue an agent key', 'POST', `/agent-accounts/${agent.agentId}/api-keys`, undefined],
    ['top up a wallet', 'POST', `/agent-accounts/${agent.agentId}/top-ups`, { amount: 100, currency: 'INR' }],
    ['create a policy', 'POST', '/policies', policyBody()],
    ['change a policy', 'PATCH', `/policies/${agent.policyId}`, { per_tx_cap: 1 }],
    ['register a vendor', 'POST', '/vendors', { vendor_id: 'new_vendor', name: 'New', rail: 'ledger' }],
    ['create an org key', 'POST', '/api-keys', undefined],
    ['list the org keys', 'GET', '/api-keys', undefined],
    ['add a member', 'POST', '/members', { email: 'someone@example.com', password: 'a long enough password', role: 'viewer' }],
  ];

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org, { policy: { approval_threshold: 30_000 } });
    owner = await loginToken(t, org.email, org.password);
    admin = await memberSession(t, org, 'admin');
    member = await memberSession(t, org, 'member');
    viewer = await memberSession(t, org, 'viewer');
  });

  describe('an agent key', () => {
    it('answers 403 forbidden for every org administration call, and changes nothing', async () => {
      for (const [label, method, url, body] of adminWrites()) {
        const res = await t.request(method, url, { token: agent.agentKey, body });
        expect(res.status, `${label}: ${res.text}`).toBe(403);
        expectError(res, 403, 'forbidden');
      }
      const policy = await t.request('GET', `/policies/${agent.policyId}`, { token: org.orgKey });
      expect(policy.body).toMatchObject({ version: 1, per_tx_cap: 50_000 });
      const vendor = await t.request('GET', '/vendors/new_vendor', { token: org.orgKey });
      expect(vendor.status).toBe(404);
    });

    it('answers 403 forbidden for approving or rejecting, even its own mandate', async () => {
      const mandateId = await pendingMandate();
      expectError(await t.request('POST', `/mandates/${mandateId}/approve`, { token: agent.agentKey }), 403, 'forbidden');
      expectError(await t.request('POST', `/mandates/${mandateId}/reject`, { token: agent.agentKey }), 403, 'forbidden');
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: org.orgKey })).body.status).toBe('pending_approval');
    });
  });

  describe('the org key', () => {
    it('answers 403 forbidden for approving or rejecting: that takes a human session', async () => {
      const mandateId = await pendingMandate();
      expectError(await t.request('POST', `/mandates/${mandateId}/approve`, { token: org.orgKey }), 403, 'forbidden');
      expectError(await t.request('POST', `/mandates/${mandateId}/reject`, { token: org.orgKey }), 403, 'forbidden');
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: org.orgKey })).body.status).toBe('pending_approval');
    });
  });

  describe('human sessions', () => {
    it('lets the owner, an admin and a member approve', async () => {
      for (const session of [owner, admin, member]) {
        const mandateId = await pendingMandate();
        const res = await t.request('POST', `/mandates/${mandateId}/approve`, { token: session });
        expect(res.status, res.text).toBe(200);
        expect(res.body.status).toBe('active');
      }
    });

    it('lets the owner and an admin administer the org', async () => {
      for (const session of [owner, admin]) {
        expect((await t.request('POST', '/policies', { token: session, body: policyBody() })).status).toBe(201);
        expect((await t.request('POST', '/agent-accounts', { token: session, body: { name: 'by a human', risk_tier: 'MEDIUM' } })).status).toBe(201);
      }
    });

    it('answers 403 forbidden when a member administers the org', async () => {
      for (const [label, method, url, body] of adminWrites()) {
        const res = await t.request(method, url, { token: member, body });
        expect(res.status, `${label}: ${res.text}`).toBe(403);
        expectError(res, 403, 'forbidden');
      }
    });

    it('lets a member create intents for an agent', async () => {
      const res = await t.request('POST', '/purchase-intents', { token: member, body: { agent_account_id: agent.agentId, vendor: 'acme_api', amount: 100, currency: 'INR' } });
      expect(res.status, res.text).toBe(201);
    });
  });

  describe('a viewer', () => {
    it('reads everything in the org', async () => {
      const mandateId = await pendingMandate();
      for (const url of ['/agent-accounts', `/agent-accounts/${agent.agentId}`, `/policies/${agent.policyId}`, '/purchase-intents', `/mandates/${mandateId}`, '/payments', '/vendors/acme_api', `/receipts/verify?agent_account_id=${agent.agentId}`]) {
        const res = await t.request('GET', url, { token: viewer });
        expect(res.status, `${url}: ${res.text}`).toBe(200);
      }
    });

    it('answers 403 forbidden for every write, and nothing is created', async () => {
      const mandateId = await pendingMandate();
      const intent = await t.request('POST', '/purchase-intents', { token: org.orgKey, body: { agent_account_id: agent.agentId, vendor: 'acme_api', amount: 100, currency: 'INR' } });
      const active = await issueMandate(t, agent, { amount: 100 });
      const writes: [string, string, unknown][] = [
        ['POST', '/purchase-intents', { agent_account_id: agent.agentId, vendor: 'acme_api', amount: 100, currency: 'INR' }],
        ['POST', '/mandates', { intent_id: intent.body.id, policy_id: agent.policyId }],
        ['POST', '/execute', { mandate_id: active.body.id }],
        ['POST', `/mandates/${mandateId}/approve`, undefined],
        ['POST', `/mandates/${mandateId}/reject`, undefined],
        ...adminWrites().map(([, method, url, body]) => [method, url, body] as [string, string, unknown]),
      ];
      const intentsBefore = (await t.request('GET', '/purchase-intents?limit=100', { token: org.orgKey })).body.data.length;
      for (const [method, url, body] of writes) {
        const res = await t.request(method, url, { token: viewer, body });
        expect(res.status, `${method} ${url}: ${res.text}`).toBe(403);
        expectError(res, 403, 'forbidden');
      }
      expect((await t.request('GET', '/purchase-intents?limit=100', { token: org.orgKey })).body.data.length).toBe(intentsBefore);
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: org.orgKey })).body.status).toBe('pending_approval');
      expect((await t.request('GET', `/mandates/${active.body.id}`, { token: org.orgKey })).body.status).toBe('active');
      expect((await t.request('GET', `/purchase-intents/${intent.body.id}`, { token: org.orgKey })).body.status).toBe('requires_mandate');
    });
  });
});
