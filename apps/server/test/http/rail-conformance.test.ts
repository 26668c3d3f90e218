/**
 * The conformance suite every external rail adapter passes, end to end through the HTTP API against the
 * rail's local fake (driven by the real SDK or wire format): configuration, execute → pending → signed
 * webhook → settled, inbound webhook security, duplicates and backwards news, failures, refunds,
 * idempotent execute and the webhook rate limit. Each rail is described by a driver (rail-drivers.ts);
 * what only one rail does is tested in its own file (stripe-payments.test.ts, cashfree-payments.test.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../support/assertions.ts';
import { signupOrg } from '../support/fixtures.ts';
import {
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
  randomIp,
  receiptEventsOf,
  receiptsOf,
  refund,
  transferKinds,
  expectHoldResolved,
  walletBalance,
  type RailPayer,
} from '../support/rail-test-kit.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { cashfreeDriver, stripeDriver, type AnsweredRefund, type ExecutedPayment, type RailDriver, type SignedWebhook } from './rail-drivers.ts';

/** Every external rail, by its driver. A new rail is added here with its driver. */
const RAILS: Array<[name: string, driver: RailDriver]> = [
  ['Stripe', stripeDriver()],
  ['Cashfree', cashfreeDriver()],
];

describe.each(RAILS)('%s rail conformance', (_name, driver) => {
  /** The app most tests share; the rate limit gets one of its own. */
  let t: TestApp;
  const FUNDS = driver.funds;
  const { currency, rail } = driver;

  /** A payment executed on the rail and settled by its signed success webhook. */
  async function settledPayment(payer: RailPayer, amount: number): Promise<ExecutedPayment & { amount: number }> {
    const executed = await execute(t, payer, await mandateFor(t, payer, amount));
    expect(executed.status, executed.text).toBe(200);
    const delivered = await driver.send(t, driver.success(executed.body));
    expect(delivered.body).toEqual({ received: true, outcome: 'applied' });
    return executed.body as ExecutedPayment & { amount: number };
  }

  const answered = (res: { body: Record<string, unknown> }): AnsweredRefund => ({
    refund_id: res.body.refund_id as string,
    amount: res.body.amount as number,
    rail_reference: res.body.rail_reference as string | null,
    reason: res.body.reason as string,
  });

  beforeAll(async () => {
    await driver.start();
    t = await startTestApp({ env: driver.env() });
  });

  afterAll(async () => {
    await t?.close();
    await driver.stop();
  });

  afterEach(() => {
    driver.reset();
  });

  describe('configuration and rail accounts', () => {
    it('refuses a vendor, rail account and webhook of the rail on a server without its settings', async () => {
      // Another process without the rail's settings, on the same database.
      const bare = await startTestApp({ sharedWith: t });
      try {
        const org = await signupOrg(bare);
        expectError(await bare.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: `${rail}_vendor`, name: 'V', rail } }), 400, 'rail_not_configured');
        expectError(await bare.request('PUT', `/rail-accounts/${rail}`, { token: org.orgKey, body: driver.account }), 400, 'rail_not_configured');
        expectError(await postWebhook(bare, rail, driver.sign(bare, driver.strayEvent())), 400, 'rail_not_configured');
      } finally {
        await bare.close();
      }
    });

    it('refuses to execute without the org’s rail account, holding nothing, and the mandate stays usable', async () => {
      const payer = await driver.payer(t, { account: null });
      const mandateId = await mandateFor(t, payer, 25_000);
      const requestsBefore = driver.requestCount();

      expectError(await execute(t, payer, mandateId), 400, 'rail_account_missing');
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      expect(await clearingBalance(t, payer, rail)).toBe(0);
      expect(driver.requestCount()).toBe(requestsBefore);
      expect(await receiptsOf(t, payer)).toEqual([]);
      expect((await t.request('GET', `/payments?agent_account_id=${payer.agent.agentId}`, { token: payer.org.orgKey })).body.data).toEqual([]);
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey })).body.status).toBe('active');

      expect((await t.request('PUT', `/rail-accounts/${rail}`, { token: payer.org.orgKey, body: driver.account })).status).toBe(200);
      const executed = await execute(t, payer, mandateId);
      expect(executed.status, executed.text).toBe(200);
      expect(executed.body).toMatchObject({ status: 'pending', mandate_id: mandateId });
      expect(await walletBalance(t, payer)).toBe(FUNDS - 25_000);
      await expectLedgerInvariants(t);
    });
  });

  describe('execute → pending → webhook → settled', () => {
    const AMOUNT = 25_000;
    let payer: RailPayer;
    let payment: ExecutedPayment;
    let reference: string;
    let success: SignedWebhook;
    let successEventId: string | null;
    let successType: string;

    beforeAll(async () => {
      payer = await driver.payer(t);
    });

    it('answers pending with the rail’s reference, holds the funds and asks the rail once for exactly the amount', async () => {
      const created = driver.created();
      const executed = await execute(t, payer, await mandateFor(t, payer, AMOUNT));
      expect(executed.status, executed.text).toBe(200);
      payment = executed.body;
      reference = driver.referenceOf(payment.payment_id)!;
      expect(reference).toEqual(expect.any(String));
      expect(executed.body).toMatchObject({
        status: 'pending',
        rail,
        vendor: payer.vendor,
        amount: AMOUNT,
        currency,
        rail_reference: reference,
        failure_code: null,
        settled_at: null,
        receipt_id: expect.stringMatching(/^rcp_/),
      });
      expect(driver.created() - created).toBe(1);
      driver.expectOneCharge(payer, payment.payment_id, AMOUNT);

      // Held: out of the wallet, into the rail's clearing account, not yet the vendor's.
      expect(await walletBalance(t, payer)).toBe(FUNDS - AMOUNT);
      expect(await clearingBalance(t, payer, rail)).toBe(AMOUNT);
      expect(await payableBalance(t, payer)).toBe(0);
      expect(await transferKinds(t, payment.payment_id)).toEqual(['payment_hold']);
      const receipts = await receiptsOf(t, payer);
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({ receipt_id: executed.body.receipt_id, event: 'payment.pending', payment_id: payment.payment_id, payment_status: 'pending', amount: AMOUNT, rail });
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('rejects forged, stale (past or future), tampered and unsigned webhooks with 400 and changes nothing', async () => {
      const event = driver.success(payment);
      successEventId = event.eventId;
      successType = event.type;
      success = driver.sign(t, event);
      const before = await paymentSnapshot(t, payer, payment.payment_id);

      expectError(await driver.send(t, event, { secret: driver.forgedSecret }), 400, 'webhook_signature_invalid');
      expectError(await driver.send(t, event, { offsetMs: -6 * 60_000 }), 400, 'webhook_signature_invalid');
      expectError(await driver.send(t, event, { offsetMs: 10 * 60_000 }), 400, 'webhook_signature_invalid');
      const { [driver.signatureHeader]: _signature, ...unsignedHeaders } = success.headers;
      expectError(await postWebhook(t, rail, { body: success.body, headers: unsignedHeaders }), 400, 'webhook_signature_invalid');
      expectError(await postWebhook(t, rail, driver.tamper(success)), 400, 'webhook_signature_invalid');

      expect(await paymentSnapshot(t, payer, payment.payment_id)).toEqual(before);
      expect(before.payment.status).toBe('pending');
      expect(await railEventsOf(t, payment.payment_id)).toEqual([]);
    });

    it('answers validly signed but malformed payloads with 400 webhook_payload_invalid and changes nothing', async () => {
      const before = await paymentSnapshot(t, payer, payment.payment_id);
      for (const [label, signed] of driver.malformedDeliveries(t, payment)) {
        const res = await postWebhook(t, rail, signed);
        expect({ label, status: res.status, code: res.body?.error?.code }, res.text).toEqual({ label, status: 400, code: 'webhook_payload_invalid' });
        expectError(res, 400, 'webhook_payload_invalid');
      }
      expect(await paymentSnapshot(t, payer, payment.payment_id)).toEqual(before);
      expect(before.payment.status).toBe('pending');
      expect(await railEventsOf(t, payment.payment_id)).toEqual([]);
    });

    it('settles on the signed success webhook: clearing → vendor payable, settled receipt, chain valid', async () => {
      // The same event the forgeries carried: rejecting them claimed nothing.
      const res = await postWebhook(t, rail, success);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ received: true, outcome: 'applied' });

      expect(await getPayment(t, payer, payment.payment_id)).toMatchObject({ status: 'settled', rail_reference: reference, settled_at: expect.any(String), needs_attention: null, failure_code: null });
      expect(await walletBalance(t, payer)).toBe(FUNDS - AMOUNT);
      expect(await clearingBalance(t, payer, rail)).toBe(0);
      expect(await payableBalance(t, payer)).toBe(AMOUNT);
      expect(await transferKinds(t, payment.payment_id)).toEqual(['payment_capture', 'payment_hold']);
      await expectHoldResolved(t, payment.payment_id);
      expect(await receiptEventsOf(t, payer, payment.payment_id)).toEqual(['payment.pending', 'payment.settled']);
      expect((await receiptsOf(t, payer)).at(-1)).toMatchObject({ event: 'payment.settled', payment_status: 'settled', rail_reference: reference, amount: AMOUNT });
      expect(await railEventsOf(t, payment.payment_id)).toEqual([{ event_id: successEventId, type: successType, outcome: 'applied' }]);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('answers a redelivery as duplicate (even re-signed later) and changes nothing', async () => {
      const before = await paymentSnapshot(t, payer, payment.payment_id);
      const again = await postWebhook(t, rail, success);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ received: true, outcome: 'duplicate' });
      // The rail redelivers the same event with a new timestamp and signature.
      t.clock.advance(30_000);
      const redelivered = driver.sign(t, { type: successType, eventId: successEventId, payload: JSON.parse(success.body.toString()) as unknown });
      expect(redelivered.headers[driver.signatureHeader]).not.toBe(success.headers[driver.signatureHeader]);
      expect((await postWebhook(t, rail, redelivered)).body).toEqual({ received: true, outcome: 'duplicate' });
      expect(await paymentSnapshot(t, payer, payment.payment_id)).toEqual(before);
    });

    it('acknowledges an event type it does not handle as ignored', async () => {
      const before = await paymentSnapshot(t, payer, payment.payment_id);
      for (const event of driver.ignoredEvents(payment)) {
        const res = await driver.send(t, event);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ received: true, outcome: 'ignored' });
      }
      expect(await paymentSnapshot(t, payer, payment.payment_id)).toEqual(before);
    });

    it('records a failure that arrives after the success without applying it', async () => {
      const before = await paymentSnapshot(t, payer, payment.payment_id);
      const late = driver.failure(payment).event;
      const res = await driver.send(t, late);
      expect(res.body).toEqual({ received: true, outcome: 'recorded' });
      const after = await paymentSnapshot(t, payer, payment.payment_id);
      expect(after).toEqual(before);
      expect(after.payment).toMatchObject({ status: 'settled', needs_attention: null });
      expect((await railEventsOf(t, payment.payment_id)).find((e) => e.event_id === late.eventId)).toMatchObject({ outcome: 'recorded' });
      await expectLedgerInvariants(t);
    });
  });

  describe('failures', () => {
    it(`fails a pending payment on ${driver.failureType}: funds back, and the mandate pays again as a new payment`, async () => {
      const payer = await driver.payer(t, { slow: true });
      const mandateId = await mandateFor(t, payer, 12_345);
      const first = await execute(t, payer, mandateId);
      expect(first.body).toMatchObject({ status: 'pending', rail_reference: driver.referenceOf(first.body.payment_id) });
      driver.expectPendingAtRail(payer, first.body);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 12_345);

      const failure = driver.failure(first.body);
      const failed = await driver.send(t, failure.event);
      expect(failed.body).toEqual({ received: true, outcome: 'applied' });
      expect(await getPayment(t, payer, first.body.payment_id)).toMatchObject({ status: 'failed', failure_code: failure.code, failure_message: failure.message, settled_at: null });
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      expect(await clearingBalance(t, payer, rail)).toBe(0);
      expect(await transferKinds(t, first.body.payment_id)).toEqual(['payment_hold', 'payment_release']);
      await expectHoldResolved(t, first.body.payment_id);
      expect(await receiptEventsOf(t, payer, first.body.payment_id)).toEqual(['payment.pending', 'payment.failed']);
      expect((await t.request('GET', `/mandates/${mandateId}`, { token: payer.org.orgKey })).body.status).toBe('active');

      const second = await execute(t, payer, mandateId);
      expect(second.status, second.text).toBe(200);
      expect(second.body).toMatchObject({ status: 'pending', mandate_id: mandateId });
      expect(second.body.payment_id).not.toBe(first.body.payment_id);
      expect(second.body.rail_reference).not.toBe(first.body.rail_reference);
      driver.expectOneCharge(payer, second.body.payment_id, 12_345);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 12_345);
      expect(await clearingBalance(t, payer, rail)).toBe(12_345);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('records a success that arrives after the failure, keeps the payment failed and flags it for a human', async () => {
      const payer = await driver.payer(t, { slow: true });
      const executed = await execute(t, payer, await mandateFor(t, payer, 5_000));
      const paymentId = executed.body.payment_id as string;
      const failure = driver.failureBeforeLateSuccess(executed.body);
      expect((await driver.send(t, failure.event)).body.outcome).toBe('applied');
      const afterFailure = await paymentSnapshot(t, payer, paymentId);
      expect(afterFailure.payment).toMatchObject({ status: 'failed', failure_code: failure.code, needs_attention: null });

      const late = await driver.send(t, driver.success(executed.body));
      expect(late.body).toEqual({ received: true, outcome: 'recorded' });
      const after = await paymentSnapshot(t, payer, paymentId);
      expect(after.payment).toMatchObject({ status: 'failed', settled_at: null, needs_attention: expect.stringContaining('success after the payment was marked failed') });
      // Nothing else moved: the ledger does not pretend the money left.
      expect({ ...after, payment: { ...after.payment, needs_attention: null } }).toEqual(afterFailure);
      expect(await walletBalance(t, payer)).toBe(FUNDS);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });
  });

  describe('refunds', () => {
    beforeEach(() => {
      driver.refundsSucceedAtOnce();
    });

    it('refunds a settled payment in full: exact amount to the rail, wallet credited, refunded receipt, then 409 payment_fully_refunded', async () => {
      const payer = await driver.payer(t);
      const paid = await settledPayment(payer, 25_000);
      const wallet = await walletBalance(t, payer);

      const res = await refund(t, payer, paid.payment_id, { reason: 'service not delivered' });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ object: 'refund', payment_id: paid.payment_id, amount: 25_000, currency, status: 'succeeded', reason: 'service not delivered', completed_at: expect.any(String) });
      driver.expectRefundsAtRail(paid, [answered(res)]);

      expect(await walletBalance(t, payer)).toBe(wallet + 25_000);
      expect(await payableBalance(t, payer)).toBe(0);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ status: 'settled', refunded_amount: 25_000 });
      expect(await receiptEventsOf(t, payer, paid.payment_id)).toEqual(['payment.pending', 'payment.settled', 'payment.refunded']);
      expect((await receiptsOf(t, payer)).at(-1)).toMatchObject({ refund_id: res.body.refund_id, refund_amount: 25_000 });
      expect(await transferKinds(t, res.body.refund_id)).toEqual(['refund']);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);

      expectError(await refund(t, payer, paid.payment_id, { reason: 'again' }), 409, 'payment_fully_refunded');
      expectError(await refund(t, payer, paid.payment_id, { amount: 1, reason: 'again' }), 409, 'payment_fully_refunded');
      expect(await walletBalance(t, payer)).toBe(wallet + 25_000);
      driver.expectRefundsAtRail(paid, [answered(res)]);
    });

    it('refunds in parts, refuses more than remains with 409 refund_exceeds_payment and the remainder', async () => {
      const payer = await driver.payer(t);
      const paid = await settledPayment(payer, 25_000);
      const wallet = await walletBalance(t, payer);

      const part = await refund(t, payer, paid.payment_id, { amount: 10_050, reason: 'partial outage' });
      expect(part.status, part.text).toBe(201);
      expect(part.body).toMatchObject({ amount: 10_050, status: 'succeeded' });
      driver.expectRefundsAtRail(paid, [answered(part)]);
      expect(await walletBalance(t, payer)).toBe(wallet + 10_050);
      expect(await getPayment(t, payer, paid.payment_id)).toMatchObject({ refunded_amount: 10_050 });

      expectError(await refund(t, payer, paid.payment_id, { amount: 20_000, reason: 'too much' }), 409, 'refund_exceeds_payment', { remaining: 14_950 });
      driver.expectRefundsAtRail(paid, [answered(part)]);
      expect(await walletBalance(t, payer)).toBe(wallet + 10_050);

      const rest = await refund(t, payer, paid.payment_id, { reason: 'the rest' });
      expect(rest.body).toMatchObject({ amount: 14_950, status: 'succeeded' });
      driver.expectRefundsAtRail(paid, [answered(part), answered(rest)]);
      expect(await walletBalance(t, payer)).toBe(wallet + 25_000);
      expect((await listRefunds(t, payer, paid.payment_id)).map((r) => [r.amount, r.status])).toEqual([[10_050, 'succeeded'], [14_950, 'succeeded']]);
      expectError(await refund(t, payer, paid.payment_id, { amount: 1, reason: 'nothing left' }), 409, 'payment_fully_refunded');
      expect(await receiptEventsOf(t, payer, paid.payment_id)).toEqual(['payment.pending', 'payment.settled', 'payment.refunded', 'payment.refunded']);

      // The rail's own report of refunds we made is already accounted for.
      const echoed = await driver.send(t, driver.refundReport(paid, [answered(part), answered(rest)]));
      expect(echoed.body).toEqual({ received: true, outcome: 'already' });
      expect(await listRefunds(t, payer, paid.payment_id)).toHaveLength(2);
      expect(await walletBalance(t, payer)).toBe(wallet + 25_000);
      await expectChainValid(t, payer);
      await expectLedgerInvariants(t);
    });

    it('refuses to refund a pending payment with 409 payment_not_refundable', async () => {
      const payer = await driver.payer(t);
      const executed = await execute(t, payer, await mandateFor(t, payer, 3_000));
      expect(executed.body.status).toBe('pending');
      expectError(await refund(t, payer, executed.body.payment_id, { reason: 'changed my mind' }), 409, 'payment_not_refundable');
      driver.expectRefundsAtRail(executed.body, []);
      expect(await listRefunds(t, payer, executed.body.payment_id)).toEqual([]);
    });
  });

  describe('idempotency', () => {
    it('replays the identical response for a retried execute with the same Idempotency-Key and asks the rail once', async () => {
      const payer = await driver.payer(t);
      const mandateId = await mandateFor(t, payer, 4_400);
      const created = driver.created();
      const first = await execute(t, payer, mandateId, `${rail}-exec-key-1`);
      const again = await execute(t, payer, mandateId, `${rail}-exec-key-1`);
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(driver.chargeRequests(first.body.payment_id)).toHaveLength(1);
      expect(driver.created() - created).toBe(1);
      expect(await walletBalance(t, payer)).toBe(FUNDS - 4_400);
      expect((await t.request('GET', `/payments?agent_account_id=${payer.agent.agentId}`, { token: payer.org.orgKey })).body.data).toHaveLength(1);
    });
  });

  /** A second app (on the same database) with a webhook budget of its own. */
  describe('webhook rate limit', () => {
    let limited: TestApp;

    beforeAll(async () => {
      limited = await startTestApp({ env: driver.env({ RAIL_WEBHOOK_RATE_LIMIT_PER_MINUTE: '5' }), sharedWith: t });
    });
    afterAll(async () => limited?.close());

    it('answers the sixth webhook from one IP within a minute with 429 rate_limited; other IPs are unaffected', async () => {
      const ip = randomIp();
      for (let i = 0; i < 5; i++) {
        const res = await driver.send(limited, driver.ignoredEvents(null, i)[0]!, { ip });
        expect(res.body).toEqual({ received: true, outcome: 'ignored' });
      }
      const sixth = await driver.send(limited, driver.ignoredEvents(null, 6)[0]!, { ip });
      expectError(sixth, 429, 'rate_limited');
      expect(sixth.headers['retry-after']).toBeDefined();
      const other = await driver.send(limited, driver.ignoredEvents(null, 7)[0]!, { ip: randomIp() });
      expect(other.body).toEqual({ received: true, outcome: 'ignored' });
    });
  });
});
