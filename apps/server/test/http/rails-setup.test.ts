import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { memberSession, settledPayment, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';
import { runIntegrityCheck } from '../../src/modules/integrity/integrity.service.ts';
import { expectLedgerInvariants } from '../support/rail-test-kit.ts';

const STRIPE_KEY = 'sk_test_railsSetupSecretValue1234567890';
const X402_KEY = `0x${'ab'.repeat(32)}`;
const USDC = '0x036CbD53842c5426634e7929541eC2318f3dCF7e';

describe('rails that are not configured', () => {
  let t: TestApp;
  let org: OrgFixture;

  beforeAll(async () => {
    t = await startTestApp();
    org = await signupOrg(t);
  });
  afterAll(async () => t.close());

  it('refuses a vendor on each external rail, naming the rail', async () => {
    for (const rail of ['stripe', 'cashfree', 'x402']) {
      const res = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: `v-${rail}`, name: rail, rail } });
      expectError(res, 400, 'rail_not_configured');
      expect(res.body.error.message).toContain(rail);
    }
  });

  it('refuses to save a rail account for a rail that is not configured', async () => {
    const res = await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: 'cus_A1', payment_method: 'pm_card_visa' } });
    expectError(res, 400, 'rail_not_configured');
  });
});

describe('rail settings and rail accounts', () => {
  let t: TestApp;
  let org: OrgFixture;

  beforeAll(async () => {
    t = await startTestApp({ env: { STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: 'whsec_test', X402_WALLET_PRIVATE_KEY: X402_KEY, X402_NETWORK: 'eip155:31337' } });
    org = await signupOrg(t);
  });
  afterAll(async () => t.close());

  it('accepts a vendor on a configured rail', async () => {
    const res = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'cards', name: 'Cards', rail: 'stripe' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rail: 'stripe', vendor_id: 'cards' });
  });

  it('checks an x402 vendor has an endpoint and a token address', async () => {
    expectValidationError(await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'x1', name: 'x', rail: 'x402', settings: { asset: USDC } } }), 'body.settings.endpoint_url');
    expectValidationError(await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'x2', name: 'x', rail: 'x402', settings: { endpoint_url: 'ftp://example.com', asset: USDC } } }), 'body.settings.endpoint_url');
    expectValidationError(await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'x3', name: 'x', rail: 'x402', settings: { endpoint_url: 'https://example.com/w', asset: '0x12' } } }), 'body.settings.asset');
    const ok = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'x4', name: 'x', rail: 'x402', settings: { endpoint_url: 'https://example.com/w', asset: USDC } } });
    expect(ok.status).toBe(201);
  });

  it('saves, replaces and lists the org\'s Stripe account', async () => {
    const first = await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: 'cus_A1', payment_method: 'pm_card_visa' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'rail_account', rail: 'stripe', settings: { customer: 'cus_A1', payment_method: 'pm_card_visa' } });
    await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: 'cus_B2', payment_method: 'pm_card_visa' } });
    const list = await t.request('GET', '/rail-accounts', { token: org.orgKey });
    expect(list.body.data).toEqual([expect.objectContaining({ rail: 'stripe', settings: { customer: 'cus_B2', payment_method: 'pm_card_visa' } })]);
  });

  it('validates a rail account by its rail and names the field', async () => {
    expectValidationError(await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: 'nope', payment_method: 'pm_card_visa' } }), 'body.customer');
    expectValidationError(await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: 'cus_A1' } }), 'body.payment_method');
    expectValidationError(await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: 'cus_A1', payment_method: 'pm_card_visa', extra: 1 } }), 'body');
    expectValidationError(await t.request('PUT', '/rail-accounts/paypal', { token: org.orgKey, body: {} }), 'params.rail');
  });

  it('lets only admins and the org key manage rail accounts', async () => {
    const member = await memberSession(t, org, 'member');
    expectError(await t.request('PUT', '/rail-accounts/stripe', { token: member, body: { customer: 'cus_A1', payment_method: 'pm_card_visa' } }), 403, 'forbidden');
    expectError(await t.request('GET', '/rail-accounts', { token: member }), 403, 'forbidden');
    const other = await signupOrg(t, 'Other');
    const theirs = await t.request('GET', '/rail-accounts', { token: other.orgKey });
    expect(theirs.body.data).toEqual([]);
  });
});

