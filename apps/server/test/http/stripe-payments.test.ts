/**
 * Payments over the Stripe rail, end to end through the HTTP API against the local fake Stripe: what only
 * Stripe does — its rail account, PaymentIntents FrameOS did not create, card declines, faults (timeouts,
 * 5xx), refunds made at Stripe and reconciliation by search. The scenarios every external rail shares
 * (execute → pending → webhook → settled, webhook security, failures, refunds, idempotency, rate limit)
 * are in rail-conformance.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reconcilePendingPayments } from '../../src/modules/payments/reconciliation.service.ts';
import { expectError } from '../support/assertions.ts';
import { stripeEvent, type FakeStripe } from '../support/fake-stripe.ts';
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
  payableBalance,
  paymentSnapshot,
  railEventsOf,
  railPayer,
  receiptEventsOf,
  receiptsOf,
  refund,
  walletBalance,
  type RailPayer,
} from '../support/rail-test-kit.ts';
import { startTestApp, testClock, type TestApp } from '../support/test-app.ts';
import { STRIPE_CUSTOMER as CUSTOMER, stripeDriver } from './rail-drivers.ts';

const driver = stripeDriver();
const FUNDS = driver.funds;

let stripe: FakeStripe;
/** The app most tests share; reconciliation gets one of its own. */
let t: TestApp;

const stripeEnv = driver.env;
const intentsOf = driver.intentsOf;
const paymentIntentPosts = driver.paymentIntentPosts;
const sendStripe = driver.sendEvent;
const callStripe = driver.call;

async function stripePayer(t: TestApp, paymentMethod = 'pm_card_visa'): Promise<RailPayer> {
  return railPayer(t, { rail: 'stripe', currency: 'USD', balance: FUNDS, account: { customer: CUSTOMER, payment_method: paymentMethod } });
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
  await driver.start();
  stripe = driver.fake;
  t = await startTestApp({ env: stripeEnv() });
});

afterAll(async () => {
  await t?.close();
  await driver.stop();
});

afterEach(() => {
  // A control left armed by a failing test must not leak into the next one.
  driver.reset();
});

describe('Stripe rail: configuration and rail accounts', () => {
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
});

describe('Stripe rail: payments, webhooks and refunds', () => {
  describe('webhooks', () => {
    it('acknowledges an event for a PaymentIntent FrameOS did not create as unmatched', async () => {
      const payer = await stripePayer(t);
      const { payment_id: paymentId } = await settledStripePayment(t, payer, 2_500);
      const before = await paymentSnapshot(t, payer, paymentId);
      const stranger = stripeEvent('payment_intent.succeeded', { id: 'pi_notOurs123', object: 'payment_intent', amount: 2_500, currency: 'usd', status: 'succeeded', metadata: {} });
      const res = await sendStripe(t, stranger);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'unmatched' });
      expect(await paymentSnapshot(t, payer, paymentId)).toEqual(before);
    });
  });

  describe('failures', () => {
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

    it('refuses a charge.refunded whose amount_refunded is not a whole, non-negative, safe number of cents: 400 webhook_payload_invalid, nothing refunded', async () => {
      const payer = await stripePayer(t);
      const paid = await settledStripePayment(t, payer, 5_000);
      // Someone refunds 700 from the Stripe dashboard; the forged variants of its event carry other amounts.
      await callStripe('/v1/refunds', { payment_intent: paid.rail_reference, amount: '700' });
      const event = stripe.eventFor('charge.refunded', paid.rail_reference);
      const before = await paymentSnapshot(t, payer, paid.payment_id);
      const wallet = await walletBalance(t, payer);

      for (const [i, amountRefunded] of [1.5, '2500', 1e308, -700, null].entries()) {
        const variant = { ...event, id: `${event.id}_${i}`, data: { object: { ...event.data.object, amount_refunded: amountRefunded } } };
        const res = await sendStripe(t, variant);
        expect({ amountRefunded, status: res.status }, res.text).toEqual({ amountRefunded, status: 400 });
        expectError(res, 400, 'webhook_payload_invalid');
        expect(res.body.error.message).toContain('amount_refunded');
      }
      expect(await paymentSnapshot(t, payer, paid.payment_id)).toEqual(before);
      expect(await walletBalance(t, payer)).toBe(wallet);
      expect((await railEventsOf(t, paid.payment_id)).map((e) => e.type)).toEqual(['payment_intent.succeeded']);

      // The real event still applies: exactly the 700 refunded at Stripe.
      expect((await sendStripe(t, event)).body).toEqual({ received: true, outcome: 'applied' });
      expect(await walletBalance(t, payer)).toBe(wallet + 700);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ refunded_amount: 700 });
      await expectChainValid(t, payer);
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
});

/** A second app, with its own database (reconciliation looks at every pending payment) and clock. */
describe('Stripe rail: reconciliation', () => {
  const clock = testClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: stripeEnv(), clock });
  });
  afterAll(async () => t?.close());

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
