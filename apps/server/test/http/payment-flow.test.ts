import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { receiptHash } from '@frameos/domain';
import { useTestApp } from '../support/test-app.ts';
import { setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';

describe('the end-to-end payment flow', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org, { balance: 100_000 });
  });

  it('takes an intent through a signed mandate to one settled payment with a verifiable receipt', async () => {
    const intent = await t.request('POST', '/purchase-intents', {
      token: agent.agentKey,
      body: { vendor: 'acme_api', amount: 199, currency: 'INR', description: 'Test API call' },
    });
    expect(intent.status).toBe(201);
    expect(intent.body).toMatchObject({ intent_id: expect.stringMatching(/^pi_/), status: 'requires_mandate', amount: 199, currency: 'INR' });

    const mandate = await t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intent.body.intent_id, policy_id: agent.policyId } });
    expect(mandate.status).toBe(201);
    expect(mandate.body).toMatchObject({ mandate_id: expect.stringMatching(/^mdt_/), status: 'active', policy_version: 1 });

    // Anyone can verify the mandate offline with the published keys.
    const jwks = await t.request('GET', '/.well-known/jwks.json');
    const { payload, protectedHeader } = await jwtVerify(mandate.body.mandate, createLocalJWKSet(jwks.body), { issuer: 'frameos' });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload).toMatchObject({ mandate_id: mandate.body.mandate_id, amount: 199, currency: 'INR', vendor: 'acme_api', agent_account_id: agent.agentId });

    const executed = await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.mandate_id } });
    expect(executed.status).toBe(200);
    expect(executed.body).toMatchObject({ payment_id: expect.stringMatching(/^pay_/), receipt_id: expect.stringMatching(/^rcp_/), status: 'settled', amount: 199 });

    const receipt = await t.request('GET', `/receipts/${executed.body.receipt_id}`, { token: agent.agentKey });
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({ seq: 1, prev_hash: '0'.repeat(64), event: 'payment.settled', payment_id: executed.body.payment_id, amount: 199 });
    expect(receiptHash(receipt.body)).toBe(receipt.body.hash);

    const account = await t.request('GET', `/agent-accounts/${agent.agentId}`, { token: org.orgKey });
    expect(account.body.wallet.balances).toEqual([{ currency: 'INR', balance: 100_000 - 199 }]);

    const payment = await t.request('GET', `/payments/${executed.body.payment_id}`, { token: org.orgKey });
    expect(payment.body).toMatchObject({ status: 'settled', mandate_id: mandate.body.mandate_id });

    const verify = await t.request('GET', `/receipts/verify?agent_account_id=${agent.agentId}`, { token: org.orgKey });
    expect(verify.body).toEqual({ agent_account_id: agent.agentId, valid: true, length: 1, head_hash: receipt.body.hash, first_invalid_seq: null });
  });

  it('refuses a second execute of the same mandate with 409 mandate_already_used', async () => {
    const intent = await t.request('POST', '/purchase-intents', { token: agent.agentKey, body: { vendor: 'acme_api', amount: 500, currency: 'INR' } });
    const mandate = await t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intent.body.id, policy_id: agent.policyId } });
    const first = await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.id } });
    const second = await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.id } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('mandate_already_used');
  });

  it('replays the stored response for the same Idempotency-Key and body', async () => {
    const intent = await t.request('POST', '/purchase-intents', { token: agent.agentKey, body: { vendor: 'acme_api', amount: 300, currency: 'INR' } });
    const mandate = await t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intent.body.id, policy_id: agent.policyId } });
    const first = await t.request('POST', '/execute', { token: agent.agentKey, idempotencyKey: 'exec-replay', body: { mandate_id: mandate.body.id } });
    const again = await t.request('POST', '/execute', { token: agent.agentKey, idempotencyKey: 'exec-replay', body: { mandate_id: mandate.body.id } });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    const payments = await t.request('GET', `/payments?agent_account_id=${agent.agentId}&limit=100`, { token: org.orgKey });
    expect(payments.body.data.filter((p: { mandate_id: string }) => p.mandate_id === mandate.body.id)).toHaveLength(1);
  });
});
