import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { thrownBy } from '../support/assertions.ts';
import type { CashfreeRailConfig } from '../../src/config.ts';
import { newId } from '../../src/lib/ids.ts';
import { createCashfreeRail } from '../../src/modules/rails/cashfree/cashfree-rail.ts';
import {
  RailError,
  WebhookPayloadError,
  WebhookSignatureError,
  type RailAdapter,
  type RailChargeRequest,
  type RailRefundRequest,
  type RailWebhookEvent,
} from '../../src/modules/rails/rail-adapter.ts';
import { signedWebhook, startFakeCashfree, type FakeCashfree } from '../support/fake-cashfree.ts';

let fake: FakeCashfree;
let config: CashfreeRailConfig;
let rail: RailAdapter;

beforeAll(async () => {
  fake = await startFakeCashfree();
  config = { clientId: fake.clientId, clientSecret: fake.clientSecret, env: 'sandbox', apiBaseUrl: fake.baseUrl };
  rail = createCashfreeRail(config);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.refundsStartAs('PENDING');
});

/** A guard so a hung call fails the test instead of the run; nothing asserts on time. */
const call = () => ({ signal: AbortSignal.timeout(15_000) });

const payer = { customer_id: 'cust_frameos_test', customer_phone: '9999999999' };

function chargeRequest(overrides: Partial<RailChargeRequest> = {}): RailChargeRequest {
  return {
    paymentId: newId('payment'),
    orgId: newId('org'),
    amount: 25_000,
    currency: 'INR',
    vendor: { vendorId: newId('vendor'), settings: {} },
    payer,
    description: 'Weather API, 1 call',
    ...overrides,
  };
}

function refundRequest(paymentId: string, overrides: Partial<RailRefundRequest> = {}): RailRefundRequest {
  return { paymentId, refundId: newId('payment').replace('pay_', 'rfd_'), reference: 'ignored', amount: 25_000, currency: 'INR', reason: 'customer asked', ...overrides };
}

async function paidOrder(amount = 25_000): Promise<string> {
  const request = chargeRequest({ amount });
  await rail.charge(request, call());
  fake.markPaid(request.paymentId);
  return request.paymentId;
}

async function railError(run: Promise<unknown>): Promise<RailError> {
  const error: unknown = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RailError);
  return error as RailError;
}

function lastRequest() {
  const request = fake.requests.at(-1);
  if (!request) throw new Error('the fake received no request');
  return request;
}

/** A fetch that answers every call with `status` and `body`, for answers the fake does not give. */
function fetchAnswering(status: number, body: string): typeof fetch {
  return async () => new Response(body, { status, headers: { 'content-type': 'application/json' } });
}