describe('refunds on the ledger rail', () => {
  let t: TestApp;
  let org: OrgFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    t = await startTestApp();
    org = await signupOrg(t);
    agent = await setupAgent(t, org, { balance: 100_000 });
  });
  afterAll(async () => t.close());

  const wallet = async () => {
    const res = await t.request('GET', `/agent-accounts/${agent.agentId}`, { token: org.orgKey });
    return res.body.wallet.balances.find((b: { currency: string }) => b.currency === 'INR').balance as number;
  };

  it('refunds part, then the rest, moving exactly the refunded amounts back to the wallet', async () => {
    const { payment } = await settledPayment(t, agent, { amount: 10_000 });
    const before = await wallet();
    const partial = await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey, body: { amount: 2_500, reason: 'partly undelivered' } });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ object: 'refund', id: expect.stringMatching(/^rfd_/), status: 'succeeded', amount: 2_500, currency: 'INR', transfer_id: expect.stringMatching(/^trf_/) });
    expect(await wallet()).toBe(before + 2_500);

    expectError(await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey, body: { amount: 7_501, reason: 'too much' } }), 409, 'refund_exceeds_payment', { remaining: 7_500 });
    const rest = await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey, body: { reason: 'the rest' } });
    expect(rest.body).toMatchObject({ status: 'succeeded', amount: 7_500 });
    expect(await wallet()).toBe(before + 10_000);
    expectError(await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey, body: { reason: 'again' } }), 409, 'payment_fully_refunded');

    const got = await t.request('GET', `/payments/${payment.payment_id}`, { token: org.orgKey });
    expect(got.body).toMatchObject({ status: 'settled', refunded_amount: 10_000 });
    const list = await t.request('GET', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey });
    expect(list.body.data.map((r: { amount: number }) => r.amount)).toEqual([2_500, 7_500]);
  });

  it('appends a payment.refunded receipt per refund and keeps the chain valid', async () => {
    const { payment } = await settledPayment(t, agent, { amount: 3_000 });
    await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey, body: { amount: 1_000, reason: 'r' } });
    const receipts = await t.request('GET', `/receipts?agent_account_id=${agent.agentId}&limit=100`, { token: org.orgKey });
    const refundReceipts = receipts.body.data.filter((r: { event: string; payment_id: string }) => r.event === 'payment.refunded' && r.payment_id === payment.payment_id);
    expect(refundReceipts).toHaveLength(1);
    expect(refundReceipts[0]).toMatchObject({ refund_amount: 1_000, refund_id: expect.stringMatching(/^rfd_/) });
    const verify = await t.request('GET', `/receipts/verify?agent_account_id=${agent.agentId}`, { token: org.orgKey });
    expect(verify.body).toMatchObject({ valid: true });
  });

  it('keeps the ledger balanced through refunds', async () => {
    await expectLedgerInvariants(t);
  });

  it('validates the request and refuses who may not refund', async () => {
    const { payment } = await settledPayment(t, agent, { amount: 1_000 });
    expectValidationError(await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey, body: { amount: 1.5, reason: 'r' } }), 'body.amount');
    expectValidationError(await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: org.orgKey, body: { amount: 100 } }), 'body.reason');
    expectValidationError(await t.request('POST', '/payments/nope/refunds', { token: org.orgKey, body: { reason: 'r' } }), 'params.id');
    expectError(await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: agent.agentKey, body: { reason: 'r' } }), 403, 'forbidden');
    const other = await signupOrg(t, 'Other');
    expectError(await t.request('POST', `/payments/${payment.payment_id}/refunds`, { token: other.orgKey, body: { reason: 'r' } }), 404, 'not_found');
  });
});

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: 'whsec_test' } });
  });
  afterAll(async () => t.close());

  it('exposes the integrity check and waiting work in Prometheus text format, and no secrets', async () => {
    const org = await signupOrg(t);
    const agent = await setupAgent(t, org);
    await settledPayment(t, agent, { amount: 500 });
    await runIntegrityCheck(t.appCtx);
    const res = await t.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^frameos_receipt_chains_broken 0$/m);
    expect(res.text).toMatch(/^frameos_receipt_chains_checked [1-9]\d*$/m);
    expect(res.text).toMatch(/^frameos_integrity_check_last_run_timestamp_seconds [1-9]\d*$/m);
    expect(res.text).toMatch(/^frameos_work_waiting\{kind="pending_payments"\} 0$/m);
    expect(res.text).not.toContain(STRIPE_KEY);
  });

  it('reports a broken chain after the integrity check finds one', async () => {
    const org = await signupOrg(t);
    const agent = await setupAgent(t, org);
    await settledPayment(t, agent, { amount: 700 });
    await t.appCtx.database.db.execute(sql`update receipts set body = jsonb_set(body, '{amount}', '1') where agent_account_id = ${agent.agentId}`);
    await runIntegrityCheck(t.appCtx);
    const res = await t.request('GET', '/metrics');
    expect(res.text).toMatch(/^frameos_receipt_chains_broken [1-9]\d*$/m);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => t.close());

  it('answers only a scraper that presents the token', async () => {
    expectError(await t.request('GET', '/metrics'), 401, 'unauthorized');
    expectError(await t.request('GET', '/metrics', { token: 'metrics-token-0123456789abcdeX' }), 401, 'unauthorized');
    const ok = await t.request('GET', '/metrics', { token: TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('frameos_receipt_chains_broken');
  });
});
