import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StripeRailConfig } from '../../src/config.ts';
import { RailError, WebhookPayloadError, WebhookSignatureError, type RailAdapter, type RailChargeRequest, type RailStatusRequest } from '../../src/modules/rails/rail-adapter.ts';
import { createStripeRail, STRIPE_API_VERSION } from '../../src/modules/rails/stripe/stripe-rail.ts';
import { signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../support/fake-stripe.ts';
import { thrownBy } from '../support/assertions.ts';

const WEBHOOK_SECRET = 'whsec_test_frameosFakeStripeSecret';

let fake: FakeStripe;
let rail: RailAdapter;
let counter = 0;

function config(overrides: Partial<StripeRailConfig> = {}): StripeRailConfig {
  return { secretKey: fake.secretKey, webhookSecret: WEBHOOK_SECRET, apiBaseUrl: fake.url, ...overrides };
}

function chargeRequest(overrides: Partial<RailChargeRequest> = {}): RailChargeRequest {
  counter += 1;
  return {
    paymentId: `pay_test${Date.now()}${counter}`,
    orgId: 'org_test1',
    amount: 1250,
    currency: 'USD',
    vendor: { vendorId: 'ven_test1', settings: {} },
    payer: { customer: 'cus_test1', payment_method: 'pm_card_visa' },
    description: 'Test purchase',
    ...overrides,
  };
}

function statusRequest(paymentId: string, reference: string | null): RailStatusRequest {
  return { paymentId, reference, amount: 1250, currency: 'USD', details: {} };
}

const live = (): { signal: AbortSignal } => ({ signal: new AbortController().signal });

async function railError(promise: Promise<unknown>): Promise<RailError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RailError);
  return error as RailError;
}

async function chargedPayment(overrides: Partial<RailChargeRequest> = {}): Promise<{ paymentId: string; reference: string }> {
  const request = chargeRequest(overrides);
  const result = await rail.charge(request, live());
  if (result.outcome !== 'pending') throw new Error(`expected a pending charge, got ${JSON.stringify(result)}`);
  return { paymentId: request.paymentId, reference: result.reference };
}

beforeAll(async () => {
  fake = await startFakeStripe();
  rail = createStripeRail(config());
});

afterAll(async () => {
  await fake.stop();
});

afterEach(() => {
  // A control left armed by a failing test must not leak into the next one.
  fake.delayNext(0);
});

describe('Stripe rail: configuration', () => {
  it('pins the API version the installed SDK is built for and sends it on every call', async () => {
    expect(STRIPE_API_VERSION).toBe('2026-10-28.endive');
    await rail.charge(chargeRequest(), live());
    expect(fake.requests.at(-1)?.stripeVersion).toBe(STRIPE_API_VERSION);
  });

  it('rejects a base URL with a path, which the SDK would silently drop', () => {
    expect(() => createStripeRail(config({ apiBaseUrl: `${fake.url}/stripe` }))).toThrowError(/without a path/);
  });

  it('is named stripe and accepts any currency', () => {
    expect(rail.name).toBe('stripe');
    expect(rail.currencies).toEqual([]);
  });
});

