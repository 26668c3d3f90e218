/**
 * Helpers for the end-to-end rail tests (Stripe, Cashfree): organizations paying vendors on a rail,
 * wallet and clearing balances, receipt chains, signed inbound webhooks and ledger invariants.
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf } from '../../src/lib/sql-values.ts';
import type { TestApp, TestResponse } from './test-app.ts';
import { setupAgent, signupOrg, type AgentFixture, type OrgFixture } from './fixtures.ts';
import { sqlReaderOf, type SqlReader } from './sql-reader.ts';
export { randomIp } from './fixtures.ts';

export interface RailPayer {
  org: OrgFixture;
  agent: AgentFixture;
  vendor: string;
  currency: string;
}

export interface RailPayerOptions {
  rail: 'stripe' | 'cashfree';
  currency: string;
  vendor?: string;
  balance?: number;
  /** The org's account at the rail (PUT /rail-accounts/:rail); null to leave it unset. */
  account: Record<string, string> | null;
}

/** A fresh org with a vendor on `rail`, a funded agent allowed to pay it, and (optionally) its rail account. */
export async function railPayer(t: TestApp, options: RailPayerOptions): Promise<RailPayer> {
  const org = await signupOrg(t, `${options.rail} org`);
  const vendor = options.vendor ?? `${options.rail}_vendor`;
  const created = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: vendor, name: vendor, rail: options.rail } });
  if (created.status !== 201) throw new Error(`vendor failed: ${created.status} ${created.text}`);
  const agent = await setupAgent(t, org, {
    vendor,
    currency: options.currency,
    balance: options.balance ?? 1_000_000,
    policy: { per_tx_cap: 1_000_000, daily_limit: 100_000_000 },
  });
  if (options.account) {
    const saved = await t.request('PUT', `/rail-accounts/${options.rail}`, { token: org.orgKey, body: options.account });
    if (saved.status !== 200) throw new Error(`rail account failed: ${saved.status} ${saved.text}`);
  }
  return { org, agent, vendor, currency: options.currency };
}

/** An intent for `amount` and its active mandate; returns the mandate id. */
export async function mandateFor(t: TestApp, payer: RailPayer, amount: number): Promise<string> {
  const intent = await t.request('POST', '/purchase-intents', { token: payer.agent.agentKey, body: { vendor: payer.vendor, amount, currency: payer.currency } });
  if (intent.status !== 201) throw new Error(`intent failed: ${intent.status} ${intent.text}`);
  const mandate = await t.request('POST', '/mandates', { token: payer.agent.agentKey, body: { intent_id: intent.body.id, policy_id: payer.agent.policyId } });
  if (mandate.status !== 201) throw new Error(`mandate failed: ${mandate.status} ${mandate.text}`);
  return mandate.body.mandate_id as string;
}

export async function execute(t: TestApp, payer: RailPayer, mandateId: string, idempotencyKey?: string): Promise<TestResponse> {
  return t.request('POST', '/execute', { token: payer.agent.agentKey, body: { mandate_id: mandateId }, ...(idempotencyKey ? { idempotencyKey } : {}) });
}

