/**
 * Payments over the Stripe rail, end to end through the HTTP API against the local fake Stripe:
 * execute → pending → signed webhook → settled / failed, refunds, inbound webhook security, faults
 * (timeouts, 5xx) and reconciliation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reconcilePendingPayments } from '../../src/modules/reconciliation/reconciliation.service.ts';
import { expectError } from '../support/assertions.ts';
import { FAKE_STRIPE_SECRET_KEY, signedWebhook, startFakeStripe, stripeEvent, type FakePaymentIntent, type FakeStripe, type StripeEventJson } from '../support/fake-stripe.ts';
import { signupOrg } from '../support/fixtures.ts';
import {
  randomIp,
  clearingBalance,
  execute,
  expectChainValid,
  expectLedgerInvariants,
  getPayment,
  listRefunds,
  mandateFor,
  nowSeconds,
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


const WEBHOOK_SECRET = 'whsec_test_frameosE2EStripeSecret';
const CUSTOMER = 'cus_frameosE2E';
const FUNDS = 1_000_000;

let stripe: FakeStripe;
/** The app most tests share; reconciliation and the rate limit get one of their own. */
let t: TestApp;

function stripeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE_URL: stripe.url,
    RAIL_TIMEOUT_MS: '1000',
    RAIL_MAX_ATTEMPTS: '3',
    RAIL_RETRY_BASE_MS: '5',
    ...extra,
  };
}

async function stripePayer(t: TestApp, paymentMethod = 'pm_card_visa'): Promise<RailPayer> {
  return railPayer(t, { rail: 'stripe', currency: 'USD', balance: FUNDS, account: { customer: CUSTOMER, payment_method: paymentMethod } });
}

/** Sends a Stripe event signed as Stripe would (timestamp = the app's clock unless given). */
async function sendStripe(t: TestApp, event: object, options: { secret?: string; timestamp?: number; ip?: string } = {}) {
  return postWebhook(t, 'stripe', signedWebhook(event, options.secret ?? WEBHOOK_SECRET, options.timestamp ?? nowSeconds(t)), options.ip);
}

/** The PaymentIntents the fake holds for one of our payments (by the metadata the rail sets). */
function intentsOf(paymentId: string): FakePaymentIntent[] {
  return [...stripe.paymentIntents.values()].filter((pi) => pi.metadata.payment_id === paymentId);
}

function paymentIntentPosts(paymentId: string) {
  return stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.idempotencyKey === paymentId);
}

/** A payment_intent.payment_failed event as Stripe sends it after a bank debit bounces. */
function paymentFailedEvent(intent: FakePaymentIntent): StripeEventJson {
  return stripeEvent('payment_intent.payment_failed', {
    ...structuredClone(intent),
    status: 'requires_payment_method',
    last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  });
}

