import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { signupOrg, type OrgFixture } from '../support/fixtures.ts';
import { expectError } from '../support/assertions.ts';
import { startX402Harness, type X402Harness } from '../support/x402-harness.ts';
import { rowsOf } from '../../src/lib/sql-values.ts';
import { expectLedgerInvariants } from '../support/rail-test-kit.ts';

/**
 * POST /execute to x402 vendors end to end: a vendor protected by @x402/express, a local facilitator
 * verifying and settling with the x402 packages' own code on a local chain, paid by our rail.
 */
describe('payments to x402 vendors', () => {
  let chain: X402Harness;
  let t: TestApp;
  let org: OrgFixture;
  let agent: { id: string; key: string; policyId: string };

  beforeAll(async () => {
    chain = await startX402Harness();
    t = await startTestApp({ env: { X402_WALLET_PRIVATE_KEY: chain.payerPrivateKey, X402_NETWORK: chain.network, X402_RPC_URL: chain.rpcUrl, RAIL_TIMEOUT_MS: '20000' } });
    org = await signupOrg(t);
    for (const [vendorId, path] of [['weather', '/weather'], ['expensive', '/expensive']] as const) {
      const v = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: vendorId, name: vendorId, rail: 'x402', settings: { endpoint_url: `${chain.vendorUrl}${path}`, asset: chain.tokenAddress, pay_to: chain.payToAddress } } });
      expect(v.status, v.text).toBe(201);
    }
    const a = await t.request('POST', '/agent-accounts', { token: org.orgKey, body: { name: 'buyer', risk_tier: 'LOW' } });
    await t.request('POST', `/agent-accounts/${a.body.id}/top-ups`, { token: org.orgKey, body: { amount: 10_000, currency: 'USD' } });
    const p = await t.request('POST', '/policies', { token: org.orgKey, body: { agent_account_id: a.body.id, name: 'x402', currency: 'USD', vendor_allowlist: ['weather', 'expensive'], per_tx_cap: 5_000, daily_limit: 50_000 } });
    agent = { id: a.body.id, key: a.body.api_key, policyId: p.body.id };
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await chain?.stop();
  });

  const wallet = async () => {
    const res = await t.request('GET', `/agent-accounts/${agent.id}`, { token: org.orgKey });
    return (res.body.wallet.balances.find((b: { currency: string }) => b.currency === 'USD')?.balance ?? 0) as number;
  };

  async function mandateFor(vendor: string, amount: number) {
    const intent = await t.request('POST', '/purchase-intents', { token: agent.key, body: { vendor, amount, currency: 'USD' } });
    const mandate = await t.request('POST', '/mandates', { token: agent.key, body: { intent_id: intent.body.id, policy_id: agent.policyId } });
    expect(mandate.status, mandate.text).toBe(201);
    return mandate.body.mandate_id as string;
  }

  it('pays the vendor on chain and records the transaction on the payment and its receipt', async () => {
    const before = await wallet();
    const vendorBefore = await chain.balanceOf(chain.payToAddress);
    const executed = await t.request('POST', '/execute', { token: agent.key, body: { mandate_id: await mandateFor('weather', 1) } });
    expect(executed.status, executed.text).toBe(200);
    expect(executed.body).toMatchObject({ status: 'settled', rail: 'x402', amount: 1, rail_reference: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    // The price of /weather is 10 000 atomic units of a 6-decimal token: exactly one cent.
    expect(await chain.balanceOf(chain.payToAddress)).toBe(vendorBefore + 10_000n);
    expect(await wallet()).toBe(before - 1);

    const receipts = await t.request('GET', `/receipts?agent_account_id=${agent.id}&limit=100`, { token: org.orgKey });
    const mine = receipts.body.data.filter((r: { payment_id: string }) => r.payment_id === executed.body.payment_id);
    expect(mine.map((r: { event: string }) => r.event)).toEqual(['payment.pending', 'payment.settled']);
    expect(mine[1].rail_reference).toBe(executed.body.rail_reference);
    const verify = await t.request('GET', `/receipts/verify?agent_account_id=${agent.id}`, { token: org.orgKey });
    expect(verify.body).toMatchObject({ valid: true });
  });

  it('pays what the vendor asks when it is less than the mandate, and gives the rest back', async () => {
    const before = await wallet();
    const executed = await t.request('POST', '/execute', { token: agent.key, body: { mandate_id: await mandateFor('weather', 5) } });
    expect(executed.body).toMatchObject({ status: 'settled', amount: 1 });
    expect(await wallet()).toBe(before - 1);
  });

  it('refuses a price above the mandate: nothing moves, the mandate can be executed again', async () => {
    const before = await wallet();
    const vendorBefore = await chain.balanceOf(chain.payToAddress);
    const mandateId = await mandateFor('expensive', 100);
    const executed = await t.request('POST', '/execute', { token: agent.key, body: { mandate_id: mandateId } });
    expect(executed.status).toBe(200);
    expect(executed.body).toMatchObject({ status: 'failed', failure_code: 'x402_no_acceptable_requirement', failure_message: expect.stringContaining('exceeds the mandate') });
    expect(await wallet()).toBe(before);
    expect(await chain.balanceOf(chain.payToAddress)).toBe(vendorBefore);
    const mandate = await t.request('GET', `/mandates/${mandateId}`, { token: org.orgKey });
    expect(mandate.body.status).toBe('active');
    const again = await t.request('POST', '/execute', { token: agent.key, body: { mandate_id: mandateId } });
    expect(again.body).toMatchObject({ status: 'failed' });
    expect(again.body.payment_id).not.toBe(executed.body.payment_id);
  });

  it('keeps the ledger balanced and the clearing account empty', async () => {
    await expectLedgerInvariants(t);
    const [r] = rowsOf(await t.appCtx.database.db.execute(sql`select coalesce(sum(balance), 0) as clearing from ledger_accounts where type = 'rail_clearing'`));
    expect(Number(r!.clearing)).toBe(0);
  });

  it('cannot refund an x402 payment', async () => {
    const executed = await t.request('POST', '/execute', { token: agent.key, body: { mandate_id: await mandateFor('weather', 1) } });
    expectError(await t.request('POST', `/payments/${executed.body.payment_id}/refunds`, { token: org.orgKey, body: { reason: 'r' } }), 409, 'refund_not_supported');
  });
});