export async function getPayment(t: TestApp, payer: RailPayer, paymentId: string) {
  const res = await t.request('GET', `/payments/${paymentId}`, { token: payer.org.orgKey });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export async function refund(t: TestApp, payer: RailPayer, paymentId: string, body: { amount?: number; reason: string }): Promise<TestResponse> {
  return t.request('POST', `/payments/${paymentId}/refunds`, { token: payer.org.orgKey, body });
}

export async function listRefunds(t: TestApp, payer: RailPayer, paymentId: string) {
  const res = await t.request('GET', `/payments/${paymentId}/refunds`, { token: payer.org.orgKey });
  expect(res.status, res.text).toBe(200);
  return res.body.data as Array<Record<string, unknown>>;
}

/** The agent's wallet balance in the payer's currency, as the API reports it. */
export async function walletBalance(t: TestApp, payer: RailPayer): Promise<number> {
  const res = await t.request('GET', `/agent-accounts/${payer.agent.agentId}`, { token: payer.org.orgKey });
  expect(res.status, res.text).toBe(200);
  const entry = (res.body.wallet.balances as Array<{ currency: string; balance: number }>).find((b) => b.currency === payer.currency);
  return entry?.balance ?? 0;
}

/** The org's balance (all shards) of one kind of ledger account, read from the database. */
export async function accountBalance(t: TestApp, orgId: string, type: 'rail_clearing' | 'vendor_payable' | 'agent_wallet', ownerRef: string, currency: string): Promise<number> {
  const result = await t.appCtx.database.db.execute(sql`
    select coalesce(sum(balance), 0)::text as total from ledger_accounts
    where org_id = ${orgId} and type = ${type} and owner_ref = ${ownerRef} and currency = ${currency}`);
  return Number(rowsOf(result)[0]?.total ?? 0);
}

export async function clearingBalance(t: TestApp, payer: RailPayer, rail: string): Promise<number> {
  return accountBalance(t, payer.org.orgId, 'rail_clearing', rail, payer.currency);
}

export async function payableBalance(t: TestApp, payer: RailPayer): Promise<number> {
  return accountBalance(t, payer.org.orgId, 'vendor_payable', payer.vendor, payer.currency);
}

export interface LedgerReport {
  /** Transfers whose postings do not sum to zero, or mix currencies. */
  unbalancedTransfers: Array<{ transfer_id: string; total: string; currencies: string }>;
  /** Sum of every account's balance per currency (must be 0). */
  nonZeroCurrencies: Array<{ currency: string; total: string }>;
  /** Accounts whose stored balance differs from the sum of their postings. */
  driftedAccounts: Array<{ id: string; balance: string; posted: string }>;
  /** Postings whose currency differs from their account's. */
  foreignPostings: number;
}

/**
 * The ledger's invariants over the whole database: every transfer balances in one currency, balances
 * per currency sum to zero, and every balance is the sum of its postings. Never call it while a
 * request is in flight (PGlite runs one transaction at a time).
 */
export async function ledgerReport(source: TestApp | SqlReader): Promise<LedgerReport> {
  const q = sqlReaderOf(source);
  const unbalanced = await q`
    select transfer_id, sum(amount)::text as total, string_agg(distinct currency, ',') as currencies
    from postings group by transfer_id
    having sum(amount) <> 0 or count(distinct currency) <> 1 or count(*) < 2`;
  const currencies = await q`
    select currency, sum(balance)::text as total from ledger_accounts group by currency having sum(balance) <> 0`;
  const drifted = await q`
    select a.id, a.balance::text as balance, coalesce(sum(p.amount), 0)::text as posted
    from ledger_accounts a left join postings p on p.account_id = a.id
    group by a.id, a.balance having a.balance <> coalesce(sum(p.amount), 0)`;
  const foreign = await q`
    select count(*)::text as n from postings p join ledger_accounts a on a.id = p.account_id where p.currency <> a.currency`;
  return {
    unbalancedTransfers: unbalanced as LedgerReport['unbalancedTransfers'],
    nonZeroCurrencies: currencies as LedgerReport['nonZeroCurrencies'],
    driftedAccounts: drifted as LedgerReport['driftedAccounts'],
    foreignPostings: Number(foreign[0]?.n ?? 0),
  };
}

/** The ledger invariants over the whole database: of a test app's, or any database through a reader. */
export async function expectLedgerInvariants(source: TestApp | SqlReader): Promise<void> {
  expect(await ledgerReport(source)).toEqual({ unbalancedTransfers: [], nonZeroCurrencies: [], driftedAccounts: [], foreignPostings: 0 });
}

/** Transfers of a payment or refund by kind, e.g. ['payment_hold', 'payment']. */
export async function transferKinds(t: TestApp, reference: string): Promise<string[]> {
  const result = await t.appCtx.database.db.execute(sql`select kind from transfers where reference = ${reference} order by kind`);
  return rowsOf(result).map((r) => String(r.kind));
}

/**
 * The transfers that resolve a payment's hold (its capture and/or release) name that hold, and
 * together resolve exactly what it held.
 */
export async function expectHoldResolved(t: TestApp, paymentId: string): Promise<void> {
  const rows = rowsOf(await t.appCtx.database.db.execute(sql`
    select r.kind, r.hold_transfer_id = h.id as names_hold, (select sum(amount) from postings where transfer_id = r.id and amount > 0)::text as amount,
           (select sum(amount) from postings where transfer_id = h.id and amount > 0)::text as held
    from transfers r join transfers h on h.reference = r.reference and h.kind = 'payment_hold'
    where r.reference = ${paymentId} and r.kind in ('payment_capture', 'payment_release')`));
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.names_hold === true)).toBe(true);
  expect(rows.reduce((sum, r) => sum + Number(r.amount), 0)).toBe(Number(rows[0]!.held));
}

