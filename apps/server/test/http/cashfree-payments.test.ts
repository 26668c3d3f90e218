/**
 * Payments over the Cashfree rail (INR), end to end through the HTTP API against the local fake
 * Cashfree: execute → pending order → signed webhook → settled / failed, refunds, inbound webhook
 * security, faults (timeouts, 5xx) and reconciliation.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcilePendingPayments } from '../../src/modules/reconciliation/reconciliation.service.ts';
import { expectError } from '../support/assertions.ts';
import { signedWebhook, startFakeCashfree, type FakeCashfree, type RecordedRequest } from '../support/fake-cashfree.ts';
import { setupAgent, signupOrg } from '../support/fixtures.ts';
import {
  randomIp,
  clearingBalance,
  execute,
  expectChainValid,
  expectLedgerInvariants,
  getPayment,
  listRefunds,
  mandateFor,
  payableBalance,
  paymentSnapshot,
  postWebhook,
  railEventsOf,
  railPayer,
  receiptEventsOf,
  receiptsOf,
  refund,
  transferKinds,
  walletBalance,
  type RailPayer,
} from '../support/rail-test-kit.ts';
import { startTestApp, testClock, type TestApp } from '../support/test-app.ts';


const CUSTOMER = { customer_id: 'cust_frameos_e2e', customer_phone: '9999999999' };
const FUNDS = 10_000_000; // ₹100,000.00 in paise

let cashfree: FakeCashfree;
/** The app most tests share; reconciliation and the rate limit get one of their own. */
let t: TestApp;

function cashfreeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CASHFREE_CLIENT_ID: cashfree.clientId,
    CASHFREE_CLIENT_SECRET: cashfree.clientSecret,
    CASHFREE_API_BASE_URL: cashfree.baseUrl,
    RAIL_TIMEOUT_MS: '1000',
    RAIL_MAX_ATTEMPTS: '3',
    RAIL_RETRY_BASE_MS: '5',
    ...extra,
  };
}

async function cashfreePayer(app: TestApp): Promise<RailPayer> {
  return railPayer(app, { rail: 'cashfree', currency: 'INR', balance: FUNDS, account: CUSTOMER });
}

/** A Cashfree webhook delivery signed with the client secret (timestamp = the app's clock unless given). */
function signed(app: TestApp, type: string, data: unknown, options: { secret?: string; timestampMs?: number } = {}) {
  return signedWebhook(type, data, { secret: options.secret ?? cashfree.clientSecret, timestampMs: options.timestampMs ?? app.clock.now().getTime() });
}

async function sendCashfree(app: TestApp, type: string, data: unknown, options: { secret?: string; timestampMs?: number; ip?: string } = {}) {
  return postWebhook(app, 'cashfree', signed(app, type, data, options), options.ip);
}

function orderPosts(paymentId: string): RecordedRequest[] {
  return cashfree.requests.filter((r) => r.method === 'POST' && r.path === '/pg/orders' && r.headers['x-idempotency-key'] === paymentId);
}

function refundPosts(paymentId: string): RecordedRequest[] {
  return cashfree.requests.filter((r) => r.method === 'POST' && r.path === `/pg/orders/${paymentId}/refunds`);
}

/** Cashfree's REFUND_STATUS_WEBHOOK data for a refund the fake holds, in its current status. */
function refundWebhookData(paymentId: string, refundId: string): Record<string, unknown> {
  const order = cashfree.order(paymentId);
  const held = order?.refunds.get(refundId);
  if (!order || !held) throw new Error(`fake Cashfree has no refund ${refundId} on ${paymentId}`);
  return {
    refund: {
      cf_refund_id: held.cfRefundId,
      cf_payment_id: order.cfPaymentId,
      refund_id: held.refundId,
      order_id: order.orderId,
      refund_amount: held.paise / 100,
      refund_currency: 'INR',
      entity: 'Refund',
      refund_type: 'MERCHANT_INITIATED',
      refund_arn: held.status === 'SUCCESS' ? '205907933129' : null,
      refund_status: held.status,
      status_description: held.status === 'SUCCESS' ? 'Refund processed successfully' : 'Refund cancelled',
      refund_charge: 0,
      refund_note: held.note,
      refund_mode: 'STANDARD',
      created_at: new Date().toISOString(),
      processed_at: new Date().toISOString(),
    },
  };
}

