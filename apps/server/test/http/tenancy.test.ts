import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../support/test-app.ts';
import { agentKeyId, createIntent, issueMandate, loginToken, settledPayment, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

interface Footprint {
  intentId: string;
  mandateId: string;
  pendingMandateId: string;
  paymentId: string;
  receiptId: string;
}

/** Everything an agent leaves behind after one payment, plus a mandate waiting for approval. */
async function leaveFootprint(t: TestApp, agent: AgentFixture): Promise<Footprint> {
  const { mandate, payment } = await settledPayment(t, agent, { amount: 1_000 });
  const pending = await issueMandate(t, agent, { amount: 40_000 });
  expect(pending.body.status).toBe('pending_approval');
  return { intentId: mandate.intent_id, mandateId: mandate.mandate_id, pendingMandateId: pending.body.mandate_id, paymentId: payment.payment_id, receiptId: payment.receipt_id };
}

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((item) => item.id);

describe('tenancy: another organization’s ids answer 404', () => {
  const t = useTestApp();
  let orgA: OrgFixture;
  let orgB: OrgFixture;
  let agentA: AgentFixture;
  let agentB: AgentFixture;
  let a: Footprint;
  let sessionB: string;

  beforeAll(async () => {
    orgA = await signupOrg(t, 'Org A');
    orgB = await signupOrg(t, 'Org B');
    agentA = await setupAgent(t, orgA, { policy: { approval_threshold: 30_000 } });
    agentB = await setupAgent(t, orgB);
    a = await leaveFootprint(t, agentA);
    const vendor = await t.request('POST', '/vendors', { token: orgA.orgKey, body: { vendor_id: 'only_in_a', name: 'A only', rail: 'ledger' } });
    expect(vendor.status).toBe(201);
    sessionB = await loginToken(t, orgB.email, orgB.password);
  });

  const reads: [string, () => string][] = [
    ['agent account', () => `/agent-accounts/${agentA.agentId}`],
    ['policy', () => `/policies/${agentA.policyId}`],
    ['purchase intent', () => `/purchase-intents/${a.intentId}`],
    ['mandate', () => `/mandates/${a.mandateId}`],
    ['payment', () => `/payments/${a.paymentId}`],
    ['receipt', () => `/receipts/${a.receiptId}`],
    ['vendor', () => '/vendors/only_in_a'],
    ['receipt chain', () => `/receipts?agent_account_id=${agentA.agentId}`],
    ['chain verification', () => `/receipts/verify?agent_account_id=${agentA.agentId}`],
  ];

  it.each(reads)('answers 404 for a GET of another org’s %s, to its org key, its session and its agents', async (name, url) => {
    for (const token of [orgB.orgKey, sessionB]) expectError(await t.request('GET', url(), { token }), 404, 'not_found');
    // Vendors are organization data an agent key never reads, of any org (agent-key-access.test.ts).
    expectError(await t.request('GET', url(), { token: agentB.agentKey }), name === 'vendor' ? 403 : 404, name === 'vendor' ? 'forbidden' : 'not_found');
    expect((await t.request('GET', url(), { token: orgA.orgKey })).status).toBe(200);
  });

  it('lists nothing of another org', async () => {
    const lists = ['/agent-accounts', '/policies', '/purchase-intents', '/mandates', '/payments', '/vendors'];
    for (const list of lists) {
      const res = await t.request('GET', `${list}?limit=100`, { token: orgB.orgKey });
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(agentA.agentId);
      expect(res.text).not.toContain('only_in_a');
    }
    const filtered = await t.request('GET', `/payments?agent_account_id=${agentA.agentId}`, { token: orgB.orgKey });
    expect(filtered.body.data).toEqual([]);
  });

  it('answers 404 for a top-up of another org’s agent, and its balance does not move', async () => {
    const before = await t.request('GET', `/agent-accounts/${agentA.agentId}`, { token: orgA.orgKey });
    expectError(await t.request('POST', `/agent-accounts/${agentA.agentId}/top-ups`, { token: orgB.orgKey, body: { amount: 5_000, currency: 'INR' } }), 404, 'not_found');
    const after = await t.request('GET', `/agent-accounts/${agentA.agentId}`, { token: orgA.orgKey });
    expect(after.body.wallet).toEqual(before.body.wallet);
  });

  it('answers 404 for a mandate on another org’s policy', async () => {
    const intent = await createIntent(t, agentB, { amount: 100 });
    expectError(await t.request('POST', '/mandates', { token: agentB.agentKey, body: { intent_id: intent.body.id, policy_id: agentA.policyId } }), 404, 'not_found');
    expectError(await t.request('POST', '/mandates', { token: orgB.orgKey, body: { intent_id: intent.body.id, policy_id: agentA.policyId } }), 404, 'not_found');
  });

  it('answers 404 for a mandate on another org’s intent', async () => {
    const fresh = await createIntent(t, agentA, { amount: 100 });
    expectError(await t.request('POST', '/mandates', { token: orgB.orgKey, body: { intent_id: fresh.body.id, policy_id: agentB.policyId } }), 404, 'not_found');
    const still = await t.request('GET', `/purchase-intents/${fresh.body.id}`, { token: orgA.orgKey });
    expect(still.body.status).toBe('requires_mandate');
  });

  it('answers 404 for an execute of another org’s mandate, which stays unused', async () => {
    const mandate = await issueMandate(t, agentA, { amount: 100 });
    expectError(await t.request('POST', '/execute', { token: agentB.agentKey, body: { mandate_id: mandate.body.id } }), 404, 'not_found');
    expectError(await t.request('POST', '/execute', { token: orgB.orgKey, body: { mandate_id: mandate.body.id } }), 404, 'not_found');
    expect((await t.request('GET', `/mandates/${mandate.body.id}`, { token: orgA.orgKey })).body.status).toBe('active');
  });

  it('answers 404 for approving or rejecting another org’s mandate', async () => {
    expectError(await t.request('POST', `/mandates/${a.pendingMandateId}/approve`, { token: sessionB }), 404, 'not_found');
    expectError(await t.request('POST', `/mandates/${a.pendingMandateId}/reject`, { token: sessionB }), 404, 'not_found');
    expect((await t.request('GET', `/mandates/${a.pendingMandateId}`, { token: orgA.orgKey })).body.status).toBe('pending_approval');
  });

  it('answers 404 for changing another org’s policy, which keeps its version', async () => {
    expectError(await t.request('PATCH', `/policies/${agentA.policyId}`, { token: orgB.orgKey, body: { per_tx_cap: 1 } }), 404, 'not_found');
    expect((await t.request('GET', `/policies/${agentA.policyId}`, { token: orgA.orgKey })).body).toMatchObject({ version: 1, per_tx_cap: 50_000 });
  });

  it('answers 404 for creating a policy, an intent or a key for another org’s agent', async () => {
    const policy = { agent_account_id: agentA.agentId, name: 'p', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 100, daily_limit: 100 };
    expectError(await t.request('POST', '/policies', { token: orgB.orgKey, body: policy }), 404, 'not_found');
    expectError(await t.request('POST', '/purchase-intents', { token: orgB.orgKey, body: { agent_account_id: agentA.agentId, vendor: 'acme_api', amount: 100, currency: 'INR' } }), 404, 'not_found');
    expectError(await t.request('POST', `/agent-accounts/${agentA.agentId}/api-keys`, { token: orgB.orgKey }), 404, 'not_found');
  });

  it('answers 404 for an intent with a vendor only another org has', async () => {
    expectError(await createIntent(t, agentB, { vendor: 'only_in_a' }), 404, 'not_found');
  });

  it('lets each org register the same vendor_id independently', async () => {
    const res = await t.request('POST', '/vendors', { token: orgB.orgKey, body: { vendor_id: 'only_in_a', name: 'B too', rail: 'ledger' } });
    expect(res.status, res.text).toBe(201);
    expect((await t.request('GET', '/vendors/only_in_a', { token: orgA.orgKey })).body.name).toBe('A only');
  });

  it('answers 404 for revoking another org’s key, which keeps working', async () => {
    const keyId = await agentKeyId(t, orgA, agentA.agentId);
    expectError(await t.request('POST', `/api-keys/${keyId}/revoke`, { token: orgB.orgKey }), 404, 'not_found');
    expect((await t.request('GET', `/agent-accounts/${agentA.agentId}`, { token: agentA.agentKey })).status).toBe(200);
  });
});

describe('tenancy: an agent key sees only its own agent account', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let one: AgentFixture;
  let two: AgentFixture;
  let twos: Footprint;

  beforeAll(async () => {
    org = await signupOrg(t);
    one = await setupAgent(t, org, { policy: { approval_threshold: 30_000 } });
    two = await setupAgent(t, org, { policy: { approval_threshold: 30_000 } });
    await leaveFootprint(t, one);
    twos = await leaveFootprint(t, two);
  });

  it.each([
    ['agent account', () => `/agent-accounts/${two.agentId}`],
    ['policy', () => `/policies/${two.policyId}`],
    ['purchase intent', () => `/purchase-intents/${twos.intentId}`],
    ['mandate', () => `/mandates/${twos.mandateId}`],
    ['payment', () => `/payments/${twos.paymentId}`],
    ['receipt', () => `/receipts/${twos.receiptId}`],
    ['receipt chain', () => `/receipts?agent_account_id=${two.agentId}`],
    ['chain verification', () => `/receipts/verify?agent_account_id=${two.agentId}`],
  ] as [string, () => string][])('answers 404 for another agent’s %s', async (_name, url) => {
    expectError(await t.request('GET', url(), { token: one.agentKey }), 404, 'not_found');
    expect((await t.request('GET', url(), { token: two.agentKey })).status).toBe(200);
  });

  it('lists only its own rows, even when asked for another agent’s', async () => {
    for (const list of ['/agent-accounts', '/policies', '/purchase-intents', '/mandates', '/payments']) {
      const own = await t.request('GET', `${list}?limit=100`, { token: one.agentKey });
      expect(own.status).toBe(200);
      expect(own.body.data.length).toBeGreaterThan(0);
      expect(own.text).not.toContain(two.agentId);
      const asked = await t.request('GET', `${list}?limit=100&agent_account_id=${two.agentId}`, { token: one.agentKey });
      expect(asked.text).not.toContain(two.agentId);
    }
    const all = await t.request('GET', '/payments?limit=100', { token: org.orgKey });
    expect(ids(all)).toContain(twos.paymentId);
  });

  it('answers 404 for a mandate on another agent’s intent or policy', async () => {
    const theirs = await createIntent(t, two, { amount: 100 });
    expectError(await t.request('POST', '/mandates', { token: one.agentKey, body: { intent_id: theirs.body.id, policy_id: one.policyId } }), 404, 'not_found');
    const mine = await createIntent(t, one, { amount: 100 });
    expectError(await t.request('POST', '/mandates', { token: one.agentKey, body: { intent_id: mine.body.id, policy_id: two.policyId } }), 404, 'not_found');
  });

  it('answers 404 for an execute of another agent’s mandate', async () => {
    const mandate = await issueMandate(t, two, { amount: 100 });
    expectError(await t.request('POST', '/execute', { token: one.agentKey, body: { mandate_id: mandate.body.id } }), 404, 'not_found');
    expect((await t.request('GET', `/mandates/${mandate.body.id}`, { token: two.agentKey })).body.status).toBe('active');
  });

  it('refuses an intent for another agent account with 400 naming agent_account_id, and accepts its own id', async () => {
    const other = await t.request('POST', '/purchase-intents', { token: one.agentKey, body: { agent_account_id: two.agentId, vendor: 'acme_api', amount: 100, currency: 'INR' } });
    expectValidationError(other, 'body.agent_account_id');
    const own = await t.request('POST', '/purchase-intents', { token: one.agentKey, body: { agent_account_id: one.agentId, vendor: 'acme_api', amount: 100, currency: 'INR' } });
    expect(own.status).toBe(201);
    expect(own.body.agent_account_id).toBe(one.agentId);
  });

  it('answers 400 naming policy_id when the org key pairs an intent with another agent’s policy', async () => {
    const intent = await createIntent(t, one, { amount: 100 });
    expectValidationError(await t.request('POST', '/mandates', { token: org.orgKey, body: { intent_id: intent.body.id, policy_id: two.policyId } }), 'body.policy_id');
  });
});

