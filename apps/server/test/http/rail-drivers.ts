/**
 * Per-rail drivers for the rail conformance suite (rail-conformance.test.ts) and the per-rail end-to-end
 * tests: how to configure the server for a rail and run its local fake, how to make the rail's signed
 * webhooks (success, failure, ignored), and how to read what the fake received. A new external rail is
 * added by writing its driver and passing the suite.
 */
import { expect } from 'vitest';
import { signedBody as signedCashfreeBody, signedWebhook as signedCashfreeWebhook, startFakeCashfree, type FakeCashfree, type RecordedRequest as CashfreeRequest } from '../support/fake-cashfree.ts';
import { FAKE_STRIPE_SECRET_KEY, signedWebhook as signedStripeWebhook, startFakeStripe, stripeEvent, type FakePaymentIntent, type FakeStripe, type StripeEventJson } from '../support/fake-stripe.ts';
import { postWebhook, railPayer, type RailPayer } from '../support/rail-test-kit.ts';
import type { TestApp, TestResponse } from '../support/test-app.ts';

/** A webhook delivery as sent: the exact body and the headers that sign it. */
export interface SignedWebhook {
  body: string | Buffer;
  headers: Record<string, string>;
}

/** An event of the rail, ready to be signed at any time with any secret. */
export interface RailEvent {
  type: string;
  /** The id FrameOS stores for it (rail_webhook_events.event_id), when the test needs it. */
  eventId: string | null;
  /** The rail's own payload (Stripe's event JSON; Cashfree's `data`). */
  payload: unknown;
}

export interface SignOptions {
  secret?: string;
  /** Added to the app's clock for the signature's timestamp. */
  offsetMs?: number;
}

/** What POST /execute answered, as far as a driver needs it. */
export interface ExecutedPayment {
  payment_id: string;
  rail_reference: string | null;
}

/** A refund as POST /payments/:id/refunds answered it. */
export interface AnsweredRefund {
  refund_id: string;
  amount: number;
  rail_reference: string | null;
  reason: string;
}

export interface RailDriver {
  readonly rail: 'stripe' | 'cashfree';
  readonly currency: string;
  /** Funds of every payer's wallet, in minor units. */
  readonly funds: number;
  /** The org's account at the rail (PUT /rail-accounts/:rail). */
  readonly account: Record<string, string>;
  /** A secret the rail never signed with. */
  readonly forgedSecret: string;
  /** The header that carries the signature. */
  readonly signatureHeader: string;
  /** The failure event's type, for test names. */
  readonly failureType: string;

  start(): Promise<void>;
  stop(): Promise<void>;
  /** Controls a failing test may leave armed (delays, injected failures, refund statuses) back to their defaults. */
  reset(): void;
  /** The server settings that configure the rail against the fake. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** A fresh org paying a vendor on the rail. `slow`: payments stay pending at the rail (Stripe: a processing payment method). */
  payer(t: TestApp, options?: { account?: Record<string, string> | null; slow?: boolean }): Promise<RailPayer>;

  /** Requests the fake received so far (all kinds). */
  requestCount(): number;
  /** Payments (PaymentIntents, orders) the fake created so far. */
  created(): number;
  /** The requests that asked the rail to create the payment. */
  chargeRequests(paymentId: string): unknown[];
  /** The rail's reference for our payment (PaymentIntent id, cf_order_id). */
  referenceOf(paymentId: string): string | undefined;
  /** The rail received exactly one request creating this payment, for exactly `amount`, from this payer. */
  expectOneCharge(payer: RailPayer, paymentId: string, amount: number): void;
  /** The rail holds the payment as not yet decided. */
  expectPendingAtRail(payer: RailPayer, payment: ExecutedPayment): void;
  /** The rail was asked for exactly these refunds of the payment, in order (none: nothing was sent). */
  expectRefundsAtRail(payment: ExecutedPayment, refunds: AnsweredRefund[]): void;
  /** Cashfree starts refunds PENDING; the shared refund scenarios expect them to succeed at once. */
  refundsSucceedAtOnce(): void;
  /** The next answer of the fake arrives only after `ms` (it did the work). */
  delayNext(ms: number): void;