/** A Cashfree payment executed, paid by the customer and settled by its webhook. */
async function settledCashfreePayment(app: TestApp, payer: RailPayer, amount: number) {
  const executed = await execute(app, payer, await mandateFor(app, payer, amount));
  expect(executed.status, executed.text).toBe(200);
  cashfree.markPaid(executed.body.payment_id);
  const delivered = await sendCashfree(app, 'PAYMENT_SUCCESS_WEBHOOK', cashfree.paymentWebhookData(executed.body.payment_id, 'SUCCESS'));
  expect(delivered.body).toEqual({ received: true, outcome: 'applied' });
  return executed.body as { payment_id: string; rail_reference: string; amount: number };
}

beforeAll(async () => {
  cashfree = await startFakeCashfree();
  t = await startTestApp({ env: cashfreeEnv() });
});

afterAll(async () => {
  await t?.close();
  await cashfree?.close();
});

afterEach(() => {
  // Controls left armed by a failing test must not leak into the next one.
  cashfree.delayNext(0);
  cashfree.failNext(0, 500);
  cashfree.refundsStartAs('PENDING');
});

describe('Cashfree rail: configuration and rail accounts', () => {
  it('refuses a Cashfree vendor, rail account and webhook on a server without the Cashfree settings', async () => {
    const bare = await startTestApp();
    try {
      const org = await signupOrg(bare);
      expectError(await bare.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'cf_vendor', name: 'C', rail: 'cashfree' } }), 400, 'rail_not_configured');
      expectError(await bare.request('PUT', '/rail-accounts/cashfree', { token: org.orgKey, body: CUSTOMER }), 400, 'rail_not_configured');
      expectError(await postWebhook(bare, 'cashfree', signed(bare, 'PAYMENT_SUCCESS_WEBHOOK', {})), 400, 'rail_not_configured');
    } finally {
      await bare.close();
    }
  });

  it('creates a Cashfree vendor and validates the org’s customer details', async () => {
    const org = await signupOrg(t);
    const vendor = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'weather_in', name: 'Weather India', rail: 'cashfree' } });
    expect(vendor.status, vendor.text).toBe(201);
    expect(vendor.body).toMatchObject({ vendor_id: 'weather_in', rail: 'cashfree' });
    expectError(await t.request('PUT', '/rail-accounts/cashfree', { token: org.orgKey, body: { customer_id: 'cust_1', customer_phone: '12' } }), 400, 'validation_error', { field: 'body.customer_phone' });
    const saved = await t.request('PUT', '/rail-accounts/cashfree', { token: org.orgKey, body: CUSTOMER });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ rail: 'cashfree', settings: CUSTOMER });
  });

  it('refuses to execute without the org’s Cashfree account, holding nothing, and the mandate stays usable', async () => {
    const payer = await railPayer(t, { rail: 'cashfree', currency: 'INR', balance: FUNDS, account: null });
    const mandateId = await mandateFor(t, payer, 25_000);
    const requestsBefore = cashfree.requests.length;

    expectError(await execute(t, payer, mandateId), 400, 'rail_account_missing');
    expect(await walletBalance(t, payer)).toBe(FUNDS);
    expect(await clearingBalance(t, payer, 'cashfree')).toBe(0);
    expect(cashfree.requests.length).toBe(requestsBefore);
    expect(await receiptsOf(t, payer)).toEqual([]);
    expect((await t.request('GET', `/payments?agent_account_id=${payer.agent.agentId}`, { token: payer.org.orgKey })).body.data).toEqual([]);
    expect((await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey })).body.status).toBe('active');

    expect((await t.request('PUT', '/rail-accounts/cashfree', { token: payer.org.orgKey, body: CUSTOMER })).status).toBe(200);
    const executed = await execute(t, payer, mandateId);
    expect(executed.status, executed.text).toBe(200);
    expect(executed.body).toMatchObject({ status: 'pending', mandate_id: mandateId });
    expect(await walletBalance(t, payer)).toBe(FUNDS - 25_000);
    await expectLedgerInvariants(t);
  });

  it('refuses a mandate in another currency than INR before holding anything', async () => {
    const payer = await cashfreePayer(t);
    const usd = await setupAgent(t, payer.org, { vendor: payer.vendor, currency: 'USD', balance: 50_000 });
    const usdPayer: RailPayer = { ...payer, agent: usd, currency: 'USD' };
    const mandateId = await mandateFor(t, usdPayer, 1_000);
    const requestsBefore = cashfree.requests.length;
    expectError(await execute(t, usdPayer, mandateId), 400, 'invalid_currency');
    expect(await walletBalance(t, usdPayer)).toBe(50_000);
    expect(cashfree.requests.length).toBe(requestsBefore);
  });
});

