import { z } from 'zod';
import { formatMajorUnits, maskCredential } from '@frameos/domain';
import type { CashfreeRailConfig } from '../../../config.ts';
import { RailError, type RailAdapter, type RailPaymentResult, type RailRefundRequest, type RailRefundResult } from '../rail-adapter.ts';
import { credentialRedactor, parseJson } from '../rail-http.ts';
import { parseCashfreeWebhook } from './cashfree-webhooks.ts';
import {
  CASHFREE_API_VERSION,
  CURRENCY,
  ErrorBodySchema,
  jsonWithAmount,
  OrderSchema,
  paiseOrNull,
  RefundSchema,
  wireAmount,
  type CashfreeOrder,
  type CashfreeRefund,
} from './cashfree-wire.ts';

/**
 * Cashfree Payment Gateway (India), REST API version 2023-08-01. A FrameOS payment becomes a Cashfree
 * order whose `order_id` is our payment id, so every retry names the same order and cannot charge twice.
 * One HTTP attempt per call: retries, backoff and circuit breaking belong to the wrapper around adapters.
 * Wire shapes and money on the wire: cashfree-wire.ts; inbound webhooks: cashfree-webhooks.ts.
 */

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
    'x-api-version': CASHFREE_API_VERSION,
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

function assertInr(currency: string): void {
  if (currency !== CURRENCY) {
    throw new RailError('currency_not_supported', `Cashfree moves INR only; ${String(currency)} cannot be paid on this rail`, false);
  }
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