/** Calls the fake directly, as something other than FrameOS would (the Stripe dashboard, a lost request). */
async function callStripe(path: string, params: Record<string, string>, idempotencyKey?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${stripe.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${FAKE_STRIPE_SECRET_KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`fake Stripe answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A Stripe payment executed and settled by its webhook. */
async function settledStripePayment(t: TestApp, payer: RailPayer, amount: number) {
  const executed = await execute(t, payer, await mandateFor(t, payer, amount));
  expect(executed.status, executed.text).toBe(200);
  const delivered = await sendStripe(t, stripe.eventFor('payment_intent.succeeded', executed.body.rail_reference));
  expect(delivered.body).toEqual({ received: true, outcome: 'applied' });
  return executed.body as { payment_id: string; rail_reference: string; amount: number };
}

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await startTestApp({ env: stripeEnv() });
});

afterAll(async () => {
  await t?.close();
  await stripe?.stop();
});

afterEach(() => {
  // A control left armed by a failing test must not leak into the next one.
  stripe.delayNext(0);
});

describe('Stripe rail: configuration and rail accounts', () => {
  it('refuses a Stripe vendor, rail account and webhook on a server without the Stripe settings', async () => {
    const bare = await startTestApp();
    try {
      const org = await signupOrg(bare);
      expectError(await bare.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'stripe_vendor', name: 'S', rail: 'stripe' } }), 400, 'rail_not_configured');
      expectError(await bare.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: CUSTOMER, payment_method: 'pm_card_visa' } }), 400, 'rail_not_configured');
      const event = stripeEvent('payment_intent.succeeded', { id: 'pi_x', metadata: {} });
      expectError(await postWebhook(bare, 'stripe', signedWebhook(event, WEBHOOK_SECRET, nowSeconds(bare))), 400, 'rail_not_configured');
    } finally {
      await bare.close();
    }
  });

  describe('on a configured server', () => {
    it('creates a Stripe vendor', async () => {
      const org = await signupOrg(t);
      const res = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'openai_api', name: 'OpenAI', rail: 'stripe' } });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ vendor_id: 'openai_api', rail: 'stripe' });
    });

    it('validates the Stripe rail account', async () => {
      const org = await signupOrg(t);
      const bad = await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: 'not-a-customer', payment_method: 'pm_card_visa' } });
      expectError(bad, 400, 'validation_error', { field: 'body.customer' });
      const good = await t.request('PUT', '/rail-accounts/stripe', { token: org.orgKey, body: { customer: CUSTOMER, payment_method: 'pm_card_visa' } });
      expect(good.status, good.text).toBe(200);
      expect(good.body).toMatchObject({ object: 'rail_account', rail: 'stripe', settings: { customer: CUSTOMER, payment_method: 'pm_card_visa' } });
    });

    it('refuses to execute without the org’s Stripe account, holding nothing, and the mandate stays usable', async () => {
      const payer = await railPayer(t, { rail: 'stripe', currency: 'USD', balance: FUNDS, account: null });
      const mandateId = await mandateFor(t, payer, 2_500);
      const requestsBefore = stripe.requests.length;

      expectError(await execute(t, payer, mandateId), 400, 'rail_account_missing');
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      expect(await clearingBalance(t, payer, 'stripe')).toBe(0);
      expect(stripe.requests.length).toBe(requestsBefore);
      expect(await receiptsOf(t, payer)).toEqual([]);
      const payments = await t.request('GET', `/payments?agent_account_id=${payer.agent.agentId}`, { token: payer.org.orgKey });
      expect(payments.body.data).toEqual([]);
      const mandate = await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey });
      expect(mandate.body.status).toBe('active');

      const saved = await t.request('PUT', '/rail-accounts/stripe', { token: payer.org.orgKey, body: { customer: CUSTOMER, payment_method: 'pm_card_visa' } });
      expect(saved.status).toBe(200);
      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      expect(executed.body).toMatchObject({ status: 'pending', mandate_id: mandateId });
      expect(await walletBalance(t, payer)).toBe(FUNDS - 2_500);
      await expectLedgerInvariants(t);
    });
  });
});

describe('Stripe rail: payments, webhooks and refunds', () => {
  describe('execute → pending → webhook → settled', () => {
    let payer: RailPayer;
    let paymentId: string;
    let intentId: string;
    let succeeded: StripeEventJson;

    beforeAll(async () => {
      payer = await stripePayer(t);
    });

    it('answers pending with the PaymentIntent as rail_reference, holds the funds and charges Stripe once', async () => {
      const mandateId = await mandateFor(t, payer, 2_500);
      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      expect(executed.body).toMatchObject({
        status: 'pending',
        rail: 'stripe',
        vendor: payer.vendor,
        amount: 2_500,
        currency: 'USD',
        rail_reference: expect.stringMatching(/^pi_/),
        failure_code: null,
        settled_at: null,
        receipt_id: expect.stringMatching(/^rcp_/),
      });
      paymentId = executed.body.payment_id;
      intentId = executed.body.rail_reference;

      // Exactly one PaymentIntent, keyed by our payment id, for exactly the amount.
      const posts = paymentIntentPosts(paymentId);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.params).toMatchObject({
        amount: '2500',
        currency: 'usd',
        customer: CUSTOMER,
        payment_method: 'pm_card_visa',
        confirm: 'true',
        off_session: 'true',
        metadata: { payment_id: paymentId, org_id: payer.org.orgId, vendor: payer.vendor },
      });
      expect(intentsOf(paymentId).map((pi) => ({ id: pi.id, amount: pi.amount, status: pi.status }))).toEqual([{ id: intentId, amount: 2_500, status: 'succeeded' }]);

      // Held: out of the wallet, into Stripe's clearing account, not yet the vendor's.
      expect(await walletBalance(t, payer)).toBe(FUNDS - 2_500);
      expect(await clearingBalance(t, payer, 'stripe')).toBe(2_500);
      expect(await payableBalance(t, payer)).toBe(0);
      expect(await transferKinds(t, paymentId)).toEqual(['payment_hold']);

      const receipts = await receiptsOf(t, payer);
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ receipt_id: executed.body.receipt_id, event: 'payment.pending', payment_id: paymentId, payment_status: 'pending', amount: 2_500, rail: 'stripe' });
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('rejects forged, stale, tampered and unsigned webhooks with 400 and changes nothing', async () => {
      succeeded = stripe.eventFor('payment_intent.succeeded', intentId);
      const before = await paymentSnapshot(t, payer, paymentId);

      expectError(await sendStripe(t, succeeded, { secret: 'whsec_someoneElse' }), 400, 'webhook_signature_invalid');
      expectError(await sendStripe(t, succeeded, { timestamp: nowSeconds(t) - 6 * 60 }), 400, 'webhook_signature_invalid');
      expectError(await sendStripe(t, succeeded, { timestamp: nowSeconds(t) + 10 * 60 }), 400, 'webhook_signature_invalid');
      const unsigned = signedWebhook(succeeded, WEBHOOK_SECRET, nowSeconds(t));
      delete unsigned.headers['stripe-signature'];
      expectError(await postWebhook(t, 'stripe', unsigned), 400, 'webhook_signature_invalid');
      const tampered = signedWebhook(succeeded, WEBHOOK_SECRET, nowSeconds(t));
      const changed = { body: tampered.body.toString('utf8').replace('"amount": 2500', '"amount": 1'), headers: tampered.headers };
      expect(changed.body).not.toBe(tampered.body.toString('utf8'));
      expectError(await postWebhook(t, 'stripe', changed), 400, 'webhook_signature_invalid');

      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
      expect(before.payment.status).toBe('pending');
      expect(await railEventsOf(t, paymentId)).toEqual([]);
    });

    it('settles on the signed payment_intent.succeeded: clearing → vendor payable, settled receipt, chain valid', async () => {
      // The same event id the forgeries carried: rejecting them claimed nothing.
      const res = await sendStripe(t, succeeded);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'applied' });

      const payment = await getPayment(t, payer, paymentId);
      expect(payment).toMatchObject({ status: 'settled', rail_reference: intentId, settled_at: expect.any(String), needs_attention: null, failure_code: null });
      expect(await walletBalance(t, payer)).toBe(FUNDS - 2_500);
      expect(await clearingBalance(t, payer, 'stripe')).toBe(0);
      expect(await payableBalance(t, payer)).toBe(2_500);
      expect(await transferKinds(t, paymentId)).toEqual(['payment', 'payment_hold']);
      expect(await receiptEventsOf(t, payer, paymentId)).toEqual(['payment.pending', 'payment.settled']);
      const settledReceipt = (await receiptsOf(t, payer)).at(-1);
      expect(settledReceipt).toMatchObject({ event: 'payment.settled', payment_status: 'settled', rail_reference: intentId, amount: 2_500 });
      expect(await railEventsOf(t, paymentId)).toEqual([{ event_id: succeeded.id, type: 'payment_intent.succeeded', outcome: 'applied' }]);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('answers a redelivery of the same event as duplicate and changes nothing', async () => {
      const before = await paymentSnapshot(t, payer, paymentId);
      const again = await sendStripe(t, succeeded);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ received: true, outcome: 'duplicate' });
      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
    });

    it('acknowledges an event type it does not handle as ignored', async () => {
      const before = await paymentSnapshot(t, payer, paymentId);
      const res = await sendStripe(t, stripe.eventFor('payment_intent.created', intentId));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'ignored' });
      const customer = await sendStripe(t, stripeEvent('customer.updated', { id: CUSTOMER, object: 'customer' }));
      expect(customer.body).toEqual({ received: true, outcome: 'ignored' });
      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
    });

    it('acknowledges an event for a PaymentIntent FrameOS did not create as unmatched', async () => {
      const before = await paymentSnapshot(t, payer, paymentId);
      const stranger = stripeEvent('payment_intent.succeeded', { id: 'pi_notOurs123', object: 'payment_intent', amount: 2_500, currency: 'usd', status: 'succeeded', metadata: {} });
      const res = await sendStripe(t, stranger);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'unmatched' });
      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
    });

    it('records a failure that arrives after the success without applying it', async () => {
      const before = await paymentSnapshot(t, payer, paymentId);
      const late = paymentFailedEvent(stripe.paymentIntents.get(intentId)!);
      const res = await sendStripe(t, late);
      expect(res.body).toEqual({ received: true, outcome: 'recorded' });
      const after = await paymentSnapshot(t, payer, paymentId);
      expect(after).toEqual(before);
      expect(after.payment).toMatchObject({ status: 'settled', needs_attention: null });
      expect((await railEventsOf(t, paymentId)).find((e) => e.event_id === late.id)).toMatchObject({ outcome: 'recorded' });
      await expectLedgerInvariants(t);
    });
  });

  describe('failures', () => {
    it('fails a pending payment on payment_intent.payment_failed: funds back, and the mandate pays again as a new payment', async () => {
      const payer = await stripePayer(t, 'pm_fake_processing');
      const mandateId = await mandateFor(t, payer, 4_200);
      const first = await execute(t, payer, mandateId);
      expect(first.body).toMatchObject({ status: 'pending', rail_reference: expect.stringMatching(/^pi_/) });
      expect(stripe.paymentIntents.get(first.body.rail_reference)?.status).toBe('processing');
      expect(await walletBalance(t, payer)).toBe(FUNDS - 4_200);

      const failed = await sendStripe(t, paymentFailedEvent(stripe.paymentIntents.get(first.body.rail_reference)!));
      expect(failed.body).toEqual({ received: true, outcome: 'applied' });
      const payment = await getPayment(t, payer, first.body.payment_id);
      expect(payment).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds', failure_message: 'Your card has insufficient funds.', settled_at: null });
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      expect(await clearingBalance(t, payer, 'stripe')).toBe(0);
      expect(await transferKinds(t, first.body.payment_id)).toEqual(['payment_hold', 'payment_release']);
      expect(await receiptEventsOf(t, payer, first.body.payment_id)).toEqual(['payment.pending', 'payment.failed']);
      const mandate = await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey });
      expect(mandate.body.status).toBe('active');

      const second = await execute(t, payer, mandateId);
      expect(second.status, second.text).toBe(200);
      expect(second.body).toMatchObject({ status: 'pending', mandate_id: mandateId });
      expect(second.body.payment_id).not.toBe(first.body.payment_id);
      expect(second.body.rail_reference).not.toBe(first.body.rail_reference);
      expect(paymentIntentPosts(second.body.payment_id)).toHaveLength(1);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 4_200);
      expect(await clearingBalance(t, payer, 'stripe')).toBe(4_200);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('records a success that arrives after the failure, keeps the payment failed and flags it for a human', async () => {
      const payer = await stripePayer(t, 'pm_fake_processing');
      const executed = await execute(t, payer, await mandateFor(t, payer, 3_100));
      const intentId = executed.body.rail_reference as string;
      expect((await sendStripe(t, paymentFailedEvent(stripe.paymentIntents.get(intentId)!))).body.outcome).toBe('applied');
      const afterFailure = await paymentSnapshot(t, payer, executed.body.payment_id);
      expect(afterFailure.payment).toMatchObject({ status: 'failed', needs_attention: null });

      stripe.setIntentStatus(intentId, 'succeeded');
      const late = await sendStripe(t, stripe.eventFor('payment_intent.succeeded', intentId));
      expect(late.body).toEqual({ received: true, outcome: 'recorded' });

      const after = await paymentSnapshot(t, payer, executed.body.payment_id);
      expect(after.payment).toMatchObject({ status: 'failed', settled_at: null, needs_attention: expect.stringContaining('success after the payment was marked failed') });
      // Nothing else moved: the ledger does not pretend the money left.
      expect({ ...after, payment: { ...after.payment, needs_attention: null } }).toEqual(afterFailure);
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('fails at once on a card decline: nothing charged, funds back, failed receipt, mandate usable', async () => {
      const payer = await stripePayer(t, 'pm_card_chargeDeclined');
      const mandateId = await mandateFor(t, payer, 990);
      const charged = stripe.counts().succeededCharges;
      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      expect(executed.body).toMatchObject({ status: 'failed', failure_code: 'generic_decline', failure_message: 'Your card was declined.', rail_reference: expect.stringMatching(/^pi_/) });
      expect(stripe.counts().succeededCharges).toBe(charged);
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      expect(await clearingBalance(t, payer, 'stripe')).toBe(0);
      expect(await receiptEventsOf(t, payer, executed.body.payment_id)).toEqual(['payment.pending', 'payment.failed']);
      expect((await receiptsOf(t, payer)).at(-1)?.receipt_id).toBe(executed.body.receipt_id);
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey })).body.status).toBe('active');
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });
  });

  describe('faults at the rail', () => {
    it('retries a charge that timed out with the same idempotency key: one PaymentIntent, one charge', async () => {
      const payer = await stripePayer(t);
      const mandateId = await mandateFor(t, payer, 1_750);
      const before = stripe.counts();
      stripe.delayNext(60_000); // longer than RAIL_TIMEOUT_MS: Stripe did the work, the answer never came back

      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      expect(executed.body).toMatchObject({ status: 'pending', rail_reference: expect.stringMatching(/^pi_/) });

      const posts = paymentIntentPosts(executed.body.payment_id);
      expect(posts).toHaveLength(2);
      expect(posts[1]?.replayed).toBe(true);
      expect(intentsOf(executed.body.payment_id).map((pi) => pi.id)).toEqual([executed.body.rail_reference]);
      expect(stripe.counts().paymentIntents - before.paymentIntents).toBe(1);
      expect(stripe.counts().succeededCharges - before.succeededCharges).toBe(1);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 1_750);
      await expectLedgerInvariants(t);
    });

    it('keeps the payment pending when Stripe answers 500 to every attempt (its search cannot prove absence)', async () => {
      const payer = await stripePayer(t);
      const mandateId = await mandateFor(t, payer, 1_300);
      const before = stripe.counts();
      stripe.failNext(3, 500);

      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      expect(executed.body).toMatchObject({ status: 'pending', rail_reference: null, failure_code: null });
      expect(paymentIntentPosts(executed.body.payment_id).map((r) => r.status)).toEqual([500, 500, 500]);
      expect(stripe.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/payment_intents/search', status: 200 });
      expect(stripe.counts()).toEqual(before);
      // Still held: funds may have left, so they are not handed back yet.
      expect(await walletBalance(t, payer)).toBe(FUNDS - 1_300);
      expect(await clearingBalance(t, payer, 'stripe')).toBe(1_300);
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey })).body.status).toBe('used');
      await expectLedgerInvariants(t);
    });
  });

  describe('refunds', () => {
    it('refunds a settled payment in full: wallet credited by exactly the amount, refunded receipt, then 409 payment_fully_refunded', async () => {
      const payer = await stripePayer(t);
      const paid = await settledStripePayment(t, payer, 6_000);
      const wallet = await walletBalance(t, payer);

      const res = await refund(t, payer, paid.payment_id, { reason: 'duplicate order' });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ object: 'refund', payment_id: paid.payment_id, amount: 6_000, currency: 'USD', status: 'succeeded', reason: 'duplicate order', rail_reference: expect.stringMatching(/^re_/), completed_at: expect.any(String) });
      const atStripe = stripe.refunds.filter((r) => r.payment_intent === paid.rail_reference);
      expect(atStripe.map((r) => ({ id: r.id, amount: r.amount, refund_id: r.metadata.refund_id }))).toEqual([{ id: res.body.rail_reference, amount: 6_000, refund_id: res.body.refund_id }]);
      expect(stripe.requests.find((r) => r.path === '/v1/refunds' && r.idempotencyKey === res.body.refund_id)).toBeDefined();

      expect(await walletBalance(t, payer)).toBe(wallet + 6_000);
      expect(await payableBalance(t, payer)).toBe(0);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ status: 'settled', refunded_amount: 6_000 });
      expect(await receiptEventsOf(t, payer, paid.payment_id)).toEqual(['payment.pending', 'payment.settled', 'payment.refunded']);
      expect((await receiptsOf(t, payer)).at(-1)).toMatchObject({ refund_id: res.body.refund_id, refund_amount: 6_000 });
      expect(await transferKinds(t, res.body.refund_id)).toEqual(['refund']);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);

      expectError(await refund(t, payer, paid.payment_id, { reason: 'again' }), 409, 'payment_fully_refunded');
      expectError(await refund(t, payer, paid.payment_id, { amount: 1, reason: 'again' }), 409, 'payment_fully_refunded');
      expect(await walletBalance(t, payer)).toBe(wallet + 6_000);
    });

    it('refunds in parts, refuses more than remains with 409 refund_exceeds_payment and the remainder', async () => {
      const payer = await stripePayer(t);
      const paid = await settledStripePayment(t, payer, 2_500);
      const wallet = await walletBalance(t, payer);

      const part = await refund(t, payer, paid.payment_id, { amount: 1_000, reason: 'one item missing' });
      expect(part.status, part.text).toBe(201);
      expect(part.body).toMatchObject({ amount: 1_000, status: 'succeeded' });
      expect(await walletBalance(t, payer)).toBe(wallet + 1_000);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ refunded_amount: 1_000 });

      const tooMuch = await refund(t, payer, paid.payment_id, { amount: 2_000, reason: 'too much' });
      expectError(tooMuch, 409, 'refund_exceeds_payment', { remaining: 1_500 });
      expect(await walletBalance(t, payer)).toBe(wallet + 1_000);

      const rest = await refund(t, payer, paid.payment_id, { reason: 'the rest' });
      expect(rest.body).toMatchObject({ amount: 1_500, status: 'succeeded' });
      expect(await walletBalance(t, payer)).toBe(wallet + 2_500);
      expect(stripe.refunds.filter((r) => r.payment_intent === paid.rail_reference).map((r) => r.amount)).toEqual([1_000, 1_500]);
      expect((await listRefunds(t, payer, paid.payment_id)).map((r) => [r.amount, r.status])).toEqual([[1_000, 'succeeded'], [1_500, 'succeeded']]);
      expectError(await refund(t, payer, paid.payment_id, { amount: 1, reason: 'nothing left' }), 409, 'payment_fully_refunded');
      expect(await receiptEventsOf(t, payer, paid.payment_id)).toEqual(['payment.pending', 'payment.settled', 'payment.refunded', 'payment.refunded']);

      // Stripe's own charge.refunded for refunds we made is already accounted for.
      const echoed = await sendStripe(t, stripe.eventFor('charge.refunded', paid.rail_reference));
      expect(echoed.body).toEqual({ received: true, outcome: 'already' });
      expect(await listRefunds(t, payer, paid.payment_id)).toHaveLength(2);
      expect(await walletBalance(t, payer)).toBe(wallet + 2_500);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('replays a retried refund with the same Idempotency-Key: one refund at Stripe, the wallet credited once', async () => {
      const payer = await stripePayer(t);
      const paid = await settledStripePayment(t, payer, 3_000);
      const wallet = await walletBalance(t, payer);
      const body = { amount: 1_000, reason: 'retried by the client' };
      const first = await t.request('POST', `/payments/${paid.payment_id}/refunds`, { token: payer.org.orgKey, body, idempotencyKey: 'stripe-refund-key-1' });
      const again = await t.request('POST', `/payments/${paid.payment_id}/refunds`, { token: payer.org.orgKey, body, idempotencyKey: 'stripe-refund-key-1' });
      expect(first.status, first.text).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(stripe.refunds.filter((r) => r.payment_intent === paid.rail_reference)).toHaveLength(1);
      expect(await listRefunds(t, payer, paid.payment_id)).toHaveLength(1);
      expect(await walletBalance(t, payer)).toBe(wallet + 1_000);
      await expectLedgerInvariants(t);
    });

    it('refuses to refund a pending payment with 409 payment_not_refundable', async () => {
      const payer = await stripePayer(t);
      const executed = await execute(t, payer, await mandateFor(t, payer, 800));
      expect(executed.body.status).toBe('pending');
      const refundsAtStripe = stripe.refunds.length;
      expectError(await refund(t, payer, executed.body.payment_id, { reason: 'changed my mind' }), 409, 'payment_not_refundable');
      expect(stripe.refunds.length).toBe(refundsAtStripe);
      expect(await listRefunds(t, payer, executed.body.payment_id)).toEqual([]);
    });

    it('records, without applying, a refund Stripe reports for a payment we have not settled', async () => {
      const payer = await stripePayer(t);
      const executed = await execute(t, payer, await mandateFor(t, payer, 900));
      expect(executed.body.status).toBe('pending');
      await callStripe('/v1/refunds', { payment_intent: executed.body.rail_reference, amount: '300' });
      const before = await paymentSnapshot(t, payer, executed.body.payment_id);
      const wallet = await walletBalance(t, payer);
      const res = await sendStripe(t, stripe.eventFor('charge.refunded', executed.body.rail_reference));
      expect(res.body).toEqual({ received: true, outcome: 'recorded' });
      expect(await paymentSnapshot(t, payer, executed.body.payment_id)).toEqual(before);
      expect(await walletBalance(t, payer)).toBe(wallet);
      expect(await listRefunds(t, payer, executed.body.payment_id)).toEqual([]);
      await expectLedgerInvariants(t);
    });

    it('records a refund made at Stripe (charge.refunded) and reverses the ledger for it', async () => {
      const payer = await stripePayer(t);
      const paid = await settledStripePayment(t, payer, 5_000);
      const wallet = await walletBalance(t, payer);

      // Someone refunds 700 from the Stripe dashboard.
      await callStripe('/v1/refunds', { payment_intent: paid.rail_reference, amount: '700' });
      const event = stripe.eventFor('charge.refunded', paid.rail_reference);
      expect(event.data.object.amount_refunded).toBe(700);
      const res = await sendStripe(t, event);
      expect(res.body).toEqual({ received: true, outcome: 'applied' });

      const refunds = await listRefunds(t, payer, paid.payment_id);
      expect(refunds).toEqual([expect.objectContaining({ amount: 700, currency: 'USD', status: 'succeeded', reason: 'Refunded at the rail', transfer_id: expect.any(String) })]);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ status: 'settled', refunded_amount: 700 });
      expect(await walletBalance(t, payer)).toBe(wallet + 700);
      expect(await payableBalance(t, payer)).toBe(5_000 - 700);
      expect((await receiptsOf(t, payer)).at(-1)).toMatchObject({ event: 'payment.refunded', refund_amount: 700, payment_id: paid.payment_id });

      const before = await paymentSnapshot(t, payer, paid.payment_id);
      expect((await sendStripe(t, event)).body).toEqual({ received: true, outcome: 'duplicate' });
      expect(await paymentSnapshot(t, payer, paid.payment_id)).toEqual(before);

      // What is left can still be refunded through FrameOS, and no more.
      expectError(await refund(t, payer, paid.payment_id, { amount: 4_301, reason: 'too much' }), 409, 'refund_exceeds_payment', { remaining: 4_300 });
      const rest = await refund(t, payer, paid.payment_id, { reason: 'the rest' });
      expect(rest.body).toMatchObject({ amount: 4_300, status: 'succeeded' });
      expect(await walletBalance(t, payer)).toBe(wallet + 5_000);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });
  });

  describe('idempotency', () => {
    it('replays the identical response for a retried execute with the same Idempotency-Key and charges once', async () => {
      const payer = await stripePayer(t);
      const mandateId = await mandateFor(t, payer, 1_200);
      const before = stripe.counts();
      const first = await execute(t, payer, mandateId, 'stripe-exec-key-1');
      const again = await execute(t, payer, mandateId, 'stripe-exec-key-1');
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(paymentIntentPosts(first.body.payment_id)).toHaveLength(1);
      expect(stripe.counts().paymentIntents - before.paymentIntents).toBe(1);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 1_200);
      const payments = await t.request('GET', `/payments?agent_account_id=${payer.agent.agentId}`, { token: payer.org.orgKey });
      expect(payments.body.data).toHaveLength(1);
    });
  });
});

/** A second app, with its own database (reconciliation looks at every pending payment), clock and webhook budget. */
describe('Stripe rail: webhook rate limit and reconciliation', () => {
  const clock = testClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: stripeEnv({ RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE: '5' }), clock });
  });
  afterAll(async () => t?.close());

  it('answers the sixth webhook from one IP within a minute with 429 rate_limited; other IPs are unaffected', async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i++) {
      const res = await sendStripe(t, stripeEvent('customer.updated', { id: CUSTOMER }), { ip });
      expect(res.body).toEqual({ received: true, outcome: 'ignored' });
    }
    const sixth = await sendStripe(t, stripeEvent('customer.updated', { id: CUSTOMER }), { ip });
    expectError(sixth, 429, 'rate_limited');
    expect(sixth.headers['retry-after']).toBeDefined();
    const other = await sendStripe(t, stripeEvent('customer.updated', { id: CUSTOMER }), { ip: randomIp() });
    expect(other.body).toEqual({ received: true, outcome: 'ignored' });
  });

  it('fails a payment Stripe has no record of once the search lag has passed, and settles one Stripe did charge', async () => {
    const payer = await stripePayer(t);
    const lostMandate = await mandateFor(t, payer, 1_100);
    const chargedMandate = await mandateFor(t, payer, 2_200);

    // Both charges get a 500 on every attempt; neither is decided at execute.
    stripe.failNext(3, 500);
    const lost = await execute(t, payer, lostMandate);
    stripe.failNext(3, 500);
    const charged = await execute(t, payer, chargedMandate);
    expect([lost.body.status, charged.body.status]).toEqual(['pending', 'pending']);
    expect(intentsOf(lost.body.payment_id)).toEqual([]);
    expect(await walletBalance(t, payer)).toBe(FUNDS - 3_300);

    // The second one did reach Stripe after all (its answer was lost): the PaymentIntent exists and succeeded.
    const intent = await callStripe(
      '/v1/payment_intents',
      { amount: '2200', currency: 'usd', customer: CUSTOMER, payment_method: 'pm_card_visa', confirm: 'true', off_session: 'true', 'metadata[payment_id]': charged.body.payment_id },
      charged.body.payment_id,
    );
    expect(intent.status).toBe('succeeded');

    // A payment younger than a minute is left to its execute call.
    expect(await reconcilePendingPayments(t.appCtx)).toEqual({ examined: 0, settled: 0, failed: 0, stillPending: 0, flagged: 0 });

    clock.advance(2 * 60_000);
    expect(await reconcilePendingPayments(t.appCtx)).toEqual({ examined: 2, settled: 1, failed: 0, stillPending: 1, flagged: 0 });
    expect(await getPayment(t, payer, charged.body.payment_id)).toMatchObject({ status: 'settled', rail_reference: intent.id });
    // Not found two minutes after a failed call proves nothing at Stripe: still pending, still held.
    expect(await getPayment(t, payer, lost.body.payment_id)).toMatchObject({ status: 'pending' });
    expect(await walletBalance(t, payer)).toBe(FUNDS - 3_300);

    clock.advance(15 * 60_000);
    expect(await reconcilePendingPayments(t.appCtx)).toEqual({ examined: 1, settled: 0, failed: 1, stillPending: 0, flagged: 0 });
    expect(await getPayment(t, payer, lost.body.payment_id)).toMatchObject({ status: 'failed', failure_code: 'rail_no_record', failure_message: expect.stringContaining('nothing was charged') });
    expect(await walletBalance(t, payer)).toBe(FUNDS - 2_200);
    expect(await clearingBalance(t, payer, 'stripe')).toBe(0);
    expect(await payableBalance(t, payer)).toBe(2_200);
    // Released, no longer `used` (17 minutes on, past its default lifetime, it reads as expired).
    expect((await t.request('GET', `/mandates/${lostMandate}`, { token: payer.org.orgKey })).body.status).toBe('expired');
    expect(await receiptEventsOf(t, payer, charged.body.payment_id)).toEqual(['payment.pending', 'payment.settled']);
    expect(await receiptEventsOf(t, payer, lost.body.payment_id)).toEqual(['payment.pending', 'payment.failed']);

    // The settled payment's webhook, arriving late, finds it already settled.
    const late = await sendStripe(t, stripe.eventFor('payment_intent.succeeded', String(intent.id)), { ip: randomIp() });
    expect(late.body).toEqual({ received: true, outcome: 'already' });
    expect(await reconcilePendingPayments(t.appCtx)).toEqual({ examined: 0, settled: 0, failed: 0, stillPending: 0, flagged: 0 });
    await expectChainValid(t, payer);
    await expectLedgerInvariants(t);
  });
});