describe('Cashfree rail: payments, webhooks and refunds', () => {
  describe('execute → pending → webhook → settled', () => {
    let payer: RailPayer;
    let paymentId: string;
    let cfOrderId: string;
    let success: ReturnType<typeof signedWebhook>;

    beforeAll(async () => {
      payer = await cashfreePayer(t);
    });

    it('creates one order named by our payment id for exactly 250.00 INR, answers pending and holds the funds', async () => {
      const created = cashfree.ordersCreated();
      const executed = await execute(t, payer, await mandateFor(t, payer, 25_000));
      expect(executed.status, executed.text).toBe(200);
      paymentId = executed.body.payment_id;
      cfOrderId = cashfree.order(paymentId)!.cfOrderId;
      expect(executed.body).toMatchObject({
        status: 'pending',
        rail: 'cashfree',
        vendor: payer.vendor,
        amount: 25_000,
        currency: 'INR',
        rail_reference: cfOrderId,
        failure_code: null,
        settled_at: null,
        receipt_id: expect.stringMatching(/^rcp_/),
      });

      expect(cashfree.ordersCreated() - created).toBe(1);
      const posts = orderPosts(paymentId);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.body).toContain('"order_amount":250.00');
      expect(JSON.parse(posts[0]!.body)).toMatchObject({ order_id: paymentId, order_currency: 'INR', customer_details: CUSTOMER, order_tags: { payment_id: paymentId, org_id: payer.org.orgId } });
      expect(cashfree.order(paymentId)).toMatchObject({ orderId: paymentId, paise: 25_000, currency: 'INR', status: 'ACTIVE' });

      expect(await walletBalance(t, payer)).toBe(FUNDS - 25_000);
      expect(await clearingBalance(t, payer, 'cashfree')).toBe(25_000);
      expect(await payableBalance(t, payer)).toBe(0);
      expect(await transferKinds(t, paymentId)).toEqual(['payment_hold']);
      const receipts = await receiptsOf(t, payer);
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ receipt_id: executed.body.receipt_id, event: 'payment.pending', payment_id: paymentId, payment_status: 'pending', amount: 25_000, rail: 'cashfree' });
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('rejects forged, stale, tampered and unsigned webhooks with 400 and changes nothing', async () => {
      cashfree.markPaid(paymentId);
      const data = cashfree.paymentWebhookData(paymentId, 'SUCCESS');
      success = signed(t, 'PAYMENT_SUCCESS_WEBHOOK', data);
      const before = await paymentSnapshot(t, payer, paymentId);

      expectError(await sendCashfree(t, 'PAYMENT_SUCCESS_WEBHOOK', data, { secret: 'cfsk_someone_else' }), 400, 'webhook_signature_invalid');
      expectError(await sendCashfree(t, 'PAYMENT_SUCCESS_WEBHOOK', data, { timestampMs: t.clock.now().getTime() - 6 * 60_000 }), 400, 'webhook_signature_invalid');
      const { 'x-webhook-signature': _signature, ...unsignedHeaders } = success.headers;
      expectError(await postWebhook(t, 'cashfree', { body: success.body, headers: unsignedHeaders }), 400, 'webhook_signature_invalid');
      const tampered = success.body.replace('"payment_amount":250', '"payment_amount":2.5');
      expect(tampered).not.toBe(success.body);
      expectError(await postWebhook(t, 'cashfree', { body: tampered, headers: success.headers }), 400, 'webhook_signature_invalid');

      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
      expect(before.payment.status).toBe('pending');
      expect(await railEventsOf(t, paymentId)).toEqual([]);
    });

    it('settles on the signed PAYMENT_SUCCESS_WEBHOOK: clearing → vendor payable, settled receipt, chain valid', async () => {
      const res = await postWebhook(t, 'cashfree', success);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'applied' });

      expect(await getPayment(t, payer, paymentId)).toMatchObject({ status: 'settled', rail_reference: cfOrderId, settled_at: expect.any(String), needs_attention: null });
      expect(await walletBalance(t, payer)).toBe(FUNDS - 25_000);
      expect(await clearingBalance(t, payer, 'cashfree')).toBe(0);
      expect(await payableBalance(t, payer)).toBe(25_000);
      expect(await transferKinds(t, paymentId)).toEqual(['payment', 'payment_hold']);
      expect(await receiptEventsOf(t, payer, paymentId)).toEqual(['payment.pending', 'payment.settled']);
      expect((await receiptsOf(t, payer)).at(-1)).toMatchObject({ event: 'payment.settled', payment_status: 'settled', amount: 25_000 });
      const cfPaymentId = String(cashfree.order(paymentId)!.cfPaymentId);
      expect(await railEventsOf(t, paymentId)).toEqual([{ event_id: `PAYMENT_SUCCESS_WEBHOOK:${cfPaymentId}`, type: 'PAYMENT_SUCCESS_WEBHOOK', outcome: 'applied' }]);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('answers a redelivery as duplicate (even re-signed later) and changes nothing', async () => {
      const before = await paymentSnapshot(t, payer, paymentId);
      expect((await postWebhook(t, 'cashfree', success)).body).toEqual({ received: true, outcome: 'duplicate' });
      // Cashfree redelivers the same payload with a new timestamp and signature.
      t.clock.advance(30_000);
      const redelivered = signed(t, 'PAYMENT_SUCCESS_WEBHOOK', JSON.parse(success.body).data);
      expect(redelivered.headers['x-webhook-signature']).not.toBe(success.headers['x-webhook-signature']);
      expect((await postWebhook(t, 'cashfree', redelivered)).body).toEqual({ received: true, outcome: 'duplicate' });
      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
    });

    it('acknowledges an event type it does not handle as ignored', async () => {
      const before = await paymentSnapshot(t, payer, paymentId);
      const res = await sendCashfree(t, 'SETTLEMENT_SUCCESS_WEBHOOK', { settlement: { cf_settlement_id: 4242, amount_settled: 250 } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'ignored' });
      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
    });

    it('records a failed attempt reported after the success without applying it', async () => {
      const before = await paymentSnapshot(t, payer, paymentId);
      const res = await sendCashfree(t, 'PAYMENT_FAILED_WEBHOOK', cashfree.paymentWebhookData(paymentId, 'FAILED'));
      expect(res.body).toEqual({ received: true, outcome: 'recorded' });
      const after = await paymentSnapshot(t, payer, paymentId);
      expect(after).toEqual(before);
      expect(after.payment).toMatchObject({ status: 'settled', needs_attention: null });
      await expectLedgerInvariants(t);
    });
  });

  describe('failures', () => {
    it('fails a pending payment on PAYMENT_FAILED_WEBHOOK: funds back, and the mandate pays again as a new order', async () => {
      const payer = await cashfreePayer(t);
      const mandateId = await mandateFor(t, payer, 12_345);
      const first = await execute(t, payer, mandateId);
      expect(first.body.status).toBe('pending');
      expect(await walletBalance(t, payer)).toBe(FUNDS - 12_345);

      const failed = await sendCashfree(t, 'PAYMENT_FAILED_WEBHOOK', cashfree.paymentWebhookData(first.body.payment_id, 'FAILED'));
      expect(failed.body).toEqual({ received: true, outcome: 'applied' });
      expect(await getPayment(t, payer, first.body.payment_id)).toMatchObject({ status: 'failed', failure_code: 'TRANSACTION_DECLINED', failure_message: 'Transaction declined by the bank', settled_at: null });
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      expect(await clearingBalance(t, payer, 'cashfree')).toBe(0);
      expect(await transferKinds(t, first.body.payment_id)).toEqual(['payment_hold', 'payment_release']);
      expect(await receiptEventsOf(t, payer, first.body.payment_id)).toEqual(['payment.pending', 'payment.failed']);
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey })).body.status).toBe('active');

      const second = await execute(t, payer, mandateId);
      expect(second.status, second.text).toBe(200);
      expect(second.body).toMatchObject({ status: 'pending', mandate_id: mandateId });
      expect(second.body.payment_id).not.toBe(first.body.payment_id);
      expect(cashfree.order(second.body.payment_id)).toMatchObject({ paise: 12_345, status: 'ACTIVE' });
      expect(orderPosts(second.body.payment_id)[0]?.body).toContain('"order_amount":123.45');
      expect(await walletBalance(t, payer)).toBe(FUNDS - 12_345);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('records a success reported after the failure, keeps the payment failed and flags it for a human', async () => {
      const payer = await cashfreePayer(t);
      const executed = await execute(t, payer, await mandateFor(t, payer, 5_000));
      const paymentId = executed.body.payment_id as string;
      const dropped = await sendCashfree(t, 'PAYMENT_USER_DROPPED_WEBHOOK', cashfree.paymentWebhookData(paymentId, 'USER_DROPPED'));
      expect(dropped.body.outcome).toBe('applied');
      const afterFailure = await paymentSnapshot(t, payer, paymentId);
      expect(afterFailure.payment).toMatchObject({ status: 'failed', failure_code: 'user_dropped', needs_attention: null });

      cashfree.markPaid(paymentId);
      const late = await sendCashfree(t, 'PAYMENT_SUCCESS_WEBHOOK', cashfree.paymentWebhookData(paymentId, 'SUCCESS'));
      expect(late.body).toEqual({ received: true, outcome: 'recorded' });
      const after = await paymentSnapshot(t, payer, paymentId);
      expect(after.payment).toMatchObject({ status: 'failed', settled_at: null, needs_attention: expect.stringContaining('success after the payment was marked failed') });
      expect({ ...after, payment: { ...after.payment, needs_attention: null } }).toEqual(afterFailure);
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });
  });

  describe('faults at the rail', () => {
    it('retries an order creation that timed out with the same order id and key: one order', async () => {
      const payer = await cashfreePayer(t);
      const mandateId = await mandateFor(t, payer, 7_500);
      const created = cashfree.ordersCreated();
      cashfree.delayNext(60_000); // longer than RAIL_TIMEOUT_MS

      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      expect(executed.body).toMatchObject({ status: 'pending', rail_reference: cashfree.order(executed.body.payment_id)?.cfOrderId });
      const posts = orderPosts(executed.body.payment_id);
      expect(posts).toHaveLength(2);
      expect(posts.map((p) => JSON.parse(p.body).order_id)).toEqual([executed.body.payment_id, executed.body.payment_id]);
      expect(cashfree.ordersCreated() - created).toBe(1);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 7_500);
      await expectLedgerInvariants(t);
    });

    it('fails with a clear reason when Cashfree answers 500 to every attempt and has no order: nothing charged, mandate usable', async () => {
      const payer = await cashfreePayer(t);
      const mandateId = await mandateFor(t, payer, 9_900);
      const created = cashfree.ordersCreated();
      cashfree.failNext(3, 500);

      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      const paymentId = executed.body.payment_id as string;
      expect(executed.body).toMatchObject({ status: 'failed', rail_reference: null, failure_code: 'rail_unavailable', failure_message: expect.stringContaining('Nothing was charged') });
      expect(executed.body.failure_message).toContain('HTTP 500');
      expect(orderPosts(paymentId)).toHaveLength(3);
      // The order lookup by our payment id is what proved nothing exists.
      expect(cashfree.requests.at(-1)).toMatchObject({ method: 'GET', path: `/pg/orders/${paymentId}` });
      expect(cashfree.order(paymentId)).toBeUndefined();
      expect(cashfree.ordersCreated()).toBe(created);

      expect(await walletBalance(t, payer)).toBe(FUNDS);
      expect(await clearingBalance(t, payer, 'cashfree')).toBe(0);
      expect(await receiptEventsOf(t, payer, paymentId)).toEqual(['payment.pending', 'payment.failed']);
      expect((await receiptsOf(t, payer)).at(-1)?.receipt_id).toBe(executed.body.receipt_id);
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey })).body.status).toBe('active');

      const again = await execute(t, payer, mandateId);
      expect(again.body).toMatchObject({ status: 'pending', mandate_id: mandateId });
      expect(cashfree.order(again.body.payment_id)?.paise).toBe(9_900);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });
  });

  describe('refunds', () => {
    beforeEach(() => {
      cashfree.refundsStartAs('SUCCESS');
    });

    it('refunds a settled payment in full: exact amount on the wire, wallet credited, refunded receipt, then 409 payment_fully_refunded', async () => {
      const payer = await cashfreePayer(t);
      const paid = await settledCashfreePayment(t, payer, 25_000);
      const wallet = await walletBalance(t, payer);

      const res = await refund(t, payer, paid.payment_id, { reason: 'service not delivered' });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ object: 'refund', payment_id: paid.payment_id, amount: 25_000, currency: 'INR', status: 'succeeded', reason: 'service not delivered', completed_at: expect.any(String) });
      const posts = refundPosts(paid.payment_id);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.body).toContain('"refund_amount":250.00');
      expect(JSON.parse(posts[0]!.body)).toMatchObject({ refund_id: res.body.refund_id, refund_note: 'service not delivered' });
      expect(posts[0]?.headers['x-idempotency-key']).toBe(res.body.refund_id);
      expect(res.body.rail_reference).toBe(String(cashfree.order(paid.payment_id)?.refunds.get(res.body.refund_id)?.cfRefundId));

      expect(await walletBalance(t, payer)).toBe(wallet + 25_000);
      expect(await payableBalance(t, payer)).toBe(0);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ status: 'settled', refunded_amount: 25_000 });
      expect(await receiptEventsOf(t, payer, paid.payment_id)).toEqual(['payment.pending', 'payment.settled', 'payment.refunded']);
      expect((await receiptsOf(t, payer)).at(-1)).toMatchObject({ refund_id: res.body.refund_id, refund_amount: 25_000 });
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);

      expectError(await refund(t, payer, paid.payment_id, { reason: 'again' }), 409, 'payment_fully_refunded');
      expect(refundPosts(paid.payment_id)).toHaveLength(1);
    });

    it('refunds in parts (100.50 on the wire), refuses more than remains with 409 refund_exceeds_payment and the remainder', async () => {
      const payer = await cashfreePayer(t);
      const paid = await settledCashfreePayment(t, payer, 25_000);
      const wallet = await walletBalance(t, payer);

      const part = await refund(t, payer, paid.payment_id, { amount: 10_050, reason: 'partial outage' });
      expect(part.body).toMatchObject({ amount: 10_050, status: 'succeeded' });
      expect(refundPosts(paid.payment_id)[0]?.body).toContain('"refund_amount":100.50');
      expect(await walletBalance(t, payer)).toBe(wallet + 10_050);

      const refundCalls = refundPosts(paid.payment_id).length;
      expectError(await refund(t, payer, paid.payment_id, { amount: 20_000, reason: 'too much' }), 409, 'refund_exceeds_payment', { remaining: 14_950 });
      expect(refundPosts(paid.payment_id)).toHaveLength(refundCalls);
      expect(await walletBalance(t, payer)).toBe(wallet + 10_050);

      const rest = await refund(t, payer, paid.payment_id, { reason: 'the rest' });
      expect(rest.body).toMatchObject({ amount: 14_950, status: 'succeeded' });
      expect(refundPosts(paid.payment_id)[1]?.body).toContain('"refund_amount":149.50');
      expect(await walletBalance(t, payer)).toBe(wallet + 25_000);
      expect((await listRefunds(t, payer, paid.payment_id)).map((r) => [r.amount, r.status])).toEqual([[10_050, 'succeeded'], [14_950, 'succeeded']]);
      expectError(await refund(t, payer, paid.payment_id, { amount: 1, reason: 'nothing left' }), 409, 'payment_fully_refunded');
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('refuses to refund a pending payment with 409 payment_not_refundable', async () => {
      const payer = await cashfreePayer(t);
      const executed = await execute(t, payer, await mandateFor(t, payer, 3_000));
      expect(executed.body.status).toBe('pending');
      expectError(await refund(t, payer, executed.body.payment_id, { reason: 'changed my mind' }), 409, 'payment_not_refundable');
      expect(refundPosts(executed.body.payment_id)).toEqual([]);
      expect(await listRefunds(t, payer, executed.body.payment_id)).toEqual([]);
    });

    it('keeps a refund Cashfree accepts as PENDING reserved until its REFUND_STATUS_WEBHOOK, then credits the wallet', async () => {
      cashfree.refundsStartAs('PENDING');
      const payer = await cashfreePayer(t);
      const paid = await settledCashfreePayment(t, payer, 20_000);
      const wallet = await walletBalance(t, payer);

      const res = await refund(t, payer, paid.payment_id, { amount: 8_000, reason: 'late delivery' });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ amount: 8_000, status: 'pending', transfer_id: null, completed_at: null });
      // Reserved, not yet money back.
      expect(await walletBalance(t, payer)).toBe(wallet);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ refunded_amount: 8_000 });
      expectError(await refund(t, payer, paid.payment_id, { amount: 12_001, reason: 'too much' }), 409, 'refund_exceeds_payment', { remaining: 12_000 });

      // Cashfree processes it and says so.
      cashfree.order(paid.payment_id)!.refunds.get(res.body.refund_id)!.status = 'SUCCESS';
      const data = refundWebhookData(paid.payment_id, res.body.refund_id);
      const done = await sendCashfree(t, 'REFUND_STATUS_WEBHOOK', data);
      expect(done.body).toEqual({ received: true, outcome: 'applied' });
      expect((await listRefunds(t, payer, paid.payment_id))[0]).toMatchObject({ id: res.body.refund_id, amount: 8_000, status: 'succeeded', transfer_id: expect.any(String), completed_at: expect.any(String) });
      expect(await walletBalance(t, payer)).toBe(wallet + 8_000);
      expect(await receiptEventsOf(t, payer, paid.payment_id)).toEqual(['payment.pending', 'payment.settled', 'payment.refunded']);

      const before = await paymentSnapshot(t, payer, paid.payment_id);
      expect((await sendCashfree(t, 'REFUND_STATUS_WEBHOOK', data)).body).toEqual({ received: true, outcome: 'duplicate' });
      expect(await paymentSnapshot(t, payer, paid.payment_id)).toEqual(before);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('releases the reservation of a PENDING refund that Cashfree then cancels', async () => {
      cashfree.refundsStartAs('PENDING');
      const payer = await cashfreePayer(t);
      const paid = await settledCashfreePayment(t, payer, 20_000);
      const wallet = await walletBalance(t, payer);

      const res = await refund(t, payer, paid.payment_id, { reason: 'duplicate' });
      expect(res.body).toMatchObject({ amount: 20_000, status: 'pending' });
      cashfree.order(paid.payment_id)!.refunds.get(res.body.refund_id)!.status = 'CANCELLED';
      const cancelled = await sendCashfree(t, 'REFUND_STATUS_WEBHOOK', refundWebhookData(paid.payment_id, res.body.refund_id));
      expect(cancelled.body).toEqual({ received: true, outcome: 'applied' });
      expect((await listRefunds(t, payer, paid.payment_id))[0]).toMatchObject({ status: 'failed', failure_code: 'refund_cancelled', transfer_id: null });
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ refunded_amount: 0 });
      expect(await walletBalance(t, payer)).toBe(wallet);
      await expectLedgerInvariants(t);
    });
  });

  describe('idempotency', () => {
    it('replays the identical response for a retried execute with the same Idempotency-Key and creates one order', async () => {
      const payer = await cashfreePayer(t);
      const mandateId = await mandateFor(t, payer, 4_400);
      const created = cashfree.ordersCreated();
      const first = await execute(t, payer, mandateId, 'cashfree-exec-key-1');
      const again = await execute(t, payer, mandateId, 'cashfree-exec-key-1');
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(orderPosts(first.body.payment_id)).toHaveLength(1);
      expect(cashfree.ordersCreated() - created).toBe(1);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 4_400);
      expect((await t.request('GET', `/payments?agent_account_id=${payer.agent.agentId}`, { token: payer.org.orgKey })).body.data).toHaveLength(1);
    });
  });
});

