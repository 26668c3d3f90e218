import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { assertMinorAmount, DomainError, formatMajorUnits, maskCredential, parseMajorUnits } from '@frameos/domain';
import type { CashfreeRailConfig } from '../../../config.ts';
import {
  RailError,
  WebhookSignatureError,
  type RailAdapter,
  type RailPaymentResult,
  type RailRefundRequest,
  type RailRefundResult,
  type RailWebhookEvent,
  type RailWebhookInput,
} from '../rail-adapter.ts';
import { credentialRedactor, parseJson, singleHeader } from '../rail-http.ts';

/**
 * Cashfree Payment Gateway (India), REST API version 2023-08-01. A FrameOS payment becomes a Cashfree
 * order whose `order_id` is our payment id, so every retry names the same order and cannot charge twice.
 * One HTTP attempt per call: retries, backoff and circuit breaking belong to the wrapper around adapters.
 */

const API_VERSION = '2023-08-01';
const CURRENCY = 'INR';
/** Cashfree's official SDK accepts any timestamp; five minutes bounds how long a captured webhook can be replayed. */
const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

type Fetch = typeof fetch;

/** `options.fetch` replaces the global fetch (tests, proxies). */
export function createCashfreeRail(config: CashfreeRailConfig, options: { fetch?: Fetch } = {}): RailAdapter {
  const api = cashfreeClient(config, options.fetch ?? globalThis.fetch);
  return {
    name: 'cashfree',
    currencies: [CURRENCY],
    // GET /orders/{our payment id} reads the order itself: a 404 proves no order (so no charge) exists.
    consistentStatusLookup: true,
    charge: (request, { signal }) => createOrder(api, request, signal),
    status: (request, { signal }) => readOrder(api, request, signal),
    refund: (request, { signal }) => createRefund(api, request, signal),
    parseWebhook: (input) => parseCashfreeWebhook(input, config.clientSecret),
  };
}

// ---------------------------------------------------------------------------------------------------
// Wire shapes (only the fields the adapter reads)

/** Cashfree ids are strings in 2023-08-01 but numbers in some payloads (cf_payment_id, cf_refund_id). */
const ProviderId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const MajorAmount = z.union([z.number(), z.string()]);

const OrderSchema = z.object({
  cf_order_id: ProviderId.nullish(),
  order_id: z.string().min(1),
  order_amount: MajorAmount,
  order_currency: z.string(),
  order_status: z.string(),
  payment_session_id: z.string().nullish(),
});
type CashfreeOrder = z.infer<typeof OrderSchema>;

const RefundSchema = z.object({
  cf_refund_id: ProviderId.nullish(),
  refund_id: z.string().min(1),
  refund_amount: MajorAmount,
  refund_currency: z.string().nullish(),
  refund_status: z.string(),
  status_description: z.string().nullish(),
});
type CashfreeRefund = z.infer<typeof RefundSchema>;

const ErrorBodySchema = z.object({ message: z.string().optional(), code: z.string().optional() });

// ---------------------------------------------------------------------------------------------------
// HTTP

interface CashfreeResponse {
  status: number;
  body: unknown;
}

interface CashfreeCall {
  method: 'GET' | 'POST';
  path: string;
  signal: AbortSignal;
  body?: string;
  idempotencyKey?: string;
}

interface CashfreeClient {
  send(call: CashfreeCall): Promise<CashfreeResponse>;
  /** Turns a non-2xx answer into a RailError whose message cannot contain a credential. */
  failure(response: CashfreeResponse, action: string): RailError;
  redact(text: string): string;
}

function cashfreeClient(config: CashfreeRailConfig, fetchImpl: Fetch): CashfreeClient {
  const base = config.apiBaseUrl.replace(/\/+$/, '');
  const redact = credentialRedactor([config.clientId, config.clientSecret]);
  return {
    redact,
    send: (call) => send(fetchImpl, base, config, call),
    failure: (response, action) => httpFailure(response, action, config.clientId, redact),
  };
}

async function send(fetchImpl: Fetch, base: string, config: CashfreeRailConfig, call: CashfreeCall): Promise<CashfreeResponse> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-client-id': config.clientId,
    'x-client-secret': config.clientSecret,
    'x-api-version': API_VERSION,
  };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.idempotencyKey !== undefined) headers['x-idempotency-key'] = call.idempotencyKey;
  try {
    // `manual`: a followed redirect would carry x-client-secret to whatever host it points at.
    const response = await fetchImpl(base + call.path, { method: call.method, headers, body: call.body, signal: call.signal, redirect: 'manual' });
    return { status: response.status, body: parseJson(await response.text()) };
  } catch {
    // The underlying error can quote request details; the message we build cannot.
    const reason = call.signal.aborted ? 'the call was cancelled or timed out' : 'the network request failed';
    throw new RailError(call.signal.aborted ? 'rail_timeout' : 'rail_unreachable', `Cashfree ${call.method} ${call.path}: ${reason}`, true);
  }
}

