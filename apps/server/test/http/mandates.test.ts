import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, testClock } from '../support/test-app.ts';
import { createIntent, issueMandate, loginToken, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

describe('mandates', () => {
  // A whole second, so expires_at is exactly issued_at + ttl_seconds.
  const clock = testClock(new Date('2025-02-03T08:00:00.000Z'));
  const t = useTestApp({ clock });
  let org: OrgFixture;
  let human: string;

  const execute = (agent: AgentFixture, mandateId: string) => t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandateId } });
  const decide = (mandateId: string, decision: 'approve' | 'reject', token = human) => t.request('POST', `/mandates/${mandateId}/${decision}`, { token });
  const mandateOf = async (agent: AgentFixture, id: string) => (await t.request('GET', `/mandates/${id}`, { token: agent.agentKey })).body;
  const intentOf = async (agent: AgentFixture, id: string) => (await t.request('GET', `/purchase-intents/${id}`, { token: agent.agentKey })).body;
  const balanceOf = async (agent: AgentFixture) => (await t.request('GET', `/agent-accounts/${agent.agentId}`, { token: agent.agentKey })).body.wallet.balances;

  beforeAll(async () => {
    org = await signupOrg(t);
    human = await loginToken(t, org.email, org.password);
  });

  describe('approval', () => {
    it('asks a human for amounts at or above the approval threshold, not below it', async () => {
      const agent = await setupAgent(t, org, { policy: { approval_threshold: 10_000 } });
      const below = await issueMandate(t, agent, { amount: 9_999 });
      const at = await issueMandate(t, agent, { amount: 10_000 });
      expect(below.body.status).toBe('active');
      expect(at.body.status).toBe('pending_approval');
      expect((await intentOf(agent, at.body.intent_id)).status).toBe('pending_approval');
    });

    it('asks a human for every mandate of a HIGH risk agent', async () => {
      const agent = await setupAgent(t, org, { riskTier: 'HIGH' });
      const res = await issueMandate(t, agent, { amount: 1 });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('pending_approval');
    });

    it('refuses to execute a mandate waiting for approval with 403 mandate_not_approved, and moves no money', async () => {
      const agent = await setupAgent(t, org, { riskTier: 'HIGH' });
      const mandate = await issueMandate(t, agent, { amount: 500 });
      expectError(await execute(agent, mandate.body.id), 403, 'mandate_not_approved');
      expect(await balanceOf(agent)).toEqual([{ currency: 'INR', balance: 100_000 }]);
    });

    it('executes once a human has approved it', async () => {
      const agent = await setupAgent(t, org, { riskTier: 'HIGH' });
      const mandate = await issueMandate(t, agent, { amount: 500 });
      const approved = await decide(mandate.body.id, 'approve');
      expect(approved.status, approved.text).toBe(200);
      expect(approved.body).toMatchObject({ status: 'active', decided_at: clock.now().toISOString() });
      expect((await intentOf(agent, mandate.body.intent_id)).status).toBe('mandated');

      const paid = await execute(agent, mandate.body.id);
      expect(paid.status, paid.text).toBe(200);
      expect(paid.body.status).toBe('settled');
      expect(await mandateOf(agent, mandate.body.id)).toMatchObject({ status: 'used', used_at: clock.now().toISOString() });
      expect((await intentOf(agent, mandate.body.intent_id)).status).toBe('succeeded');
    });

    it('refuses to execute a rejected mandate with 403 mandate_not_approved, and cancels its intent', async () => {
      const agent = await setupAgent(t, org, { riskTier: 'HIGH' });
      const mandate = await issueMandate(t, agent, { amount: 500 });
      const rejected = await decide(mandate.body.id, 'reject');
      expect(rejected.status).toBe(200);
      expect(rejected.body.status).toBe('rejected');
      expectError(await execute(agent, mandate.body.id), 403, 'mandate_not_approved');
      expect((await intentOf(agent, mandate.body.intent_id)).status).toBe('canceled');
      expectError(await t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: mandate.body.intent_id, policy_id: agent.policyId } }), 409, 'intent_not_mandatable');
    });

    it('answers 409 mandate_not_pending to a second decision', async () => {
      const agent = await setupAgent(t, org, { riskTier: 'HIGH' });
      const mandate = await issueMandate(t, agent, { amount: 500 });
      expect((await decide(mandate.body.id, 'approve')).status).toBe(200);
      expectError(await decide(mandate.body.id, 'approve'), 409, 'mandate_not_pending');
      expectError(await decide(mandate.body.id, 'reject'), 409, 'mandate_not_pending');
      expect((await mandateOf(agent, mandate.body.id)).status).toBe('active');
    });

    it('answers 409 mandate_not_pending to approving a mandate that never needed it', async () => {
      const agent = await setupAgent(t, org);
      const mandate = await issueMandate(t, agent, { amount: 500 });
      expect(mandate.body.status).toBe('active');
      expectError(await decide(mandate.body.id, 'approve'), 409, 'mandate_not_pending');
    });

    it('answers 403 mandate_expired to approving a mandate whose time ran out while it waited', async () => {
      const agent = await setupAgent(t, org, { riskTier: 'HIGH' });
      const mandate = await issueMandate(t, agent, { amount: 500 }, { ttl_seconds: 60 });
      clock.advance(60_000);
      expectError(await decide(mandate.body.id, 'approve'), 403, 'mandate_expired');
      expect((await mandateOf(agent, mandate.body.id)).status).toBe('expired');
    });
  });

  describe('expiry', () => {
    it('expires at issued_at + ttl_seconds', async () => {
      const agent = await setupAgent(t, org);
      const mandate = await issueMandate(t, agent, { amount: 500 }, { ttl_seconds: 120 });
      expect(Date.parse(mandate.body.expires_at) - Date.parse(mandate.body.issued_at)).toBe(120_000);
      const fallback = await issueMandate(t, agent, { amount: 500 });
      expect(Date.parse(fallback.body.expires_at) - Date.parse(fallback.body.issued_at)).toBe(900_000);
    });

    it('executes one second before expiry', async () => {
      const agent = await setupAgent(t, org);
      const mandate = await issueMandate(t, agent, { amount: 500 }, { ttl_seconds: 120 });
      clock.advance(119_000);
      expect((await execute(agent, mandate.body.id)).status).toBe(200);
    });

    it('refuses to execute an expired mandate with 403 mandate_expired, and then shows it as expired', async () => {
      const agent = await setupAgent(t, org);
      const mandate = await issueMandate(t, agent, { amount: 500 }, { ttl_seconds: 120 });
      expect((await mandateOf(agent, mandate.body.id)).status).toBe('active');
      clock.advance(120_000);
      expectError(await execute(agent, mandate.body.id), 403, 'mandate_expired');
      expect(await mandateOf(agent, mandate.body.id)).toMatchObject({ status: 'expired', used_at: null });
      expect(await balanceOf(agent)).toEqual([{ currency: 'INR', balance: 100_000 }]);
      const listed = await t.request('GET', '/mandates', { token: agent.agentKey });
      expect(listed.body.data.find((m: { id: string }) => m.id === mandate.body.id).status).toBe('expired');
      // The status filter goes by the status as shown: an expired mandate is no longer active.
      const ids = async (status: string) => (await t.request('GET', `/mandates?status=${status}`, { token: agent.agentKey })).body.data.map((m: { id: string }) => m.id);
      expect(await ids('expired')).toEqual([mandate.body.id]);
      expect(await ids('active')).not.toContain(mandate.body.id);
      expect(await ids('pending_approval')).toEqual([]);
      expectError(await t.request('GET', '/mandates?status=approved', { token: agent.agentKey }), 400, 'validation_error');
    });

    it.each([
      ['zero', 0],
      ['negative', -1],
      ['over a day', 86_401],
      ['a fraction', 1.5],
      ['a string', '60'],
    ])('answers 400 naming ttl_seconds when it is %s', async (_label, ttl) => {
      const agent = await setupAgent(t, org);
      const intent = await createIntent(t, agent);
      const res = await t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intent.body.id, policy_id: agent.policyId, ttl_seconds: ttl } });
      expectValidationError(res, 'body.ttl_seconds');
      expect((await intentOf(agent, intent.body.id)).status).toBe('requires_mandate');
    });

    it('accepts a ttl of exactly one day', async () => {
      const agent = await setupAgent(t, org);
      expect((await issueMandate(t, agent, { amount: 500 }, { ttl_seconds: 86_400 })).status).toBe(201);
    });
  });

  describe('funds', () => {
    it('answers 402 insufficient_funds when the wallet is too low, and the mandate stays usable after a top-up', async () => {
      const agent = await setupAgent(t, org, { balance: 1_000 });
      const mandate = await issueMandate(t, agent, { amount: 5_000 });
      expect(mandate.body.status).toBe('active');

      expectError(await execute(agent, mandate.body.id), 402, 'insufficient_funds');
      expect(await mandateOf(agent, mandate.body.id)).toMatchObject({ status: 'active', used_at: null });
      expect(await balanceOf(agent)).toEqual([{ currency: 'INR', balance: 1_000 }]);
      expect((await t.request('GET', `/payments?agent_account_id=${agent.agentId}`, { token: org.orgKey })).body.data).toEqual([]);

      const topUp = await t.request('POST', `/agent-accounts/${agent.agentId}/top-ups`, { token: org.orgKey, body: { amount: 4_000, currency: 'INR' } });
      expect(topUp.body.balance).toBe(5_000);
      const paid = await execute(agent, mandate.body.id);
      expect(paid.status, paid.text).toBe(200);
      expect(await balanceOf(agent)).toEqual([{ currency: 'INR', balance: 0 }]);
    });

    it('answers 402 for a wallet never funded in the mandate’s currency', async () => {
      const agent = await setupAgent(t, org, { balance: 0 });
      const mandate = await issueMandate(t, agent, { amount: 100 });
      expectError(await execute(agent, mandate.body.id), 402, 'insufficient_funds');
    });
  });

  describe('one mandate per intent', () => {
    it('answers 409 intent_not_mandatable to a second mandate for the same intent', async () => {
      const agent = await setupAgent(t, org);
      const intent = await createIntent(t, agent);
      const body = { intent_id: intent.body.id, policy_id: agent.policyId };
      expect((await t.request('POST', '/mandates', { token: agent.agentKey, body })).status).toBe(201);
      expectError(await t.request('POST', '/mandates', { token: agent.agentKey, body }), 409, 'intent_not_mandatable');
      expect((await t.request('GET', '/mandates', { token: agent.agentKey })).body.data).toHaveLength(1);
    });

    it('answers 409 mandate_already_used to a second execute', async () => {
      const agent = await setupAgent(t, org);
      const mandate = await issueMandate(t, agent, { amount: 500 });
      expect((await execute(agent, mandate.body.id)).status).toBe(200);
      expectError(await execute(agent, mandate.body.id), 409, 'mandate_already_used');
      expect(await balanceOf(agent)).toEqual([{ currency: 'INR', balance: 99_500 }]);
    });

    it('answers 404 for an execute of a mandate that does not exist', async () => {
      const agent = await setupAgent(t, org);
      expectError(await execute(agent, `mdt_${'0'.repeat(26)}`), 404, 'not_found');
    });
  });
});