/** A second app, with its own database (reconciliation looks at every pending payment), clock and webhook budget. */
describe('Cashfree rail: webhook rate limit and reconciliation', () => {
  const clock = testClock();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: cashfreeEnv({ RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE: '5' }), clock });
  });
  afterAll(async () => app?.close());

  it('answers the sixth webhook from one IP within a minute with 429 rate_limited; other IPs are unaffected', async () => {
    const ip = randomIp();
    const settlement = (n: number) => ({ settlement: { cf_settlement_id: n } });
    for (let i = 0; i < 5; i++) {
      expect((await sendCashfree(app, 'SETTLEMENT_SUCCESS_WEBHOOK', settlement(i), { ip })).body).toEqual({ received: true, outcome: 'ignored' });
    }
    const sixth = await sendCashfree(app, 'SETTLEMENT_SUCCESS_WEBHOOK', settlement(6), { ip });
    expectError(sixth, 429, 'rate_limited');
    expect(sixth.headers['retry-after']).toBeDefined();
    expect((await sendCashfree(app, 'SETTLEMENT_SUCCESS_WEBHOOK', settlement(7), { ip: randomIp() })).body).toEqual({ received: true, outcome: 'ignored' });
  });

  it('settles a pending payment whose order is PAID, fails one whose order EXPIRED (funds released) and leaves an ACTIVE one pending', async () => {
    const payer = await cashfreePayer(app);
    const paid = await execute(app, payer, await mandateFor(app, payer, 11_000));
    const expiredMandate = await mandateFor(app, payer, 22_000);
    const expired = await execute(app, payer, expiredMandate);
    const active = await execute(app, payer, await mandateFor(app, payer, 33_000));
    expect([paid.body.status, expired.body.status, active.body.status]).toEqual(['pending', 'pending', 'pending']);
    expect(await walletBalance(app, payer)).toBe(FUNDS - 66_000);

    cashfree.markPaid(paid.body.payment_id);
    cashfree.markExpired(expired.body.payment_id);
    // Too young: left to its execute call.
    expect(await reconcilePendingPayments(app.appCtx)).toEqual({ examined: 0, settled: 0, failed: 0, stillPending: 0, flagged: 0 });

    clock.advance(2 * 60_000);
    expect(await reconcilePendingPayments(app.appCtx)).toEqual({ examined: 3, settled: 1, failed: 1, stillPending: 1, flagged: 0 });

    expect(await getPayment(app, payer, paid.body.payment_id)).toMatchObject({ status: 'settled', settled_at: expect.any(String) });
    expect(await getPayment(app, payer, expired.body.payment_id)).toMatchObject({ status: 'failed', failure_code: 'order_expired', failure_message: expect.stringContaining('expired') });
    expect(await getPayment(app, payer, active.body.payment_id)).toMatchObject({ status: 'pending' });
    expect(await walletBalance(app, payer)).toBe(FUNDS - 11_000 - 33_000);
    expect(await clearingBalance(app, payer, 'cashfree')).toBe(33_000);
    expect(await payableBalance(app, payer)).toBe(11_000);
    expect(await receiptEventsOf(app, payer, paid.body.payment_id)).toEqual(['payment.pending', 'payment.settled']);
    expect(await receiptEventsOf(app, payer, expired.body.payment_id)).toEqual(['payment.pending', 'payment.failed']);
    expect((await app.request('GET', `/mandates/${expiredMandate}`, { token: payer.org.orgKey })).body.status).toBe('active');

    // The success webhook arriving after reconciliation settled the payment changes nothing.
    const late = await sendCashfree(app, 'PAYMENT_SUCCESS_WEBHOOK', cashfree.paymentWebhookData(paid.body.payment_id, 'SUCCESS'), { ip: randomIp() });
    expect(late.body).toEqual({ received: true, outcome: 'already' });
    // A second pass only looks at what is still pending.
    expect(await reconcilePendingPayments(app.appCtx)).toEqual({ examined: 1, settled: 0, failed: 0, stillPending: 1, flagged: 0 });
    await expectChainValid(app, payer);
    await expectLedgerInvariants(app);
  });
});