  /** Marks the payment paid at the rail and returns the rail's success event for it. */
  success(payment: ExecutedPayment): RailEvent;
  /** The rail's failure event for the payment, and the failure FrameOS records from it. */
  failure(payment: ExecutedPayment): { event: RailEvent; code: string; message: string };
  /** The failure a later success contradicts (Cashfree: the payer dropped off). */
  failureBeforeLateSuccess(payment: ExecutedPayment): { event: RailEvent; code: string };
  /** Events of types FrameOS does not act on (`n` makes each distinct). */
  ignoredEvents(payment: ExecutedPayment | null, n?: number): RailEvent[];
  /** A payment event for a server without the rail (its content is never read). */
  strayEvent(): RailEvent;
  /** The rail's own report of the refunds made on the payment (Stripe charge.refunded; Cashfree REFUND_STATUS_WEBHOOK of the last one). */
  refundReport(payment: ExecutedPayment, refunds: AnsweredRefund[]): RailEvent;

  /**
   * Deliveries signed with the rail's real secret whose payload is not a well-formed event (a label for
   * each): FrameOS must answer 400 webhook_payload_invalid and change nothing.
   */
  malformedDeliveries(t: TestApp, payment: ExecutedPayment): Array<[label: string, signed: SignedWebhook]>;
  /** Signs an event as the rail would, dated by the app's clock (plus `offsetMs`). */
  sign(t: TestApp, event: RailEvent, options?: SignOptions): SignedWebhook;
  /** The signed delivery with one byte of meaning changed after signing. */
  tamper(signed: SignedWebhook): SignedWebhook;
  /** Signs and posts an event. */
  send(t: TestApp, event: RailEvent, options?: SignOptions & { ip?: string }): Promise<TestResponse>;
}