function isSuccess(response: CashfreeResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

function httpFailure(response: CashfreeResponse, action: string, clientId: string, redact: (text: string) => string): RailError {
  const { status } = response;
  if (status === 401 || status === 403) {
    return new RailError(
      'rail_auth_failed',
      `Cashfree refused the API credentials (client id ${maskCredential(clientId)}) while trying to ${action}; check CASHFREE_CLIENT_ID, CASHFREE_CLIENT_SECRET and CASHFREE_ENV`,
      false,
      status,
    );
  }
  const { code, message } = providerError(response.body, redact);
  if (status === 429) return new RailError('rail_rate_limited', `Cashfree rate-limited the request to ${action}`, true, status);
  if (status >= 500) return new RailError('rail_unavailable', `Cashfree failed to ${action} (HTTP ${status}): ${message}`, true, status);
  if (status >= 400) return new RailError(code, `Cashfree refused to ${action}: ${message}`, false, status);
  return new RailError('rail_bad_response', `Cashfree answered HTTP ${status} when asked to ${action}`, false, status);
}

/** Cashfree's `{message, code, type}`, with anything that is not a plain error code replaced. */
function providerError(body: unknown, redact: (text: string) => string): { code: string; message: string } {
  const parsed = ErrorBodySchema.safeParse(body);
  const code = parsed.success && parsed.data.code && /^[a-z0-9_.]{1,80}$/i.test(parsed.data.code) ? parsed.data.code : 'rail_rejected';
  const message = parsed.success && parsed.data.message ? redact(parsed.data.message) : 'no error message';
  return { code, message };
}

/** A 2xx body that does not have the documented shape: the call may have taken effect, so retrying (idempotently) is right. */
function unreadable(what: string): RailError {
  return new RailError('rail_bad_response', `Cashfree answered with ${what} the adapter cannot read`, true);
}

const orderPath = (orderId: string): string => `/orders/${encodeURIComponent(orderId)}`;

// ---------------------------------------------------------------------------------------------------
// Money on the wire

function assertInr(currency: string): void {
  if (currency !== CURRENCY) {
    throw new RailError('currency_not_supported', `Cashfree moves INR only; ${String(currency)} cannot be paid on this rail`, false);
  }
}

/** Exact major-unit digits for a positive paise amount: 25000 → "250.00". */
function wireAmount(amount: number): string {
  try {
    return formatMajorUnits(assertMinorAmount(amount), CURRENCY);
  } catch (error) {
    if (error instanceof DomainError) throw new RailError('invalid_amount', `${error.message}; got ${String(amount)}`, false);
    throw error;
  }
}

/** Paise for a provider-reported amount, or null when it is not an exact INR amount. */
function paiseOrNull(major: string | number): number | null {
  try {
    return parseMajorUnits(major, CURRENCY);
  } catch {
    return null;
  }
}

/**
 * JSON.stringify writes 250.00 as 250 and has no way to emit a chosen number literal, so the amount is
 * placed by hand: the exact digits from formatMajorUnits are the only thing Cashfree ever reads as money.
 */
function jsonWithAmount(field: string, amountText: string, rest: Record<string, unknown>): string {
  if (!/^\d+(\.\d+)?$/.test(amountText)) throw new Error(`not a plain decimal: ${amountText}`);
  const others = JSON.stringify(rest).slice(1, -1);
  return `{${JSON.stringify(field)}:${amountText}${others ? `,${others}` : ''}}`;
}

// ---------------------------------------------------------------------------------------------------
// Charge and status

interface ExpectedPayment {
  paymentId: string;
  amount: number;
  currency: string;
}

async function createOrder(api: CashfreeClient, request: Parameters<RailAdapter['charge']>[0], signal: AbortSignal): Promise<RailPaymentResult> {
  assertInr(request.currency);
  const body = jsonWithAmount('order_amount', wireAmount(request.amount), {
    order_id: request.paymentId,
    order_currency: request.currency,
    customer_details: customerDetails(request.payer),
    order_note: request.description,
    order_tags: { payment_id: request.paymentId, org_id: request.orgId },
  });
  const created = await api.send({ method: 'POST', path: '/orders', body, idempotencyKey: request.paymentId, signal });
  if (isSuccess(created)) return orderResult(parseOrder(created.body), request);
  // An earlier attempt created the order (and its idempotency key has expired): read it instead.
  if (created.status === 409 && providerError(created.body, api.redact).code === 'order_already_exists') {
    return readOrder(api, request, signal, 'read the order that already exists');
  }
  throw api.failure(created, 'create the order');
}

async function readOrder(api: CashfreeClient, request: ExpectedPayment, signal: AbortSignal, action = 'read the order'): Promise<RailPaymentResult> {
  assertInr(request.currency);
  const response = await api.send({ method: 'GET', path: orderPath(request.paymentId), signal });
  if (isSuccess(response)) return orderResult(parseOrder(response.body), request);
  if (response.status === 404) return { outcome: 'not_found' };
  throw api.failure(response, action);
}

const PayerSchema = z.object({
  customer_id: z.string().trim().min(1),
  customer_phone: z.string().trim().min(1),
  customer_email: z.string().trim().min(1).optional(),
});

function customerDetails(payer: Record<string, unknown>): z.infer<typeof PayerSchema> {
  const parsed = PayerSchema.safeParse(payer);
  if (!parsed.success) {
    throw new RailError(
      'payer_not_configured',
      'The paying organization has no Cashfree customer details; set them with PUT /rail-accounts/cashfree {"customer_id","customer_phone"}',
      false,
    );
  }
  return parsed.data;
}

function parseOrder(body: unknown): CashfreeOrder {
  const parsed = OrderSchema.safeParse(body);
  if (!parsed.success) throw unreadable('an order');
  return parsed.data;
}

function orderResult(order: CashfreeOrder, expected: ExpectedPayment): RailPaymentResult {
  const mismatch = orderMismatch(order, expected);
  if (mismatch) return { outcome: 'unknown', message: mismatch };
  const reference = order.cf_order_id ?? order.order_id;
  const details: Record<string, string> = { cf_order_id: reference };
  switch (order.order_status) {
    case 'PAID':
      return { outcome: 'settled', reference, details };
    // Termination is asynchronous: a payment already in flight can still complete, so nothing is final yet.
    case 'ACTIVE':
    case 'TERMINATION_REQUESTED':
      if (order.payment_session_id) details.payment_session_id = order.payment_session_id;
      return { outcome: 'pending', reference, details };
    case 'EXPIRED':
      return { outcome: 'failed', reference, code: 'order_expired', message: 'The Cashfree order expired before it was paid' };
    case 'TERMINATED':
      return { outcome: 'failed', reference, code: 'order_terminated', message: 'The Cashfree order was terminated without being paid' };
    default:
      return { outcome: 'unknown', message: `Cashfree reported the order status ${JSON.stringify(order.order_status)}, which the adapter does not know` };
  }
}

/** Never settle a different order than the one we asked for: a description of the difference, or null. */
function orderMismatch(order: CashfreeOrder, expected: ExpectedPayment): string | null {
  if (order.order_id !== expected.paymentId) {
    return `Cashfree answered with order ${JSON.stringify(order.order_id)} when asked for ${expected.paymentId}`;
  }
  const paise = paiseOrNull(order.order_amount);
  if (order.order_currency !== expected.currency || paise !== expected.amount) {
    const reported = paise === null ? JSON.stringify(order.order_amount) : formatMajorUnits(paise, CURRENCY);
    return `Cashfree's order ${order.order_id} is for ${reported} ${order.order_currency} but the payment is for ${formatMajorUnits(expected.amount, CURRENCY)} ${expected.currency}; a different amount is never settled`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Refunds

async function createRefund(api: CashfreeClient, request: RailRefundRequest, signal: AbortSignal): Promise<RailRefundResult> {
  assertInr(request.currency);
  const path = `${orderPath(request.paymentId)}/refunds`;
  const body = jsonWithAmount('refund_amount', wireAmount(request.amount), { refund_id: request.refundId, refund_note: request.reason });
  const created = await api.send({ method: 'POST', path, body, idempotencyKey: request.refundId, signal });
  if (isSuccess(created)) return refundResult(parseRefund(created.body), request);
  if (created.status === 409) {
    // The refund id is taken: an earlier attempt of this same refund reached Cashfree.
    const existing = await api.send({ method: 'GET', path: `${path}/${encodeURIComponent(request.refundId)}`, signal });
    if (isSuccess(existing)) return refundResult(parseRefund(existing.body), request);
    if (existing.status !== 404) throw api.failure(existing, 'read the refund that already exists');
  }
  if (isRefusal(created.status)) {
    // Cashfree refused (amount above what is left, order not paid, unknown order): nothing was refunded.
    const { code, message } = providerError(created.body, api.redact);
    return { outcome: 'failed', code, message: `Cashfree refused the refund: ${message}` };
  }
  throw api.failure(created, 'create the refund');
}

/** A 4xx that is Cashfree's answer about this refund, rather than about our credentials or rate. */
function isRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429;
}

function parseRefund(body: unknown): CashfreeRefund {
  const parsed = RefundSchema.safeParse(body);
  if (!parsed.success) throw unreadable('a refund');
  return parsed.data;
}

function refundResult(refund: CashfreeRefund, request: RailRefundRequest): RailRefundResult {
  if (refund.refund_id !== request.refundId || paiseOrNull(refund.refund_amount) !== request.amount) {
    throw new RailError(
      'refund_mismatch',
      `Cashfree's refund ${JSON.stringify(refund.refund_id)} for ${JSON.stringify(refund.refund_amount)} INR does not match refund ${request.refundId} for ${formatMajorUnits(request.amount, CURRENCY)} INR`,
      false,
    );
  }
  const reference = refund.cf_refund_id ?? refund.refund_id;
  switch (refund.refund_status) {
    case 'SUCCESS':
      return { outcome: 'succeeded', reference };
    case 'CANCELLED':
    case 'FAILED':
      return { outcome: 'failed', code: `refund_${refund.refund_status.toLowerCase()}`, message: refund.status_description ?? `Cashfree reports the refund ${refund.refund_status}` };
    default:
      // PENDING, ONHOLD, and any status Cashfree adds later: not final, so neither succeeded nor failed.
      return { outcome: 'pending', reference };
  }
}

// ---------------------------------------------------------------------------------------------------
// Webhooks

const PAYMENT_WEBHOOKS: Readonly<Record<string, 'settled' | 'failed'>> = {
  PAYMENT_SUCCESS_WEBHOOK: 'settled',
  PAYMENT_FAILED_WEBHOOK: 'failed',
  PAYMENT_USER_DROPPED_WEBHOOK: 'failed',
};

const EnvelopeSchema = z.object({ type: z.string().min(1), data: z.unknown() });

const PaymentDataSchema = z.object({
  order: z.object({ order_id: z.string().min(1), order_amount: MajorAmount, order_currency: z.string() }),
  payment: z.object({
    cf_payment_id: ProviderId,
    payment_amount: MajorAmount.nullish(),
    payment_currency: z.string().nullish(),
    payment_message: z.string().nullish(),
  }),
  error_details: z.object({ error_code: z.string().nullish(), error_description: z.string().nullish() }).nullish(),
});

const RefundDataSchema = z.object({
  refund: z.object({
    cf_refund_id: ProviderId.nullish(),
    refund_id: z.string().nullish(),
    order_id: z.string().nullish(),
    refund_amount: MajorAmount.nullish(),
    refund_currency: z.string().nullish(),
    refund_status: z.string().nullish(),
    status_description: z.string().nullish(),
  }),
});

function parseCashfreeWebhook(input: RailWebhookInput, clientSecret: string): RailWebhookEvent {
  verifyCashfreeSignature(input, clientSecret);
  const envelope = EnvelopeSchema.safeParse(parseJson(input.rawBody.toString('utf8')));
  if (!envelope.success) throw new WebhookSignatureError('Cashfree webhook body is not a JSON event with a type');
  const { type, data } = envelope.data;
  const outcome = PAYMENT_WEBHOOKS[type];
  if (outcome) return paymentEvent(type, outcome, data);
  if (type === 'REFUND_STATUS_WEBHOOK') return refundEvent(type, data, input.rawBody);
  return { kind: 'ignored', eventId: `${type}:${bodyDigest(input.rawBody)}`, type };
}

/**
 * x-webhook-signature = base64(HMAC-SHA256(x-webhook-timestamp + rawBody, client secret)), timestamp in
 * milliseconds. Compared in constant time, and only within five minutes of `now` (Cashfree's SDK does neither).
 */
function verifyCashfreeSignature(input: RailWebhookInput, clientSecret: string): void {
  const signature = singleHeader(input.headers, 'x-webhook-signature', 'Cashfree');
  const timestamp = singleHeader(input.headers, 'x-webhook-timestamp', 'Cashfree');
  if (!/^\d{1,16}$/.test(timestamp)) throw new WebhookSignatureError('Cashfree webhook x-webhook-timestamp is not a millisecond timestamp');
  const expected = createHmac('sha256', clientSecret).update(timestamp).update(input.rawBody).digest('base64');
  const given = Buffer.from(signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new WebhookSignatureError('Cashfree webhook signature does not match the body');
  }
  if (Math.abs(input.now.getTime() - Number(timestamp)) > WEBHOOK_TOLERANCE_MS) {
    throw new WebhookSignatureError('Cashfree webhook timestamp is more than 5 minutes away from now; refusing a possible replay');
  }
}

/**
 * Cashfree sends no event id. A payment attempt (`cf_payment_id`) reaches each terminal webhook type at
 * most once and every redelivery repeats the same payload, so `${type}:${cf_payment_id}` is stable across
 * redeliveries and distinct across attempts and outcomes.
 */
function paymentEvent(type: string, outcome: 'settled' | 'failed', data: unknown): RailWebhookEvent {
  const parsed = PaymentDataSchema.safeParse(data);
  if (!parsed.success) throw new WebhookSignatureError(`Cashfree ${type} lacks data.order or data.payment.cf_payment_id`);
  const { order, payment, error_details: error } = parsed.data;
  const eventId = `${type}:${payment.cf_payment_id}`;
  const orderPaise = paiseOrNull(order.order_amount);
  if (orderPaise === null || order.order_currency !== CURRENCY) {
    throw new WebhookSignatureError(`Cashfree ${type} carries an order amount that is not an exact INR amount`);
  }
  if (outcome === 'settled' && !paidInFull(orderPaise, payment.payment_amount, payment.payment_currency)) {
    // The event carries no amount for the payments service to check, so a success for a different
    // amount is not passed on as settled; the status poll and a human decide instead.
    return { kind: 'ignored', eventId, type };
  }
  const base = { kind: 'payment' as const, eventId, type, paymentId: order.order_id, reference: payment.cf_payment_id };
  if (outcome === 'settled') return { ...base, outcome };
  return {
    ...base,
    outcome,
    failureCode: error?.error_code ?? (type === 'PAYMENT_USER_DROPPED_WEBHOOK' ? 'user_dropped' : 'payment_failed'),
    failureMessage: error?.error_description ?? payment.payment_message ?? 'Cashfree reports the payment attempt failed',
  };
}

function paidInFull(orderPaise: number, paymentAmount: string | number | null | undefined, paymentCurrency: string | null | undefined): boolean {
  if (paymentAmount === null || paymentAmount === undefined) return true;
  return paiseOrNull(paymentAmount) === orderPaise && (paymentCurrency ?? CURRENCY) === CURRENCY;
}

/**
 * Cashfree's refund webhook reports one refund (ours when `refund_id` is our `rfd_…` id), not the
 * payment's running refunded total, so it becomes a `refund_status` event for that refund once the
 * status is final: SUCCESS completes it, CANCELLED / FAILED release its reservation. Without it a refund
 * Cashfree accepted as PENDING would never complete. Anything else (still pending, unreadable, an amount
 * that is not exact INR) is acknowledged and ignored.
 */
function refundEvent(type: string, data: unknown, rawBody: Buffer): RailWebhookEvent {
  const parsed = RefundDataSchema.safeParse(data);
  const refund = parsed.success ? parsed.data.refund : null;
  const id = refund?.cf_refund_id ?? refund?.refund_id;
  const eventId = id ? `${type}:${id}:${refund?.refund_status ?? 'unknown'}` : `${type}:${bodyDigest(rawBody)}`;
  const ignored = { kind: 'ignored' as const, eventId, type };
  const amount = refund?.refund_amount === null || refund?.refund_amount === undefined ? null : paiseOrNull(refund.refund_amount);
  if (!refund?.refund_id || !refund.order_id || amount === null || (refund.refund_currency ?? CURRENCY) !== CURRENCY) return ignored;
  const base = { kind: 'refund_status' as const, eventId, type, paymentId: refund.order_id, reference: refund.cf_refund_id ?? refund.refund_id, refundId: refund.refund_id, amount };
  switch (refund.refund_status) {
    case 'SUCCESS':
      return { ...base, result: { outcome: 'succeeded', reference: base.reference } };
    case 'CANCELLED':
    case 'FAILED':
      return { ...base, result: { outcome: 'failed', code: `refund_${refund.refund_status.toLowerCase()}`, message: refund.status_description ?? `Cashfree reports the refund ${refund.refund_status}` } };
    default:
      return ignored;
  }
}

/** For events without an id of their own: the same delivery always has the same bytes. */
function bodyDigest(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex').slice(0, 32);
}