describe('Cashfree rail: charge', () => {
  it('creates an order and reports it pending with Cashfree’s order id as the reference', async () => {
    const request = chargeRequest();
    const result = await rail.charge(request, call());
    const order = fake.order(request.paymentId);
    expect(order?.status).toBe('ACTIVE');
    expect(result).toEqual({
      outcome: 'pending',
      reference: order?.cfOrderId,
      details: { cf_order_id: order?.cfOrderId, payment_session_id: `session_${order?.cfOrderId}_fake` },
    });
  });

  it('sends 25000 paise as the JSON number 250.00, with the documented headers and fields', async () => {
    const request = chargeRequest({ amount: 25_000 });
    await rail.charge(request, call());
    const sent = lastRequest();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/pg/orders');
    expect(sent.body).toContain('"order_amount":250.00,');
    expect(sent.headers['x-client-id']).toBe(fake.clientId);
    expect(sent.headers['x-client-secret']).toBe(fake.clientSecret);
    expect(sent.headers['x-api-version']).toBe('2023-08-01');
    expect(sent.headers['x-idempotency-key']).toBe(request.paymentId);
    expect(JSON.parse(sent.body)).toEqual({
      order_amount: 250,
      order_id: request.paymentId,
      order_currency: 'INR',
      customer_details: payer,
      order_note: 'Weather API, 1 call',
      order_tags: { payment_id: request.paymentId, org_id: request.orgId },
    });
    expect(fake.order(request.paymentId)?.paise).toBe(25_000);
  });

  it.each([
    [25_050, '250.50'],
    [100, '1.00'],
    [123_456_789, '1234567.89'],
  ])('sends %d paise as %s', async (amount, wire) => {
    const request = chargeRequest({ amount });
    await rail.charge(request, call());
    expect(lastRequest().body).toContain(`"order_amount":${wire},`);
    expect(fake.order(request.paymentId)?.paise).toBe(amount);
  });

  it('passes an optional customer email through', async () => {
    const request = chargeRequest({ payer: { ...payer, customer_email: 'payer@example.com' } });
    await rail.charge(request, call());
    expect(JSON.parse(lastRequest().body).customer_details).toEqual({ ...payer, customer_email: 'payer@example.com' });
  });

  it('creates one order when the same payment is charged twice', async () => {
    const request = chargeRequest();
    const before = fake.ordersCreated();
    const first = await rail.charge(request, call());
    const second = await rail.charge(request, call());
    expect(fake.ordersCreated()).toBe(before + 1);
    expect(second).toEqual(first);
  });

  it('reads the existing order when Cashfree answers order_already_exists (idempotency key expired)', async () => {
    const request = chargeRequest();
    const before = fake.ordersCreated();
    await rail.charge(request, call());
    fake.markPaid(request.paymentId);
    fake.forgetIdempotencyKeys();
    const retried = await rail.charge(request, call());
    expect(fake.ordersCreated()).toBe(before + 1);
    expect(fake.requests.slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /pg/orders', `GET /pg/orders/${request.paymentId}`]);
    expect(retried).toMatchObject({ outcome: 'settled', reference: fake.order(request.paymentId)?.cfOrderId });
  });

  it('does not report an existing order for a different amount as pending', async () => {
    const request = chargeRequest({ amount: 25_000 });
    await rail.charge(request, call());
    fake.forgetIdempotencyKeys();
    const retried = await rail.charge({ ...request, amount: 30_000 }, call());
    expect(retried.outcome).toBe('unknown');
  });

  it.each(['USD', 'EUR', 'JPY'])('refuses %s clearly without calling Cashfree', async (currency) => {
    const sent = fake.requests.length;
    const error = await railError(rail.charge(chargeRequest({ currency }), call()));
    expect(error.code).toBe('currency_not_supported');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('INR only');
    expect(error.message).toContain(currency);
    expect(fake.requests.length).toBe(sent);
    expect(rail.currencies).toEqual(['INR']);
  });

  it.each([0, -100, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses the amount %s without calling Cashfree', async (amount) => {
    const sent = fake.requests.length;
    const error = await railError(rail.charge(chargeRequest({ amount }), call()));
    expect(error.code).toBe('invalid_amount');
    expect(error.transient).toBe(false);
    expect(fake.requests.length).toBe(sent);
  });

  it.each([{}, { customer_id: 'c1' }, { customer_phone: '9999999999' }, { customer_id: '', customer_phone: '9999999999' }])(
    'refuses a payer without Cashfree customer details (%o)',
    async (incomplete) => {
      const error = await railError(rail.charge(chargeRequest({ payer: incomplete }), call()));
      expect(error.code).toBe('payer_not_configured');
      expect(error.transient).toBe(false);
      expect(error.message).toContain('PUT /rail-accounts/cashfree');
    },
  );

  it('passes Cashfree’s code and message on for other 4xx answers, as not transient', async () => {
    const error = await railError(rail.charge(chargeRequest({ amount: 50 }), call()));
    expect(error).toMatchObject({ code: 'order_amount_invalid', transient: false, httpStatus: 400 });
    expect(error.message).toContain('order_amount');
  });

  it.each([500, 502, 503, 429])('treats HTTP %d as transient', async (status) => {
    fake.failNext(1, status);
    const error = await railError(rail.charge(chargeRequest(), call()));
    expect(error.transient).toBe(true);
    expect(error.httpStatus).toBe(status);
  });

  it('creates the order on the retry after a 500', async () => {
    const request = chargeRequest();
    fake.failNext(1, 500);
    await railError(rail.charge(request, call()));
    expect(fake.order(request.paymentId)).toBeUndefined();
    expect((await rail.charge(request, call())).outcome).toBe('pending');
  });

  it('treats a call cancelled by its signal (timeout) as transient', async () => {
    fake.delayNext(10_000);
    const error = await railError(rail.charge(chargeRequest(), { signal: AbortSignal.timeout(50) }));
    expect(error).toMatchObject({ code: 'rail_timeout', transient: true });
  });

  it('treats a network failure as transient', async () => {
    const offline = createCashfreeRail(config, {
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const error = await railError(offline.charge(chargeRequest(), call()));
    expect(error).toMatchObject({ code: 'rail_unreachable', transient: true });
  });

  it('treats an unreadable 200 answer as transient, since the order may exist', async () => {
    const garbled = createCashfreeRail(config, { fetch: fetchAnswering(200, '<html>gateway</html>') });
    const error = await railError(garbled.charge(chargeRequest(), call()));
    expect(error).toMatchObject({ code: 'rail_bad_response', transient: true });
  });

  it('reports rejected credentials as not transient, without either credential in the message', async () => {
    const wrong = { clientId: 'TEST_wrong_client_id_98765', clientSecret: 'cfsk_ma_test_wrong_secret_4321' };
    const badRail = createCashfreeRail({ ...config, ...wrong });
    const error = await railError(badRail.charge(chargeRequest(), call()));
    expect(error).toMatchObject({ code: 'rail_auth_failed', transient: false, httpStatus: 401 });
    for (const secret of [wrong.clientId, wrong.clientSecret, fake.clientId, fake.clientSecret]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
    expect(error.message).toContain('CASHFREE_CLIENT_SECRET');
  });

  it('removes a credential Cashfree echoes back in an error message', async () => {
    const echo = JSON.stringify({ message: `bad key ${config.clientSecret} for ${config.clientId}`, code: 'request_failed', type: 'invalid_request_error' });
    const echoing = createCashfreeRail(config, { fetch: fetchAnswering(400, echo) });
    const error = await railError(echoing.charge(chargeRequest(), call()));
    expect(error.transient).toBe(false);
    expect(error.message).not.toContain(config.clientSecret);
    expect(error.message).not.toContain(config.clientId);
    expect(error.message).toContain('bad key ••••');
  });
});

describe('Cashfree rail: status', () => {
  const statusOf = (request: RailChargeRequest, amount = request.amount) =>
    rail.status({ paymentId: request.paymentId, reference: null, amount, currency: 'INR', details: {} }, call());

  it('reports an ACTIVE order as pending', async () => {
    const request = chargeRequest();
    await rail.charge(request, call());
    expect(await statusOf(request)).toMatchObject({ outcome: 'pending', reference: fake.order(request.paymentId)?.cfOrderId });
    expect(lastRequest()).toMatchObject({ method: 'GET', path: `/pg/orders/${request.paymentId}` });
  });

  it('reports a PAID order as settled', async () => {
    const request = chargeRequest();
    await rail.charge(request, call());
    fake.markPaid(request.paymentId);
    expect(await statusOf(request)).toEqual({
      outcome: 'settled',
      reference: fake.order(request.paymentId)?.cfOrderId,
      details: { cf_order_id: fake.order(request.paymentId)?.cfOrderId },
    });
  });

  it('reports an EXPIRED order as failed with order_expired', async () => {
    const request = chargeRequest();
    await rail.charge(request, call());
    fake.markExpired(request.paymentId);
    expect(await statusOf(request)).toMatchObject({ outcome: 'failed', code: 'order_expired', reference: fake.order(request.paymentId)?.cfOrderId });
  });

  it('reports a TERMINATED order as failed, and a requested termination as still pending', async () => {
    const request = chargeRequest();
    await rail.charge(request, call());
    fake.setOrderStatus(request.paymentId, 'TERMINATION_REQUESTED');
    expect((await statusOf(request)).outcome).toBe('pending');
    fake.setOrderStatus(request.paymentId, 'TERMINATED');
    expect(await statusOf(request)).toMatchObject({ outcome: 'failed', code: 'order_terminated' });
  });

  it('reports an order Cashfree does not know as not_found', async () => {
    expect(await statusOf(chargeRequest())).toEqual({ outcome: 'not_found' });
  });

  it('never settles a paid order whose amount differs from the payment', async () => {
    const request = chargeRequest({ amount: 25_000 });
    await rail.charge(request, call());
    fake.markPaid(request.paymentId);
    const result = await statusOf(request, 25_001);
    expect(result.outcome).toBe('unknown');
    expect(result.outcome === 'unknown' && result.message).toContain('250.00 INR');
    expect(result.outcome === 'unknown' && result.message).toContain('250.01 INR');
  });

  it('treats a 500 as transient', async () => {
    fake.failNext(1, 500);
    const error = await railError(statusOf(chargeRequest()));
    expect(error.transient).toBe(true);
  });

  it('refuses a non-INR status question', async () => {
    const error = await railError(rail.status({ paymentId: newId('payment'), reference: null, amount: 1, currency: 'USD', details: {} }, call()));
    expect(error.code).toBe('currency_not_supported');
  });
});

describe('Cashfree rail: refunds', () => {
  it('refunds a paid order in full, sending the exact amount and our refund id', async () => {
    fake.refundsStartAs('SUCCESS');
    const paymentId = await paidOrder(25_000);
    const request = refundRequest(paymentId);
    const result = await rail.refund(request, call());
    const stored = fake.order(paymentId)?.refunds.get(request.refundId);
    expect(result).toEqual({ outcome: 'succeeded', reference: String(stored?.cfRefundId) });
    const sent = lastRequest();
    expect(sent.path).toBe(`/pg/orders/${paymentId}/refunds`);
    expect(sent.body).toContain('"refund_amount":250.00,');
    expect(JSON.parse(sent.body)).toEqual({ refund_amount: 250, refund_id: request.refundId, refund_note: 'customer asked' });
    expect(sent.headers['x-idempotency-key']).toBe(request.refundId);
  });

  it('refunds partially, and refuses once the refunds would exceed the order', async () => {
    fake.refundsStartAs('SUCCESS');
    const paymentId = await paidOrder(25_000);
    expect((await rail.refund(refundRequest(paymentId, { amount: 10_000 }), call())).outcome).toBe('succeeded');
    expect(lastRequest().body).toContain('"refund_amount":100.00,');
    expect((await rail.refund(refundRequest(paymentId, { amount: 15_000 }), call())).outcome).toBe('succeeded');
    const over = await rail.refund(refundRequest(paymentId, { amount: 1 }), call());
    expect(over).toMatchObject({ outcome: 'failed', code: 'refund_amount_invalid' });
    expect(fake.order(paymentId)?.refunds.size).toBe(2);
  });

  it('refuses a single refund above the order amount and refunds nothing', async () => {
    const paymentId = await paidOrder(25_000);
    const result = await rail.refund(refundRequest(paymentId, { amount: 25_001 }), call());
    expect(result).toMatchObject({ outcome: 'failed', code: 'refund_amount_invalid' });
    expect(fake.order(paymentId)?.refunds.size).toBe(0);
  });

  it.each([
    ['PENDING', 'pending'],
    ['ONHOLD', 'pending'],
    ['SUCCESS', 'succeeded'],
  ] as const)('maps refund_status %s to %s', async (status, outcome) => {
    fake.refundsStartAs(status);
    const paymentId = await paidOrder();
    expect((await rail.refund(refundRequest(paymentId), call())).outcome).toBe(outcome);
  });

  it('maps a CANCELLED refund to failed', async () => {
    fake.refundsStartAs('CANCELLED');
    const paymentId = await paidOrder();
    expect(await rail.refund(refundRequest(paymentId), call())).toMatchObject({ outcome: 'failed', code: 'refund_cancelled' });
  });

  it('creates one refund when the same refund is retried, with or without Cashfree’s idempotency memory', async () => {
    fake.refundsStartAs('SUCCESS');
    const paymentId = await paidOrder();
    const request = refundRequest(paymentId, { amount: 5_000 });
    const first = await rail.refund(request, call());
    expect(await rail.refund(request, call())).toEqual(first);
    fake.forgetIdempotencyKeys();
    expect(await rail.refund(request, call())).toEqual(first);
    expect(lastRequest()).toMatchObject({ method: 'GET', path: `/pg/orders/${paymentId}/refunds/${request.refundId}` });
    expect(fake.order(paymentId)?.refunds.size).toBe(1);
  });

  it('reports a refund of an unpaid order as failed', async () => {
    const request = chargeRequest();
    await rail.charge(request, call());
    expect(await rail.refund(refundRequest(request.paymentId), call())).toMatchObject({ outcome: 'failed', code: 'order_not_paid' });
  });

  it('throws transient on a 500 and not transient on rejected credentials', async () => {
    const paymentId = await paidOrder();
    fake.failNext(1, 500);
    expect((await railError(rail.refund(refundRequest(paymentId), call()))).transient).toBe(true);
    const badRail = createCashfreeRail({ ...config, clientSecret: 'cfsk_ma_test_wrong_secret_4321' });
    const error = await railError(badRail.refund(refundRequest(paymentId), call()));
    expect(error).toMatchObject({ code: 'rail_auth_failed', transient: false });
    expect(error.message).not.toContain('cfsk_ma_test_wrong_secret_4321');
  });

  it('refuses fractional or non-INR refund amounts without calling Cashfree', async () => {
    const paymentId = await paidOrder();
    const sent = fake.requests.length;
    expect((await railError(rail.refund(refundRequest(paymentId, { amount: 0.5 }), call()))).code).toBe('invalid_amount');
    expect((await railError(rail.refund(refundRequest(paymentId, { currency: 'USD' }), call()))).code).toBe('currency_not_supported');
    expect(fake.requests.length).toBe(sent);
  });
});

describe('Cashfree rail: webhooks', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');

  function deliver(type: string, data: unknown, options: { secret?: string; timestampMs?: number; now?: Date } = {}): RailWebhookEvent {
    const signed = signedWebhook(type, data, { secret: options.secret ?? config.clientSecret, timestampMs: options.timestampMs ?? now.getTime() });
    return rail.parseWebhook!({ rawBody: Buffer.from(signed.body), headers: signed.headers, now: options.now ?? now });
  }

  function rejected(run: () => unknown): WebhookSignatureError {
    const thrown = thrownBy(run);
    expect(thrown).toBeInstanceOf(WebhookSignatureError);
    expect((thrown as Error).message).not.toContain(config.clientSecret);
    return thrown as WebhookSignatureError;
  }

  /** Authentic but not a well-formed event: its own error, never a signature error. */
  function malformed(run: () => unknown): WebhookPayloadError {
    const thrown = thrownBy(run);
    expect(thrown).toBeInstanceOf(WebhookPayloadError);
    expect(thrown).not.toBeInstanceOf(WebhookSignatureError);
    expect((thrown as Error).message).not.toContain(config.clientSecret);
    return thrown as WebhookPayloadError;
  }

  function signedBody(body: string, timestamp = String(now.getTime())) {
    const signature = createHmac('sha256', config.clientSecret).update(timestamp + body).digest('base64');
    return { rawBody: Buffer.from(body), headers: { 'x-webhook-signature': signature, 'x-webhook-timestamp': timestamp }, now };
  }

  async function order(): Promise<string> {
    const request = chargeRequest();
    await rail.charge(request, call());
    return request.paymentId;
  }

  it('signs exactly as the research formula says: base64(HMAC-SHA256(timestamp + rawBody, secret))', () => {
    const signed = signedWebhook('PAYMENT_SUCCESS_WEBHOOK', { a: 1 }, { secret: 'secret-key', timestampMs: 1_700_000_000_123 });
    expect(signed.headers['x-webhook-timestamp']).toBe('1700000000123');
    const hmac = createHmac('sha256', Buffer.from('secret-key', 'utf8'));
    hmac.update(Buffer.concat([Buffer.from('1700000000123', 'utf8'), Buffer.from(signed.body, 'utf8')]));
    expect(signed.headers['x-webhook-signature']).toBe(hmac.digest().toString('base64'));
    expect(JSON.parse(signed.body)).toMatchObject({ type: 'PAYMENT_SUCCESS_WEBHOOK', data: { a: 1 } });
  });

  it('translates PAYMENT_SUCCESS_WEBHOOK into a settled payment with a stable event id', async () => {
    const paymentId = await order();
    fake.markPaid(paymentId);
    const data = fake.paymentWebhookData(paymentId, 'SUCCESS');
    const cfPaymentId = String(fake.order(paymentId)?.cfPaymentId);
    const event = deliver('PAYMENT_SUCCESS_WEBHOOK', data);
    expect(event).toEqual({
      kind: 'payment',
      eventId: `PAYMENT_SUCCESS_WEBHOOK:${cfPaymentId}`,
      type: 'PAYMENT_SUCCESS_WEBHOOK',
      paymentId,
      reference: cfPaymentId,
      outcome: 'settled',
    });
    // A redelivery (new timestamp, same payload) is the same event.
    expect(deliver('PAYMENT_SUCCESS_WEBHOOK', data, { timestampMs: now.getTime() + 60_000 }).eventId).toBe(event.eventId);
  });

  it('translates PAYMENT_FAILED_WEBHOOK into a failed payment with Cashfree’s error details', async () => {
    const paymentId = await order();
    const event = deliver('PAYMENT_FAILED_WEBHOOK', fake.paymentWebhookData(paymentId, 'FAILED'));
    expect(event).toMatchObject({
      kind: 'payment',
      paymentId,
      outcome: 'failed',
      failureCode: 'TRANSACTION_DECLINED',
      failureMessage: 'Transaction declined by the bank',
    });
    expect(event.eventId).toMatch(/^PAYMENT_FAILED_WEBHOOK:\d+$/);
  });

  it('translates PAYMENT_USER_DROPPED_WEBHOOK into a failed payment', async () => {
    const paymentId = await order();
    const event = deliver('PAYMENT_USER_DROPPED_WEBHOOK', fake.paymentWebhookData(paymentId, 'USER_DROPPED'));
    expect(event).toMatchObject({ kind: 'payment', paymentId, outcome: 'failed', failureCode: 'user_dropped' });
  });

  it('does not pass on a success whose payment amount differs from the order amount', async () => {
    const paymentId = await order();
    const data = fake.paymentWebhookData(paymentId, 'SUCCESS') as { payment: Record<string, unknown> };
    data.payment.payment_amount = 1;
    expect(deliver('PAYMENT_SUCCESS_WEBHOOK', data).kind).toBe('ignored');
  });

  it('rejects an order amount with fractional paise', async () => {
    const paymentId = await order();
    const data = fake.paymentWebhookData(paymentId, 'SUCCESS') as { order: Record<string, unknown> };
    data.order.order_amount = 250.005;
    expect(malformed(() => deliver('PAYMENT_SUCCESS_WEBHOOK', data)).message).toContain('exact INR amount');
  });

  it('rejects a payment webhook without a payment id', async () => {
    const paymentId = await order();
    const data = fake.paymentWebhookData(paymentId, 'SUCCESS') as { payment: Record<string, unknown> };
    delete data.payment.cf_payment_id;
    expect(malformed(() => deliver('PAYMENT_SUCCESS_WEBHOOK', data)).message).toContain('data.payment.cf_payment_id');
  });

  it('rejects a signature made with another secret', async () => {
    const data = fake.paymentWebhookData(await order(), 'SUCCESS');
    const error = rejected(() => deliver('PAYMENT_SUCCESS_WEBHOOK', data, { secret: 'cfsk_ma_test_forger_secret' }));
    expect(error.message).toContain('signature');
  });

  it('rejects a body changed after signing', async () => {
    const signed = signedWebhook('PAYMENT_SUCCESS_WEBHOOK', fake.paymentWebhookData(await order(), 'SUCCESS'), { secret: config.clientSecret, timestampMs: now.getTime() });
    const tampered = signed.body.replace('"payment_status":"SUCCESS"', '"payment_status":"SUCCESS" ');
    expect(tampered).not.toBe(signed.body);
    rejected(() => rail.parseWebhook!({ rawBody: Buffer.from(tampered), headers: signed.headers, now }));
  });

  it('rejects a timestamp that is not the one signed', async () => {
    const signed = signedWebhook('PAYMENT_SUCCESS_WEBHOOK', fake.paymentWebhookData(await order(), 'SUCCESS'), { secret: config.clientSecret, timestampMs: now.getTime() });
    const headers = { ...signed.headers, 'x-webhook-timestamp': String(now.getTime() + 1) };
    rejected(() => rail.parseWebhook!({ rawBody: Buffer.from(signed.body), headers, now }));
  });

  it.each([
    ['six minutes old', -6 * 60_000],
    ['six minutes in the future', 6 * 60_000],
  ])('rejects a correctly signed webhook %s', async (_label, offset) => {
    const data = fake.paymentWebhookData(await order(), 'SUCCESS');
    const error = rejected(() => deliver('PAYMENT_SUCCESS_WEBHOOK', data, { timestampMs: now.getTime() + offset }));
    expect(error.message).toContain('5 minutes');
  });

  it('accepts a webhook four minutes old', async () => {
    const data = fake.paymentWebhookData(await order(), 'FAILED');
    expect(deliver('PAYMENT_FAILED_WEBHOOK', data, { timestampMs: now.getTime() - 4 * 60_000 }).kind).toBe('payment');
  });

  it.each(['x-webhook-signature', 'x-webhook-timestamp'])('rejects a webhook without %s', async (header) => {
    const signed = signedWebhook('PAYMENT_SUCCESS_WEBHOOK', fake.paymentWebhookData(await order(), 'SUCCESS'), { secret: config.clientSecret, timestampMs: now.getTime() });
    const headers: Record<string, string | undefined> = { ...signed.headers, [header]: undefined };
    const error = rejected(() => rail.parseWebhook!({ rawBody: Buffer.from(signed.body), headers, now }));
    expect(error.message).toContain(header);
  });

  it('rejects repeated signature headers and a timestamp in seconds-with-decimals', async () => {
    const signed = signedWebhook('PAYMENT_SUCCESS_WEBHOOK', fake.paymentWebhookData(await order(), 'SUCCESS'), { secret: config.clientSecret, timestampMs: now.getTime() });
    const sig = signed.headers['x-webhook-signature']!;
    rejected(() => rail.parseWebhook!({ rawBody: Buffer.from(signed.body), headers: { ...signed.headers, 'x-webhook-signature': [sig, sig] }, now }));
    rejected(() => rail.parseWebhook!({ rawBody: Buffer.from(signed.body), headers: { ...signed.headers, 'x-webhook-timestamp': '1764244800.5' }, now }));
  });

  it('answers a signed body that is not JSON, or JSON without a type, as an authentic but malformed payload', () => {
    malformed(() => rail.parseWebhook!(signedBody('not json')));
    malformed(() => rail.parseWebhook!(signedBody(JSON.stringify({ data: {}, event_time: now.toISOString() }))));
    malformed(() => rail.parseWebhook!(signedBody(JSON.stringify({ type: 42, data: {} }))));
    malformed(() => rail.parseWebhook!(signedBody('[1,2,3]')));
  });

  it('checks the signature before the payload: a forged malformed body is a signature error', () => {
    const forged = { ...signedBody('not json'), headers: { 'x-webhook-signature': 'AAAA', 'x-webhook-timestamp': String(now.getTime()) } };
    rejected(() => rail.parseWebhook!(forged));
  });

  it('answers a payment webhook in another currency, or with an order amount that is not a number, as malformed', async () => {
    const paymentId = await order();
    const inUsd = fake.paymentWebhookData(paymentId, 'FAILED') as { order: Record<string, unknown> };
    inUsd.order.order_currency = 'USD';
    malformed(() => deliver('PAYMENT_FAILED_WEBHOOK', inUsd));
    const textual = fake.paymentWebhookData(paymentId, 'FAILED') as { order: Record<string, unknown> };
    textual.order.order_amount = { rupees: 250 };
    malformed(() => deliver('PAYMENT_FAILED_WEBHOOK', textual));
  });

  it('ignores an unknown type with a stable event id', () => {
    const data = { settlement: { cf_settlement_id: 42 } };
    const event = deliver('SETTLEMENT_SUCCESS_WEBHOOK', data);
    expect(event.kind).toBe('ignored');
    expect(event.type).toBe('SETTLEMENT_SUCCESS_WEBHOOK');
    expect(deliver('SETTLEMENT_SUCCESS_WEBHOOK', data).eventId).toBe(event.eventId);
  });

  it('translates a final refund webhook into that refund’s status, keyed by refund and status; a pending one is ignored', () => {
    const refund = { cf_refund_id: 11_325_632, refund_id: 'rfd_1', order_id: 'pay_1', refund_amount: 2.0, refund_currency: 'INR' };
    expect(deliver('REFUND_STATUS_WEBHOOK', { refund: { ...refund, refund_status: 'SUCCESS' } })).toEqual({
      kind: 'refund_status',
      eventId: 'REFUND_STATUS_WEBHOOK:11325632:SUCCESS',
      type: 'REFUND_STATUS_WEBHOOK',
      paymentId: 'pay_1',
      reference: '11325632',
      refundId: 'rfd_1',
      amount: 200,
      result: { outcome: 'succeeded', reference: '11325632' },
    });
    expect(deliver('REFUND_STATUS_WEBHOOK', { refund: { ...refund, refund_status: 'CANCELLED', status_description: 'Refund cancelled by the bank' } })).toMatchObject({
      kind: 'refund_status',
      eventId: 'REFUND_STATUS_WEBHOOK:11325632:CANCELLED',
      result: { outcome: 'failed', code: 'refund_cancelled', message: 'Refund cancelled by the bank' },
    });
    expect(deliver('REFUND_STATUS_WEBHOOK', { refund: { ...refund, refund_status: 'PENDING' } })).toEqual({ kind: 'ignored', eventId: 'REFUND_STATUS_WEBHOOK:11325632:PENDING', type: 'REFUND_STATUS_WEBHOOK' });
    expect(deliver('REFUND_STATUS_WEBHOOK', { refund: { ...refund, refund_amount: 2.005, refund_status: 'SUCCESS' } }).kind).toBe('ignored');
  });
});