describe('Stripe rail: charge', () => {
  it('confirms an off-session PaymentIntent and reports it pending with its reference', async () => {
    const request = chargeRequest({ currency: 'EUR', amount: 4999 });
    const result = await rail.charge(request, live());
    expect(result).toMatchObject({ outcome: 'pending', reference: expect.stringMatching(/^pi_/) });
    const sent = fake.requests.at(-1);
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/payment_intents', idempotencyKey: request.paymentId });
    expect(sent?.contentType).toContain('application/x-www-form-urlencoded');
    expect(sent?.params).toMatchObject({
      amount: '4999',
      currency: 'eur',
      customer: 'cus_test1',
      payment_method: 'pm_card_visa',
      confirm: 'true',
      off_session: 'true',
      description: 'Test purchase',
      metadata: { payment_id: request.paymentId, org_id: 'org_test1', vendor: 'ven_test1' },
    });
  });

  it('charges once when the same payment id is sent twice', async () => {
    const before = fake.counts();
    const request = chargeRequest();
    const first = await rail.charge(request, live());
    const second = await rail.charge(request, live());
    expect(second).toEqual(first);
    expect(fake.requests.at(-1)?.replayed).toBe(true);
    const after = fake.counts();
    expect(after.paymentIntents - before.paymentIntents).toBe(1);
    expect(after.succeededCharges - before.succeededCharges).toBe(1);
  });

  it('refuses to reuse a payment id for different parameters (idempotency error, not transient)', async () => {
    const request = chargeRequest();
    await rail.charge(request, live());
    const error = await railError(rail.charge({ ...request, amount: request.amount + 1 }, live()));
    expect(error).toMatchObject({ code: 'rail_idempotency_conflict', transient: false, httpStatus: 400 });
  });

  it('reports a card decline as failed with the decline code, and nothing charged', async () => {
    const before = fake.counts();
    const result = await rail.charge(chargeRequest({ payer: { customer: 'cus_test1', payment_method: 'pm_card_chargeDeclined' } }), live());
    expect(result).toMatchObject({ outcome: 'failed', code: 'generic_decline', message: 'Your card was declined.', reference: expect.stringMatching(/^pi_/) });
    expect(fake.counts().succeededCharges).toBe(before.succeededCharges);
  });

  it('reports a card that needs authentication off-session as failed (authentication_required)', async () => {
    const result = await rail.charge(chargeRequest({ payer: { customer: 'cus_test1', payment_method: 'pm_card_authenticationRequired' } }), live());
    expect(result).toMatchObject({ outcome: 'failed', code: 'authentication_required', reference: expect.stringMatching(/^pi_/) });
  });

  it('reports a PaymentIntent left in requires_action as failed (authentication_required)', async () => {
    const result = await rail.charge(chargeRequest({ payer: { customer: 'cus_test1', payment_method: 'pm_fake_requiresAction' } }), live());
    expect(result).toMatchObject({ outcome: 'failed', code: 'authentication_required', reference: expect.stringMatching(/^pi_/) });
  });

  it('keeps a processing PaymentIntent pending', async () => {
    const result = await rail.charge(chargeRequest({ payer: { customer: 'cus_test1', payment_method: 'pm_fake_processing' } }), live());
    expect(result).toMatchObject({ outcome: 'pending', details: { stripe_status: 'processing' } });
  });

  it('refuses without calling Stripe when the payer has no customer or payment method', async () => {
    const sent = fake.requests.length;
    const error = await railError(rail.charge(chargeRequest({ payer: { customer: 'cus_test1' } }), live()));
    expect(error).toMatchObject({ code: 'payer_not_configured', transient: false });
    expect(error.message).toContain('PUT /rail-accounts/stripe');
    expect(fake.requests.length).toBe(sent);
  });

  it('turns a Stripe 500 into a transient error, and the retry charges once', async () => {
    const before = fake.counts();
    const request = chargeRequest();
    fake.failNext(1, 500);
    const error = await railError(rail.charge(request, live()));
    expect(error).toMatchObject({ code: 'rail_unavailable', transient: true, httpStatus: 500 });
    expect(fake.counts().paymentIntents).toBe(before.paymentIntents);
    expect(fake.requests.filter((r) => r.idempotencyKey === request.paymentId)).toHaveLength(1); // one attempt, no SDK retry
    await expect(rail.charge(request, live())).resolves.toMatchObject({ outcome: 'pending' });
    expect(fake.counts().succeededCharges - before.succeededCharges).toBe(1);
  });

  it('turns a 429 into a transient rate-limit error', async () => {
    fake.failNext(1, 429);
    const error = await railError(rail.charge(chargeRequest(), live()));
    expect(error).toMatchObject({ code: 'rail_rate_limited', transient: true, httpStatus: 429 });
  });

  it('abandons the call when the caller aborts, as a transient error; a retry replays the same PaymentIntent', async () => {
    const before = fake.counts();
    const request = chargeRequest();
    const controller = new AbortController();
    fake.delayNext(60_000);
    const arrived = fake.nextRequest();
    const pending = rail.charge(request, { signal: controller.signal });
    await arrived;
    controller.abort(new DOMException('caller timeout', 'TimeoutError'));
    const error = await railError(pending);
    expect(error).toMatchObject({ code: 'rail_timeout', transient: true });
    const retried = await rail.charge(request, live());
    expect(retried).toMatchObject({ outcome: 'pending' });
    expect(fake.counts().paymentIntents - before.paymentIntents).toBe(1);
    expect(fake.counts().succeededCharges - before.succeededCharges).toBe(1);
  });

  it('does not call Stripe at all with an already-aborted signal', async () => {
    const sent = fake.requests.length;
    const controller = new AbortController();
    controller.abort();
    const error = await railError(rail.charge(chargeRequest(), { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'rail_timeout', transient: true });
    expect(fake.requests.length).toBe(sent);
  });

  it('turns an answer slower than the SDK timeout into a transient timeout', async () => {
    const impatient = createStripeRail(config(), { timeoutMs: 200 });
    fake.delayNext(60_000);
    const error = await railError(impatient.charge(chargeRequest(), live()));
    expect(error).toMatchObject({ code: 'rail_timeout', transient: true });
  });

  it('reports a wrong secret key as non-transient without repeating the key', async () => {
    const wrongKey = 'sk_test_wrongKeyAbcdefghijklmnop123456';
    const wrong = createStripeRail(config({ secretKey: wrongKey }));
    const error = await railError(wrong.charge(chargeRequest(), live()));
    expect(error).toMatchObject({ code: 'rail_auth_failed', transient: false, httpStatus: 401 });
    expect(error.message).toContain('Invalid API Key');
    expect(error.message).not.toContain(wrongKey);
    expect(fake.requests.at(-1)?.authorized).toBe(false);
  });

  it('redacts the secret key even when an upstream error message echoes it', async () => {
    fake.failNext(1, 502, { message: `proxy refused Authorization: Bearer ${fake.secretKey}` });
    const error = await railError(rail.charge(chargeRequest(), live()));
    expect(error.transient).toBe(true);
    expect(error.message).toContain('proxy refused');
    expect(error.message).not.toContain(fake.secretKey);
  });

  it('reports an unknown payment method as a non-transient rejection', async () => {
    const error = await railError(rail.charge(chargeRequest({ payer: { customer: 'cus_test1', payment_method: 'pm_doesNotExist' } }), live()));
    expect(error).toMatchObject({ code: 'rail_request_rejected', transient: false, httpStatus: 400 });
    expect(error.message).toContain('resource_missing');
  });
});

describe('Stripe rail: status', () => {
  it('settles a succeeded PaymentIntent by its reference', async () => {
    const { paymentId, reference } = await chargedPayment();
    const result = await rail.status(statusRequest(paymentId, reference), live());
    expect(result).toMatchObject({ outcome: 'settled', reference, details: { charge: expect.stringMatching(/^ch_/) } });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/payment_intents/${reference}` });
  });

  it('finds the PaymentIntent by our payment id when there is no reference', async () => {
    const { paymentId, reference } = await chargedPayment();
    const result = await rail.status(statusRequest(paymentId, null), live());
    expect(result).toMatchObject({ outcome: 'settled', reference });
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/payment_intents/search', params: { query: `metadata['payment_id']:'${paymentId}'` } });
  });

  it('reports not_found for an unknown payment id and an unknown reference', async () => {
    await expect(rail.status(statusRequest('pay_neverCharged', null), live())).resolves.toEqual({ outcome: 'not_found' });
    await expect(rail.status(statusRequest('pay_neverCharged', 'pi_doesNotExist'), live())).resolves.toEqual({ outcome: 'not_found' });
  });

  it('keeps processing pending, and fails canceled and declined PaymentIntents', async () => {
    const processing = await chargedPayment({ payer: { customer: 'cus_test1', payment_method: 'pm_fake_processing' } });
    await expect(rail.status(statusRequest(processing.paymentId, processing.reference), live())).resolves.toMatchObject({ outcome: 'pending' });

    fake.setIntentStatus(processing.reference, 'canceled', 'abandoned');
    await expect(rail.status(statusRequest(processing.paymentId, processing.reference), live())).resolves.toMatchObject({ outcome: 'failed', code: 'abandoned' });

    const declined = chargeRequest({ payer: { customer: 'cus_test1', payment_method: 'pm_card_chargeDeclined' } });
    await rail.charge(declined, live());
    await expect(rail.status(statusRequest(declined.paymentId, null), live())).resolves.toMatchObject({ outcome: 'failed', code: 'generic_decline' });
  });

  it('settles a processing payment once Stripe reports it succeeded', async () => {
    const { paymentId, reference } = await chargedPayment({ payer: { customer: 'cus_test1', payment_method: 'pm_fake_processing' } });
    fake.setIntentStatus(reference, 'succeeded');
    await expect(rail.status(statusRequest(paymentId, reference), live())).resolves.toMatchObject({ outcome: 'settled', reference });
  });

  it('turns a 503 during status into a transient error', async () => {
    fake.failNext(1, 503);
    const error = await railError(rail.status(statusRequest('pay_any', 'pi_any'), live()));
    expect(error).toMatchObject({ transient: true, httpStatus: 503 });
  });
});

describe('Stripe rail: refund', () => {
  function refundRequest(paymentId: string, reference: string, amount: number) {
    counter += 1;
    return { paymentId, refundId: `rfd_test${Date.now()}${counter}`, reference, amount, currency: 'USD', reason: 'requested by agent' };
  }

  it('refunds a payment in full', async () => {
    const { paymentId, reference } = await chargedPayment();
    const request = refundRequest(paymentId, reference, 1250);
    const result = await rail.refund(request, live());
    expect(result).toMatchObject({ outcome: 'succeeded', reference: expect.stringMatching(/^re_/) });
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/refunds',
      idempotencyKey: request.refundId,
      params: { payment_intent: reference, amount: '1250', metadata: { payment_id: paymentId, refund_id: request.refundId, reason: 'requested by agent' } },
    });
  });

  it('refunds partially, and fails a refund beyond what is left without refunding anything', async () => {
    const { paymentId, reference } = await chargedPayment();
    const refundsBefore = fake.counts().refunds;
    await expect(rail.refund(refundRequest(paymentId, reference, 500), live())).resolves.toMatchObject({ outcome: 'succeeded' });
    const over = await rail.refund(refundRequest(paymentId, reference, 751), live());
    expect(over).toMatchObject({ outcome: 'failed', code: 'amount_too_large' });
    expect(fake.counts().refunds - refundsBefore).toBe(1);
    await expect(rail.refund(refundRequest(paymentId, reference, 750), live())).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  it('refunds once when the same refund id is sent twice', async () => {
    const { paymentId, reference } = await chargedPayment();
    const refundsBefore = fake.counts().refunds;
    const request = refundRequest(paymentId, reference, 300);
    const first = await rail.refund(request, live());
    const second = await rail.refund(request, live());
    expect(second).toEqual(first);
    expect(fake.counts().refunds - refundsBefore).toBe(1);
  });

  it('turns a Stripe 500 during a refund into a transient error', async () => {
    const { paymentId, reference } = await chargedPayment();
    fake.failNext(1, 500);
    const error = await railError(rail.refund(refundRequest(paymentId, reference, 100), live()));
    expect(error).toMatchObject({ code: 'rail_unavailable', transient: true });
  });
});

describe('Stripe rail: webhooks', () => {
  const now = new Date('2031-03-14T12:00:00Z'); // far from the real clock: proves the given receive time is used
  const nowSeconds = Math.floor(now.getTime() / 1000);

  function parse(body: Buffer, headers: Record<string, string | undefined>, at: Date = now) {
    if (!rail.parseWebhook) throw new Error('the Stripe rail must parse webhooks');
    return rail.parseWebhook({ rawBody: body, headers, now: at });
  }

  function signed(event: object, timestamp = nowSeconds, secret = WEBHOOK_SECRET) {
    return signedWebhook(event, secret, timestamp);
  }

  it('translates payment_intent.succeeded into a settled payment with our payment id', async () => {
    const { paymentId, reference } = await chargedPayment();
    const event = fake.eventFor('payment_intent.succeeded', reference);
    const { body, headers } = signed(event);
    expect(parse(body, headers)).toEqual({ kind: 'payment', eventId: event.id, type: 'payment_intent.succeeded', paymentId, reference, outcome: 'settled' });
  });

  it('translates payment_intent.payment_failed into a failed payment with the decline', async () => {
    const request = chargeRequest({ payer: { customer: 'cus_test1', payment_method: 'pm_card_chargeDeclined' } });
    const declined = await rail.charge(request, live());
    if (declined.outcome !== 'failed' || !declined.reference) throw new Error('expected a declined PaymentIntent');
    const event = fake.eventFor('payment_intent.payment_failed', declined.reference);
    const { body, headers } = signed(event);
    expect(parse(body, headers)).toMatchObject({
      kind: 'payment',
      outcome: 'failed',
      paymentId: request.paymentId,
      reference: declined.reference,
      failureCode: 'generic_decline',
      failureMessage: 'Your card was declined.',
    });
  });

  it('translates charge.refunded into the total refunded on the payment', async () => {
    const { paymentId, reference } = await chargedPayment();
    await rail.refund({ paymentId, refundId: `rfd_wh${Date.now()}`, reference, amount: 400, currency: 'USD', reason: 'partial' }, live());
    const event = fake.eventFor('charge.refunded', reference);
    const { body, headers } = signed(event);
    expect(parse(body, headers)).toEqual({ kind: 'refund', eventId: event.id, type: 'charge.refunded', paymentId, reference, amountRefunded: 400 });
  });

  it('translates payment_intent.canceled into a failed payment, and a foreign PaymentIntent has no payment id', () => {
    const intent = { id: 'pi_foreign', object: 'payment_intent', status: 'canceled', cancellation_reason: 'requested_by_customer', last_payment_error: null, metadata: {} };
    const { body, headers } = signed(stripeEvent('payment_intent.canceled', intent));
    expect(parse(body, headers)).toMatchObject({ kind: 'payment', outcome: 'failed', paymentId: null, reference: 'pi_foreign', failureCode: 'requested_by_customer' });
  });

  it('ignores event types the rail does not act on', () => {
    const event = stripeEvent('customer.created', { id: 'cus_new', object: 'customer' });
    const { body, headers } = signed(event);
    expect(parse(body, headers)).toEqual({ kind: 'ignored', eventId: event.id, type: 'customer.created' });
  });

  it('rejects a signature made with another secret', () => {
    const { body, headers } = signed(stripeEvent('customer.created', { id: 'cus_x' }), nowSeconds, 'whsec_attacker');
    expect(() => parse(body, headers)).toThrowError(WebhookSignatureError);
  });

  it('rejects a body altered after signing', () => {
    const { body, headers } = signed(stripeEvent('charge.refunded', { id: 'ch_x', object: 'charge', amount_refunded: 100, payment_intent: 'pi_x', metadata: {} }));
    const tampered = Buffer.from(body.toString('utf8').replace('"amount_refunded": 100', '"amount_refunded": 9999'));
    expect(tampered.equals(body)).toBe(false);
    expect(() => parse(tampered, headers)).toThrowError(/signature/i);
  });

  it('judges the timestamp against the given receive time: 299 s old is accepted, 301 s old is rejected', () => {
    const event = stripeEvent('customer.created', { id: 'cus_x' });
    const { body, headers } = signed(event, nowSeconds - 299);
    expect(parse(body, headers)).toMatchObject({ kind: 'ignored' });
    const stale = signed(event, nowSeconds - 301);
    expect(() => parse(stale.body, stale.headers)).toThrowError(/tolerance/);
  });

  it('refuses a signature dated in the future beyond the tolerance: 299 s ahead is accepted, 301 s and 10 minutes ahead are rejected', () => {
    const event = stripeEvent('customer.created', { id: 'cus_x' });
    const { body, headers } = signed(event, nowSeconds + 299);
    expect(parse(body, headers)).toMatchObject({ kind: 'ignored' });
    for (const ahead of [301, 600]) {
      const future = signed(event, nowSeconds + ahead);
      expect(() => parse(future.body, future.headers)).toThrowError(WebhookSignatureError);
      expect(() => parse(future.body, future.headers)).toThrowError(/in the future/);
    }
  });

  it('answers an authentic body that is not a Stripe event as a malformed payload, not a signature error', () => {
    for (const body of ['not json', '{"hello":"world"}', '[]', JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: null } }), JSON.stringify({ id: 'evt_1', object: 'v2.core.event', type: 'x' })]) {
      const { body: raw, headers } = signedWebhook(body, WEBHOOK_SECRET, nowSeconds);
      const thrown = thrownBy(() => parse(raw, headers));
      expect(thrown, body).toBeInstanceOf(WebhookPayloadError);
      expect(thrown, body).not.toBeInstanceOf(WebhookSignatureError);
    }
  });

  function malformed(event: object): WebhookPayloadError {
    const { body, headers } = signed(event);
    const thrown = thrownBy(() => parse(body, headers));
    expect(thrown, JSON.stringify(event)).toBeInstanceOf(WebhookPayloadError);
    return thrown as WebhookPayloadError;
  }

  it.each([
    ['a fraction', 1.5],
    ['a string', '2500'],
    ['beyond a safe integer', 1e308],
    ['negative', -1],
    ['missing', undefined],
  ])('answers charge.refunded with amount_refunded %s as a malformed payload (never a 500, never a refund)', (_label, amountRefunded) => {
    const charge = { id: 'ch_x', object: 'charge', amount: 2500, amount_refunded: amountRefunded, currency: 'usd', payment_intent: 'pi_x', metadata: { payment_id: 'pay_x' } };
    expect(malformed(stripeEvent('charge.refunded', charge)).message).toContain('amount_refunded');
  });

  it('answers PaymentIntent and charge objects of the wrong shape as malformed payloads', () => {
    const intent = { id: 'pi_x', object: 'payment_intent', status: 'succeeded', metadata: { payment_id: 'pay_x' }, last_payment_error: null, cancellation_reason: null };
    malformed(stripeEvent('payment_intent.succeeded', { ...intent, id: undefined }));
    malformed(stripeEvent('payment_intent.succeeded', { ...intent, id: 42 }));
    malformed(stripeEvent('payment_intent.succeeded', { ...intent, object: 'charge' }));
    malformed(stripeEvent('payment_intent.succeeded', { ...intent, metadata: { payment_id: 42 } }));
    malformed(stripeEvent('payment_intent.payment_failed', { ...intent, status: 'requires_payment_method', last_payment_error: { code: 404, message: 'x' } }));
    malformed(stripeEvent('payment_intent.canceled', { ...intent, status: 'canceled', cancellation_reason: 7 }));
    const charge = { id: 'ch_x', object: 'charge', amount_refunded: 100, currency: 'usd', payment_intent: 'pi_x', metadata: {} };
    malformed(stripeEvent('charge.refunded', { ...charge, payment_intent: 12 }));
    malformed(stripeEvent('charge.refunded', { ...charge, currency: undefined }));
    malformed(stripeEvent('charge.refunded', { ...charge, object: 'refund' }));
    // Types FrameOS does not act on are not read, so their objects are not checked.
    const ignored = signed(stripeEvent('customer.created', { id: 42 }));
    expect(parse(ignored.body, ignored.headers)).toMatchObject({ kind: 'ignored' });
  });

  it('reads an expanded payment_intent on a charge, and ignores a charge without one', () => {
    const charge = { id: 'ch_x', object: 'charge', amount_refunded: 700, currency: 'usd', payment_intent: { id: 'pi_exp', object: 'payment_intent' }, metadata: { payment_id: 'pay_x' } };
    const expanded = signed(stripeEvent('charge.refunded', charge));
    expect(parse(expanded.body, expanded.headers)).toMatchObject({ kind: 'refund', reference: 'pi_exp', paymentId: 'pay_x', amountRefunded: 700 });
    const orphan = signed(stripeEvent('charge.refunded', { ...charge, payment_intent: null }));
    expect(parse(orphan.body, orphan.headers)).toMatchObject({ kind: 'ignored' });
  });

  it('checks the signature before the payload: a forged body that is not JSON is a signature error', () => {
    const { body, headers } = signedWebhook('not json', 'whsec_attacker', nowSeconds);
    expect(() => parse(body, headers)).toThrowError(WebhookSignatureError);
  });

  it('rejects a missing signature header', () => {
    const { body } = signed(stripeEvent('customer.created', { id: 'cus_x' }));
    expect(() => parse(body, { 'content-type': 'application/json' })).toThrowError(WebhookSignatureError);
  });

  it('rejects a repeated or empty signature header, like every rail (one shared singleHeader)', () => {
    const { body, headers } = signed(stripeEvent('customer.created', { id: 'cus_x' }));
    const signature = headers['stripe-signature']!;
    expect(() => rail.parseWebhook!({ rawBody: body, headers: { 'stripe-signature': [signature, signature] }, now })).toThrowError(/exactly one non-empty stripe-signature header/);
    expect(() => rail.parseWebhook!({ rawBody: body, headers: { 'stripe-signature': '' }, now })).toThrowError(WebhookSignatureError);
    expect(parse(body, { 'Stripe-Signature': signature })).toMatchObject({ kind: 'ignored' });
  });

  it('rejects every webhook when the webhook secret is empty (loadConfig never allows it; the adapter does not rely on that)', () => {
    const unconfigured = createStripeRail(config({ webhookSecret: '' }));
    const { body, headers } = signed(stripeEvent('customer.created', { id: 'cus_x' }));
    expect(() => unconfigured.parseWebhook?.({ rawBody: body, headers, now })).toThrowError(/STRIPE_WEBHOOK_SECRET/);
  });
});