/** The exact rupee (or dollar) digits the wire carries for an amount in minor units: 12345 → "123.45". */
export function majorUnits(minor: number): string {
  const digits = String(minor).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Stripe

export const STRIPE_WEBHOOK_SECRET = 'whsec_test_frameosE2EStripeSecret';
export const STRIPE_CUSTOMER = 'cus_frameosE2E';

export interface StripeDriver extends RailDriver {
  readonly fake: FakeStripe;
  /** The PaymentIntents the fake holds for one of our payments (by the metadata the rail sets). */
  intentsOf(paymentId: string): FakePaymentIntent[];
  /** The POST /v1/payment_intents requests keyed by our payment id. */
  paymentIntentPosts(paymentId: string): FakeStripe['requests'][number][];
  /** A payment_intent.payment_failed event as Stripe sends it after a bank debit bounces. */
  paymentFailedEvent(intent: FakePaymentIntent): StripeEventJson;
  /** Signs and posts a Stripe event JSON (timestamp = the app's clock unless given, in seconds). */
  sendEvent(t: TestApp, event: object, options?: { secret?: string; timestamp?: number; ip?: string }): Promise<TestResponse>;
  /** Calls the fake directly, as something other than FrameOS would (the Stripe dashboard, a lost request). */
  call(path: string, params: Record<string, string>, idempotencyKey?: string): Promise<Record<string, unknown>>;
}

export function stripeDriver(): StripeDriver {
  let fake: FakeStripe | undefined;
  const stripe = (): FakeStripe => {
    if (!fake) throw new Error('the Stripe driver is not started');
    return fake;
  };
  const processingPayers = new Set<string>();
  const paymentMethodOf = new Map<string, string>();

  const intentsOf = (paymentId: string) => [...stripe().paymentIntents.values()].filter((pi) => pi.metadata.payment_id === paymentId);
  const paymentIntentPosts = (paymentId: string) =>
    stripe().requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.idempotencyKey === paymentId);
  const paymentFailedEvent = (intent: FakePaymentIntent): StripeEventJson =>
    stripeEvent('payment_intent.payment_failed', {
      ...structuredClone(intent),
      status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
    });
  const intentOf = (payment: ExecutedPayment): FakePaymentIntent => {
    const intent = payment.rail_reference ? stripe().paymentIntents.get(payment.rail_reference) : undefined;
    if (!intent) throw new Error(`fake Stripe has no PaymentIntent for ${payment.payment_id}`);
    return intent;
  };
  const event = (json: StripeEventJson): RailEvent => ({ type: json.type, eventId: json.id, payload: json });
  const sign = (t: TestApp, railEvent: RailEvent, options: SignOptions = {}): SignedWebhook =>
    signedStripeWebhook(railEvent.payload as object, options.secret ?? STRIPE_WEBHOOK_SECRET, Math.floor((t.clock.now().getTime() + (options.offsetMs ?? 0)) / 1000));

  const driver: StripeDriver = {
    rail: 'stripe',
    currency: 'USD',
    funds: 1_000_000,
    account: { customer: STRIPE_CUSTOMER, payment_method: 'pm_card_visa' },
    forgedSecret: 'whsec_someoneElse',
    signatureHeader: 'stripe-signature',
    failureType: 'payment_intent.payment_failed',
    get fake() {
      return stripe();
    },
    async start() {
      fake = await startFakeStripe();
    },
    async stop() {
      await fake?.stop();
    },
    reset() {
      fake?.delayNext(0);
    },
    env: (extra = {}) => ({
      STRIPE_SECRET_KEY: FAKE_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: stripe().url,
      RAIL_TIMEOUT_MS: '1000',
      RAIL_MAX_ATTEMPTS: '3',
      RAIL_RETRY_BASE_MS: '5',
      ...extra,
    }),
    async payer(t, options = {}) {
      const paymentMethod = options.slow ? 'pm_fake_processing' : 'pm_card_visa';
      const account = options.account === undefined ? { customer: STRIPE_CUSTOMER, payment_method: paymentMethod } : options.account;
      const payer = await railPayer(t, { rail: 'stripe', currency: 'USD', balance: driver.funds, account });
      if (paymentMethod === 'pm_fake_processing') processingPayers.add(payer.agent.agentId);
      paymentMethodOf.set(payer.agent.agentId, account?.payment_method ?? 'pm_card_visa');
      return payer;
    },
    requestCount: () => stripe().requests.length,
    created: () => stripe().counts().paymentIntents,
    chargeRequests: paymentIntentPosts,
    referenceOf: (paymentId) => intentsOf(paymentId)[0]?.id,
    expectOneCharge(payer, paymentId, amount) {
      // Exactly one PaymentIntent, keyed by our payment id, for exactly the amount.
      const posts = paymentIntentPosts(paymentId);
      expect(posts).toHaveLength(1);
      const paymentMethod = paymentMethodOf.get(payer.agent.agentId) ?? 'pm_card_visa';
      expect(posts[0]?.params).toMatchObject({
        amount: String(amount),
        currency: payer.currency.toLowerCase(),
        customer: STRIPE_CUSTOMER,
        payment_method: paymentMethod,
        confirm: 'true',
        off_session: 'true',
        metadata: { payment_id: paymentId, org_id: payer.org.orgId, vendor: payer.vendor },
      });
      const intents = intentsOf(paymentId);
      expect(intents[0]?.id).toMatch(/^pi_/);
      const status = processingPayers.has(payer.agent.agentId) ? 'processing' : 'succeeded';
      expect(intents.map((pi) => ({ id: pi.id, amount: pi.amount, status: pi.status }))).toEqual([{ id: intents[0]?.id, amount, status }]);
    },
    expectPendingAtRail(_payer, payment) {
      expect(intentOf(payment).status).toBe('processing');
    },
    expectRefundsAtRail(payment, refunds) {
      const atStripe = stripe().refunds.filter((r) => r.payment_intent === payment.rail_reference);
      expect(atStripe.map((r) => ({ id: r.id, amount: r.amount, refund_id: r.metadata.refund_id }))).toEqual(
        refunds.map((r) => ({ id: r.rail_reference, amount: r.amount, refund_id: r.refund_id })),
      );
      for (const r of refunds) {
        expect(r.rail_reference).toMatch(/^re_/);
        expect(stripe().requests.find((q) => q.path === '/v1/refunds' && q.idempotencyKey === r.refund_id)).toBeDefined();
      }
    },
    refundsSucceedAtOnce() {
      // Stripe's card refunds succeed at once.
    },
    delayNext: (ms) => stripe().delayNext(ms),
    success(payment) {
      const intent = intentOf(payment);
      if (intent.status !== 'succeeded') stripe().setIntentStatus(intent.id, 'succeeded');
      return event(stripe().eventFor('payment_intent.succeeded', intent.id));
    },
    failure(payment) {
      return { event: event(paymentFailedEvent(intentOf(payment))), code: 'insufficient_funds', message: 'Your card has insufficient funds.' };
    },
    failureBeforeLateSuccess(payment) {
      return { event: event(paymentFailedEvent(intentOf(payment))), code: 'insufficient_funds' };
    },
    ignoredEvents(payment) {
      const customer = event(stripeEvent('customer.updated', { id: STRIPE_CUSTOMER, object: 'customer' }));
      return payment ? [event(stripe().eventFor('payment_intent.created', intentOf(payment).id)), customer] : [customer];
    },
    strayEvent: () => event(stripeEvent('payment_intent.succeeded', { id: 'pi_x', metadata: {} })),
    malformedDeliveries(t, payment) {
      const at = Math.floor(t.clock.now().getTime() / 1000);
      const signedBody = (body: object | string) => signedStripeWebhook(body, STRIPE_WEBHOOK_SECRET, at);
      const succeeded = stripe().eventFor('payment_intent.succeeded', intentOf(payment).id);
      return [
        ['a body that is not JSON', signedBody('not json')],
        ['JSON that is not an event', signedBody({ hello: 'world' })],
        ['an event without its object', signedBody({ ...succeeded, data: { object: null } })],
        ['a payment_intent.succeeded whose PaymentIntent has no id', signedBody({ ...succeeded, data: { object: { ...succeeded.data.object, id: undefined } } })],
        ['a payment_intent.succeeded whose metadata.payment_id is not a string', signedBody({ ...succeeded, data: { object: { ...succeeded.data.object, metadata: { payment_id: 42 } } } })],
        ['a charge.refunded with a fractional amount_refunded', signedBody(stripeEvent('charge.refunded', { id: 'ch_x', object: 'charge', amount_refunded: 1.5, currency: 'usd', payment_intent: intentOf(payment).id, metadata: {} }))],
      ];
    },
    refundReport: (payment) => event(stripe().eventFor('charge.refunded', intentOf(payment).id)),
    sign,
    tamper(signed) {
      const text = signed.body.toString();
      const changed = text.replace(/"amount": \d+/, '"amount": 1');
      expect(changed).not.toBe(text);
      return { body: changed, headers: signed.headers };
    },
    send: (t, railEvent, options = {}) => postWebhook(t, 'stripe', sign(t, railEvent, options), options.ip),
    intentsOf,
    paymentIntentPosts,
    paymentFailedEvent,
    sendEvent: (t, json, options = {}) =>
      postWebhook(t, 'stripe', signedStripeWebhook(json, options.secret ?? STRIPE_WEBHOOK_SECRET, options.timestamp ?? Math.floor(t.clock.now().getTime() / 1000)), options.ip),
    async call(path, params, idempotencyKey) {
      const res = await fetch(`${stripe().url}${path}`, {
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
    },
  };
  return driver;
}

// ---------------------------------------------------------------------------------------------------------
// Cashfree

export const CASHFREE_CUSTOMER = { customer_id: 'cust_frameos_e2e', customer_phone: '9999999999' };

export interface CashfreeDriver extends RailDriver {
  readonly fake: FakeCashfree;
  orderPosts(paymentId: string): CashfreeRequest[];
  refundPosts(paymentId: string): CashfreeRequest[];
  /** Cashfree's REFUND_STATUS_WEBHOOK data for a refund the fake holds, in its current status. */
  refundWebhookData(paymentId: string, refundId: string): Record<string, unknown>;
  /** A delivery signed with the client secret (timestamp = the app's clock unless given). */
  signed(t: TestApp, type: string, data: unknown, options?: { secret?: string; timestampMs?: number }): { body: string; headers: Record<string, string> };
  sendData(t: TestApp, type: string, data: unknown, options?: { secret?: string; timestampMs?: number; ip?: string }): Promise<TestResponse>;
}

interface CashfreePayload {
  data: unknown;
}

export function cashfreeDriver(): CashfreeDriver {
  let fake: FakeCashfree | undefined;
  const cashfree = (): FakeCashfree => {
    if (!fake) throw new Error('the Cashfree driver is not started');
    return fake;
  };
  const orderPosts = (paymentId: string) => cashfree().requests.filter((r) => r.method === 'POST' && r.path === '/pg/orders' && r.headers['x-idempotency-key'] === paymentId);
  const refundPosts = (paymentId: string) => cashfree().requests.filter((r) => r.method === 'POST' && r.path === `/pg/orders/${paymentId}/refunds`);
  const signed = (t: TestApp, type: string, data: unknown, options: { secret?: string; timestampMs?: number } = {}) =>
    signedCashfreeWebhook(type, data, { secret: options.secret ?? cashfree().clientSecret, timestampMs: options.timestampMs ?? t.clock.now().getTime() });
  const paymentEvent = (type: string, data: Record<string, unknown>): RailEvent => ({
    type,
    eventId: `${type}:${String((data.payment as { cf_payment_id: unknown }).cf_payment_id)}`,
    payload: { data },
  });
  const refundWebhookData = (paymentId: string, refundId: string): Record<string, unknown> => {
    const order = cashfree().order(paymentId);
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
  };
  const sign = (t: TestApp, railEvent: RailEvent, options: SignOptions = {}): SignedWebhook =>
    signed(t, railEvent.type, (railEvent.payload as CashfreePayload).data, { secret: options.secret, timestampMs: t.clock.now().getTime() + (options.offsetMs ?? 0) });

  const driver: CashfreeDriver = {
    rail: 'cashfree',
    currency: 'INR',
    funds: 10_000_000, // ₹100,000.00 in paise
    account: CASHFREE_CUSTOMER,
    forgedSecret: 'cfsk_someone_else',
    signatureHeader: 'x-webhook-signature',
    failureType: 'PAYMENT_FAILED_WEBHOOK',
    get fake() {
      return cashfree();
    },
    async start() {
      fake = await startFakeCashfree();
    },
    async stop() {
      await fake?.close();
    },
    reset() {
      fake?.delayNext(0);
      fake?.failNext(0, 500);
      fake?.refundsStartAs('PENDING');
    },
    env: (extra = {}) => ({
      CASHFREE_CLIENT_ID: cashfree().clientId,
      CASHFREE_CLIENT_SECRET: cashfree().clientSecret,
      CASHFREE_API_BASE_URL: cashfree().baseUrl,
      RAIL_TIMEOUT_MS: '1000',
      RAIL_MAX_ATTEMPTS: '3',
      RAIL_RETRY_BASE_MS: '5',
      ...extra,
    }),
    payer: (t, options = {}) => railPayer(t, { rail: 'cashfree', currency: 'INR', balance: driver.funds, account: options.account === undefined ? CASHFREE_CUSTOMER : options.account }),
    requestCount: () => cashfree().requests.length,
    created: () => cashfree().ordersCreated(),
    chargeRequests: orderPosts,
    referenceOf: (paymentId) => cashfree().order(paymentId)?.cfOrderId,
    expectOneCharge(payer, paymentId, amount) {
      const posts = orderPosts(paymentId);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.body).toContain(`"order_amount":${majorUnits(amount)}`);
      expect(JSON.parse(posts[0]!.body)).toMatchObject({ order_id: paymentId, order_currency: 'INR', customer_details: CASHFREE_CUSTOMER, order_tags: { payment_id: paymentId, org_id: payer.org.orgId } });
      expect(cashfree().order(paymentId)).toMatchObject({ orderId: paymentId, paise: amount, currency: 'INR', status: 'ACTIVE' });
    },
    expectPendingAtRail(_payer, payment) {
      expect(cashfree().order(payment.payment_id)?.status).toBe('ACTIVE');
    },
    expectRefundsAtRail(payment, refunds) {
      const posts = refundPosts(payment.payment_id);
      expect(posts).toHaveLength(refunds.length);
      refunds.forEach((r, i) => {
        const post = posts[i]!;
        expect(post.body).toContain(`"refund_amount":${majorUnits(r.amount)}`);
        expect(JSON.parse(post.body)).toMatchObject({ refund_id: r.refund_id, refund_note: r.reason });
        expect(post.headers['x-idempotency-key']).toBe(r.refund_id);
        expect(r.rail_reference).toBe(String(cashfree().order(payment.payment_id)?.refunds.get(r.refund_id)?.cfRefundId));
      });
    },
    refundsSucceedAtOnce: () => cashfree().refundsStartAs('SUCCESS'),
    delayNext: (ms) => cashfree().delayNext(ms),
    success(payment) {
      cashfree().markPaid(payment.payment_id);
      return paymentEvent('PAYMENT_SUCCESS_WEBHOOK', cashfree().paymentWebhookData(payment.payment_id, 'SUCCESS'));
    },
    failure(payment) {
      const event = paymentEvent('PAYMENT_FAILED_WEBHOOK', cashfree().paymentWebhookData(payment.payment_id, 'FAILED'));
      return { event, code: 'TRANSACTION_DECLINED', message: 'Transaction declined by the bank' };
    },
    failureBeforeLateSuccess(payment) {
      return { event: paymentEvent('PAYMENT_USER_DROPPED_WEBHOOK', cashfree().paymentWebhookData(payment.payment_id, 'USER_DROPPED')), code: 'user_dropped' };
    },
    ignoredEvents: (_payment, n = 4242) => [{ type: 'SETTLEMENT_SUCCESS_WEBHOOK', eventId: null, payload: { data: { settlement: { cf_settlement_id: n, amount_settled: 250 } } } }],
    strayEvent: () => ({ type: 'PAYMENT_SUCCESS_WEBHOOK', eventId: null, payload: { data: {} } }),
    malformedDeliveries(t, payment) {
      const timestampMs = t.clock.now().getTime();
      const success = () => cashfree().paymentWebhookData(payment.payment_id, 'SUCCESS') as { order: Record<string, unknown>; payment: Record<string, unknown> };
      const withoutPaymentId = success();
      delete withoutPaymentId.payment.cf_payment_id;
      const inexact = success();
      inexact.order.order_amount = 250.005;
      return [
        ['a body that is not JSON', signedCashfreeBody('not json', cashfree().clientSecret, timestampMs)],
        ['JSON without a type', signedCashfreeBody(JSON.stringify({ data: success() }), cashfree().clientSecret, timestampMs)],
        ['a success without data.payment.cf_payment_id', signed(t, 'PAYMENT_SUCCESS_WEBHOOK', withoutPaymentId)],
        ['an order amount with fractional paise', signed(t, 'PAYMENT_SUCCESS_WEBHOOK', inexact)],
      ];
    },
    refundReport(payment, refunds) {
      const last = refunds.at(-1);
      if (!last) throw new Error('no refund to report');
      return { type: 'REFUND_STATUS_WEBHOOK', eventId: null, payload: { data: refundWebhookData(payment.payment_id, last.refund_id) } };
    },
    sign,
    tamper(signedDelivery) {
      const text = signedDelivery.body.toString();
      const changed = text.replace(/"payment_amount":[\d.]+/, '"payment_amount":2.5');
      expect(changed).not.toBe(text);
      return { body: changed, headers: signedDelivery.headers };
    },
    send: (t, railEvent, options = {}) => postWebhook(t, 'cashfree', sign(t, railEvent, options), options.ip),
    orderPosts,
    refundPosts,
    refundWebhookData,
    signed,
    sendData: (t, type, data, options = {}) => postWebhook(t, 'cashfree', signed(t, type, data, options), options.ip),
  };
  return driver;
}
