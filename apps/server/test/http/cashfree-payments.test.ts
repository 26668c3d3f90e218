/**
 * Payments over the Cashfree rail (INR), end to end through the HTTP API against the local fake
 * Cashfree: what only Cashfree does — customer details, INR only, order retries and faults, refunds that
 * start PENDING and finish by REFUND_STATUS_WEBHOOK, and reconciliation by order status. The scenarios
 * every external rail shares (execute → pending → webhook → settled, webhook security, failures,
 * refunds, idempotency, rate limit) are in rail-conformance.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reconcilePendingPayments } from '../../src/modules/payments/reconciliation.service.ts';
import { expectError } from '../support/assertions.ts';
import type { FakeCashfree } from '../support/fake-cashfree.ts';
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
  railPayer,
  receiptEventsOf,
  receiptsOf,
  refund,
  walletBalance,
  type RailPayer,
} from '../support/rail-test-kit.ts';
import { startTestApp, testClock, type TestApp } from '../support/test-app.ts';
import { CASHFREE_CUSTOMER as CUSTOMER, cashfreeDriver } from './rail-drivers.ts';

const driver = cashfreeDriver();
const FUNDS = driver.funds; // ₹100,000.00 in paise

let cashfree: FakeCashfree;
/** The app most tests share; reconciliation gets one of its own. */
let t: TestApp;

const cashfreeEnv = driver.env;
const orderPosts = driver.orderPosts;
const refundWebhookData = driver.refundWebhookData;
const sendCashfree = driver.sendData;

async function cashfreePayer(app: TestApp): Promise<RailPayer> {
  return railPayer(app, { rail: 'cashfree', currency: 'INR', balance: FUNDS, account: CUSTOMER });
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
  await driver.start();
  cashfree = driver.fake;
  t = await startTestApp({ env: cashfreeEnv() });
});

afterAll(async () => {
  await t?.close();
  await driver.stop();
});

afterEach(() => {
  // Controls left armed by a failing test must not leak into the next one.
  driver.reset();
});

describe('Cashfree rail: configuration and rail accounts', () => {
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

});

/** A second app, with its own database (reconciliation looks at every pending payment) and clock. */
describe('Cashfree rail: reconciliation', () => {
  const clock = testClock();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: cashfreeEnv(), clock });
  });
  afterAll(async () => app?.close());

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