/** The agent's receipts in chain order. */
export async function receiptsOf(t: TestApp, payer: RailPayer): Promise<Array<Record<string, unknown>>> {
  const res = await t.request('GET', `/receipts?agent_account_id=${payer.agent.agentId}&limit=100`, { token: payer.org.orgKey });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** The receipt events of one payment, in chain order. */
export async function receiptEventsOf(t: TestApp, payer: RailPayer, paymentId: string): Promise<string[]> {
  return (await receiptsOf(t, payer)).filter((r) => r.payment_id === paymentId).map((r) => String(r.event));
}

export async function expectChainValid(t: TestApp, payer: RailPayer): Promise<void> {
  const receipts = await receiptsOf(t, payer);
  const res = await t.request('GET', `/receipts/verify?agent_account_id=${payer.agent.agentId}`, { token: payer.org.orgKey });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ agent_account_id: payer.agent.agentId, valid: true, length: receipts.length, head_hash: receipts.at(-1)?.hash, first_invalid_seq: null });
}

/** The rail webhook events we stored for a payment (outcome per event id). */
export async function railEventsOf(t: TestApp, paymentId: string): Promise<Array<{ event_id: string; type: string; outcome: string }>> {
  const result = await t.appCtx.database.db.execute(sql`
    select event_id, type, outcome from rail_webhook_events where payment_id = ${paymentId} order by received_at, event_id`);
  return rowsOf(result) as Array<{ event_id: string; type: string; outcome: string }>;
}

/** Everything about a payment that a webhook could change: compared before and after a no-op. */
export async function paymentSnapshot(t: TestApp, payer: RailPayer, paymentId: string) {
  return {
    payment: await getPayment(t, payer, paymentId),
    wallet: await walletBalance(t, payer),
    receipts: (await receiptsOf(t, payer)).map((r) => r.receipt_id),
    refunds: await listRefunds(t, payer, paymentId),
    transfers: await transferKinds(t, paymentId),
  };
}

/** Posts a raw, already-signed webhook body as the rail would. */
export async function postWebhook(t: TestApp, rail: 'stripe' | 'cashfree', signed: { body: string | Buffer; headers: Record<string, string> }, ip?: string): Promise<TestResponse> {
  const rawBody = typeof signed.body === 'string' ? signed.body : signed.body.toString('utf8');
  return t.request('POST', `/webhooks/${rail}`, { rawBody, headers: signed.headers, idempotencyKey: null, ...(ip ? { ip } : {}) });
}

/** The app's clock in whole seconds (Stripe's signature timestamp unit). */
export function nowSeconds(t: TestApp): number {
  return Math.floor(t.clock.now().getTime() / 1000);
}

