import { beforeAll, describe, expect, it } from 'vitest';
import { maxAmount } from '@frameos/domain';
import { useTestApp } from '../support/test-app.ts';
import { setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';
import { ensureLedgerAccount, postTransfer } from '../../src/modules/ledger/ledger.service.ts';
import { newId } from '../../src/lib/ids.ts';
import { rowsOf } from '../../src/lib/sql-values.ts';
import { sql } from 'drizzle-orm';

/**
 * Amounts and balances stay inside the range JavaScript numbers hold exactly (2^53 − 1): a single
 * amount is capped per currency, as card processors cap it, and the database refuses any balance
 * beyond the exact range. Before, three top-ups of 2^53 − 1 were accepted, the API reported a
 * rounded balance and every later execute failed.
 */
const EXACT_LIMIT = Number.MAX_SAFE_INTEGER;

describe('amount and balance limits', () => {
  let org: OrgFixture;
  let agent: AgentFixture;

  const topUp = (amount: number, currency = 'INR') => t.request('POST', `/agent-accounts/${agent.agentId}/top-ups`, { token: org.orgKey, body: { amount, currency } });
  const balance = async (currency = 'INR') => {
    const account = await t.request('GET', `/agent-accounts/${agent.agentId}`, { token: org.orgKey });
    return (account.body.wallet.balances as { currency: string; balance: number }[]).find((b) => b.currency === currency)?.balance ?? 0;
  };

  const t = useTestApp();

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org, { balance: 0 });
  });

  it('caps a single amount per currency: 999 999 999.99 INR, 999 999 999 JPY', () => {
    expect(maxAmount('INR')).toBe(99_999_999_999);
    expect(maxAmount('JPY')).toBe(999_999_999);
    expect(maxAmount('KWD')).toBe(999_999_999_999);
  });

  it('refuses a top-up of 2^53 − 1 with 400 validation_error naming body.amount and the maximum, and moves nothing', async () => {
    const res = await topUp(EXACT_LIMIT);
    expectValidationError(res, 'body.amount');
    expect(res.body.error.message).toContain('99999999999');
    expect(await balance()).toBe(0);
  });

  it('refuses an intent over the currency maximum, and accepts the maximum itself', async () => {
    const over = await t.request('POST', '/purchase-intents', { token: agent.agentKey, body: { vendor: 'acme_api', amount: maxAmount('JPY') + 1, currency: 'JPY' } });
    expectValidationError(over, 'body.amount');
    const at = await t.request('POST', '/purchase-intents', { token: agent.agentKey, body: { vendor: 'acme_api', amount: maxAmount('JPY'), currency: 'JPY' } });
    expect(at.status, at.text).toBe(201);
  });

  it('refuses with 400 amount_overflow a top-up that would take a balance past 2^53 − 1, and reports every balance exactly', async () => {
    // Bring the wallet to 100 below the exact limit through the ledger itself (no single request may ask for that much).
    const db = t.appCtx.database.db;
    const now = new Date();
    await db.transaction(async (tx) => {
      const wallet = await ensureLedgerAccount(tx, { orgId: org.orgId, type: 'agent_wallet', ownerRef: agent.agentId, currency: 'INR' }, now);
      const funding = await ensureLedgerAccount(tx, { orgId: org.orgId, type: 'test_funding', ownerRef: org.orgId, currency: 'INR' }, now);
      await postTransfer(tx, { orgId: org.orgId, kind: 'top_up', reference: newId('transfer'), from: funding, to: wallet, money: { amount: EXACT_LIMIT - 100, currency: 'INR' }, now });
    });
    expect(await balance()).toBe(EXACT_LIMIT - 100);

    expect((await topUp(100)).status).toBe(201);
    expect(await balance()).toBe(EXACT_LIMIT);
    const over = await topUp(1);
    expectError(over, 400, 'amount_overflow');
    expect(over.body.error.message).toMatch(/9007199254740991/);
    expect(await balance()).toBe(EXACT_LIMIT);

    const [stored] = rowsOf(await db.execute(sql`select balance::text as balance from ledger_accounts where owner_ref = ${agent.agentId} and type = 'agent_wallet' and currency = 'INR'`));
    expect(stored?.balance).toBe(String(EXACT_LIMIT));
  });

  it('keeps paying from a wallet at the limit', async () => {
    const intent = await t.request('POST', '/purchase-intents', { token: agent.agentKey, body: { vendor: 'acme_api', amount: 1_000, currency: 'INR' } });
    const mandate = await t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intent.body.id, policy_id: agent.policyId } });
    const executed = await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.id } });
    expect(executed.status, executed.text).toBe(200);
    expect(await balance()).toBe(EXACT_LIMIT - 1_000);
  });

  it('has the database refuse a balance outside the exact range, whatever the code does', async () => {
    const db = t.appCtx.database.db;
    await expect(db.execute(sql`update ledger_accounts set balance = 9007199254740992 where owner_ref = ${agent.agentId} and type = 'agent_wallet'`)).rejects.toThrow();
    await expect(db.execute(sql`update ledger_accounts set balance = -9007199254740992 where owner_ref = ${org.orgId} and type = 'test_funding'`)).rejects.toThrow();
  });
});
