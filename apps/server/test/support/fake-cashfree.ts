import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Cashfree PG (API version 2023-08-01): orders, order status, refunds and signed
 * webhooks, with the wire shapes of the documentation. It converts amounts with its own digit code, not
 * the domain's, so a conversion bug in the adapter cannot hide behind the same bug here.
 */

const API_VERSION = '2023-08-01';
const ORDER_ID = /^[A-Za-z0-9_-]{3,45}$/;

export type FakeOrderStatus = 'ACTIVE' | 'PAID' | 'EXPIRED' | 'TERMINATED' | 'TERMINATION_REQUESTED';
export type FakeRefundStatus = 'SUCCESS' | 'PENDING' | 'ONHOLD' | 'CANCELLED';

export interface FakeRefund {
  cfRefundId: number;
  refundId: string;
  paise: number;
  note: string | null;
  status: FakeRefundStatus;
}

export interface FakeOrder {
  cfOrderId: string;
  orderId: string;
  paise: number;
  currency: string;
  status: FakeOrderStatus;
  customer: Record<string, unknown>;
  note: string | null;
  tags: Record<string, unknown> | null;
  createdAt: string;
  cfPaymentId: number | null;
  refunds: Map<string, FakeRefund>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeCashfree {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Every request received, in order, with its raw body. */
  requests: RecordedRequest[];
  /** Orders actually created (idempotent replays and 409s are not counted). */
  ordersCreated(): number;
  order(orderId: string): FakeOrder | undefined;
  markPaid(orderId: string): void;
  markExpired(orderId: string): void;
  setOrderStatus(orderId: string, status: FakeOrderStatus): void;
  /** The next `count` requests answer `status` with a Cashfree error body before anything else happens. */
  failNext(count: number, status: number): void;
  /** The next request is answered only after `ms` milliseconds. */
  delayNext(ms: number): void;
  /** The status that refunds created from now on start in (default PENDING, as on Cashfree). */
  refundsStartAs(status: FakeRefundStatus): void;
  /** Simulates Cashfree forgetting idempotency keys (they expire), so a retry reaches the order logic. */
  forgetIdempotencyKeys(): void;
  /** The `data` of a payment webhook for a stored order, shaped like Cashfree's. */
  paymentWebhookData(orderId: string, result: 'SUCCESS' | 'FAILED' | 'USER_DROPPED'): Record<string, unknown>;
  close(): Promise<void>;
}

interface State {
  clientId: string;
  clientSecret: string;
  orders: Map<string, FakeOrder>;
  idempotency: Map<string, { body: string; status: number; response: string }>;
  requests: RecordedRequest[];
  created: number;
  failures: { count: number; status: number };
  delayMs: number;
  refundStatus: FakeRefundStatus;
  nextId: number;
  timers: Set<NodeJS.Timeout>;
}

interface Reply {
  status: number;
  /** Raw JSON text, so amounts can be written with exactly two decimals as Cashfree does. */
  body: string;
}

export async function startFakeCashfree(credentials: { clientId?: string; clientSecret?: string } = {}): Promise<FakeCashfree> {
  const state: State = {
    clientId: credentials.clientId ?? 'TEST_fake_client_id_0001',
    clientSecret: credentials.clientSecret ?? 'cfsk_ma_test_fake_client_secret_0001',
    orders: new Map(),
    idempotency: new Map(),
    requests: [],
    created: 0,
    failures: { count: 0, status: 500 },
    delayMs: 0,
    refundStatus: 'PENDING',
    nextId: 5_114_910_000_000,
    timers: new Set(),
  };
  const server = createServer((req, res) => void handle(state, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return controls(state, server, `http://127.0.0.1:${port}/pg`);
}

function controls(state: State, server: Server, baseUrl: string): FakeCashfree {
  const existing = (orderId: string): FakeOrder => {
    const order = state.orders.get(orderId);
    if (!order) throw new Error(`fake Cashfree has no order ${orderId}`);
    return order;
  };
  const setOrderStatus = (orderId: string, status: FakeOrderStatus): void => {
    const order = existing(orderId);
    order.status = status;
    if (status === 'PAID' && order.cfPaymentId === null) order.cfPaymentId = state.nextId++;
  };
  return {
    baseUrl,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    requests: state.requests,
    ordersCreated: () => state.created,
    order: (orderId) => state.orders.get(orderId),
    markPaid: (orderId) => setOrderStatus(orderId, 'PAID'),
    markExpired: (orderId) => setOrderStatus(orderId, 'EXPIRED'),
    setOrderStatus,
    failNext: (count, status) => void (state.failures = { count, status }),
    delayNext: (ms) => void (state.delayMs = ms),
    refundsStartAs: (status) => void (state.refundStatus = status),
    forgetIdempotencyKeys: () => state.idempotency.clear(),
    paymentWebhookData: (orderId, result) => paymentWebhookData(state, existing(orderId), result),
    close: () => closeServer(state, server),
  };
}

async function closeServer(state: State, server: Server): Promise<void> {
  for (const timer of state.timers) clearTimeout(timer);
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

// ---------------------------------------------------------------------------------------------------
// Request handling

async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const path = new URL(req.url ?? '/', 'http://fake').pathname;
  state.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
  const delay = state.delayMs;
  state.delayMs = 0;
  if (delay > 0) await sleep(state, delay);
  const reply = injectedFailure(state) ?? authFailure(state, req) ?? idempotent(state, req, path, body, () => route(state, req.method ?? 'GET', path, body));
  if (res.destroyed) return;
  res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(state: State, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      resolve();
    }, ms);
    state.timers.add(timer);
  });
}

function error(status: number, message: string, code: string, type = 'invalid_request_error'): Reply {
  return { status, body: JSON.stringify({ message, code, type }) };
}

function injectedFailure(state: State): Reply | null {
  if (state.failures.count <= 0) return null;
  state.failures.count -= 1;
  const status = state.failures.status;
  return status === 429
    ? error(429, 'Too many requests', 'request_failed', 'rate_limit_error')
    : error(status, 'injected failure', 'internal_error', 'api_error');
}

function authFailure(state: State, req: IncomingMessage): Reply | null {
  const ok =
    req.headers['x-client-id'] === state.clientId &&
    req.headers['x-client-secret'] === state.clientSecret &&
    req.headers['x-api-version'] === API_VERSION;
  return ok ? null : error(401, 'authentication Failed', 'request_failed', 'authentication_error');
}

/** Same key and same body: the stored answer again. Same key, other body: refused. Only 2xx answers are kept. */
function idempotent(state: State, req: IncomingMessage, path: string, body: string, run: () => Reply): Reply {
  const key = req.headers['x-idempotency-key'];
  if (req.method !== 'POST' || typeof key !== 'string') return run();
  const slot = `${path} ${key}`;
  const stored = state.idempotency.get(slot);
  if (stored) {
    return stored.body === body
      ? { status: stored.status, body: stored.response }
      : error(409, 'idempotency key reused with a different request body', 'request_invalid', 'idempotency_error');
  }
  const reply = run();
  if (reply.status >= 200 && reply.status < 300) state.idempotency.set(slot, { body, status: reply.status, response: reply.body });
  return reply;
}

function route(state: State, method: string, path: string, body: string): Reply {
  const parts = path.replace(/^\/pg/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'orders') return error(404, 'bad URL, please check API documentation', 'request_failed');
  const [, orderId, sub, refundId] = parts;
  if (method === 'POST' && parts.length === 1) return createOrder(state, body);
  if (method === 'GET' && orderId && parts.length === 2) return getOrder(state, orderId);
  if (method === 'POST' && orderId && sub === 'refunds' && parts.length === 3) return createRefund(state, orderId, body);
  if (method === 'GET' && orderId && sub === 'refunds' && refundId && parts.length === 4) return getRefund(state, orderId, refundId);
  return error(404, 'bad URL, please check API documentation', 'request_failed');
}

// ---------------------------------------------------------------------------------------------------
// Amounts: the fake's own exact conversion

/** The literal text of a top-level JSON number field, as it was written on the wire. */
function numberLiteral(raw: string, field: string): string | null {
  const match = new RegExp(`"${field}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(raw);
  return match?.[1] ?? null;
}

/** "250.00" → 25000; null when the text is not a plain amount with at most two decimals (Cashfree's rule). */
function paiseFromLiteral(text: string | null): number | null {
  const match = text === null ? null : /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const paise = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(paise) ? paise : null;
}

function literalFromPaise(paise: number): string {
  const digits = String(paise).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** JSON with one number written exactly as `literal` (JSON.stringify would drop trailing zeros). */
function jsonWithLiteral(field: string, literal: string, rest: Record<string, unknown>): string {
  const others = JSON.stringify(rest).slice(1, -1);
  return `{"${field}":${literal}${others ? `,${others}` : ''}}`;
}

function parseObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Orders

function createOrder(state: State, raw: string): Reply {
  const body = parseObject(raw);
  if (!body) return error(400, 'invalid JSON body', 'request_invalid');
  const orderId = body.order_id;
  if (typeof orderId !== 'string' || !ORDER_ID.test(orderId)) return error(400, 'order_id : invalid value provided', 'order_id_invalid');
  if (body.order_currency !== 'INR') return error(400, 'order_currency : invalid value provided', 'order_currency_invalid');
  const literal = numberLiteral(raw, 'order_amount');
  const paise = typeof body.order_amount === 'number' ? paiseFromLiteral(literal) : null;
  if (paise === null || paise < 100) {
    return error(400, `order_amount : invalid value provided. Value received: ${literal ?? String(body.order_amount)}`, 'order_amount_invalid');
  }
  const customer = parseCustomer(body.customer_details);
  if (typeof customer === 'string') return error(400, `customer_details.${customer} : is missing in the request`, `customer_details.${customer}_missing`);
  if (state.orders.has(orderId)) return error(409, 'order with same id is already present', 'order_already_exists');
  const order: FakeOrder = {
    cfOrderId: String(state.nextId++),
    orderId,
    paise,
    currency: 'INR',
    status: 'ACTIVE',
    customer,
    note: typeof body.order_note === 'string' ? body.order_note : null,
    tags: typeof body.order_tags === 'object' && body.order_tags !== null ? (body.order_tags as Record<string, unknown>) : null,
    createdAt: new Date().toISOString(),
    cfPaymentId: null,
    refunds: new Map(),
  };
  state.orders.set(orderId, order);
  state.created += 1;
  return { status: 200, body: orderJson(order) };
}

function parseCustomer(value: unknown): Record<string, unknown> | 'customer_id' | 'customer_phone' {
  const customer = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  if (typeof customer.customer_id !== 'string' || customer.customer_id === '') return 'customer_id';
  if (typeof customer.customer_phone !== 'string' || customer.customer_phone === '') return 'customer_phone';
  return customer;
}

function getOrder(state: State, orderId: string): Reply {
  const order = state.orders.get(orderId);
  return order ? { status: 200, body: orderJson(order) } : error(404, 'order not found', 'order_not_found');
}

function orderJson(order: FakeOrder): string {
  return jsonWithLiteral('order_amount', literalFromPaise(order.paise), {
    cf_order_id: order.cfOrderId,
    created_at: order.createdAt,
    customer_details: { customer_name: null, customer_email: null, customer_uid: null, ...order.customer },
    entity: 'order',
    order_currency: order.currency,
    order_expiry_time: new Date(Date.parse(order.createdAt) + 30 * 24 * 3_600_000).toISOString(),
    order_id: order.orderId,
    order_meta: { return_url: null, notify_url: null, payment_methods: null },
    order_note: order.note,
    order_splits: [],
    order_status: order.status,
    order_tags: order.tags,
    payment_session_id: `session_${order.cfOrderId}_fake`,
    terminal_data: null,
  });
}

// ---------------------------------------------------------------------------------------------------
// Refunds

function createRefund(state: State, orderId: string, raw: string): Reply {
  const order = state.orders.get(orderId);
  if (!order) return error(404, 'order not found', 'order_not_found');
  const body = parseObject(raw);
  if (!body) return error(400, 'invalid JSON body', 'request_invalid');
  const refundId = body.refund_id;
  if (typeof refundId !== 'string' || refundId === '') return error(400, 'refund_id : is missing in the request', 'refund_id_missing');
  const literal = numberLiteral(raw, 'refund_amount');
  const paise = typeof body.refund_amount === 'number' ? paiseFromLiteral(literal) : null;
  if (paise === null || paise <= 0) {
    return error(400, `refund_amount : invalid value provided. Value received: ${literal ?? String(body.refund_amount)}`, 'refund_amount_invalid');
  }
  if (order.status !== 'PAID') return error(400, 'refund can be created only for a paid order', 'order_not_paid');
  if (order.refunds.has(refundId)) return error(409, 'refund with same id is already present', 'refund_already_exists');
  if (refundedPaise(order) + paise > order.paise) {
    return error(400, 'refund amount is more than the amount available for refund', 'refund_amount_invalid');
  }
  const refund: FakeRefund = { cfRefundId: state.nextId++, refundId, paise, note: typeof body.refund_note === 'string' ? body.refund_note : null, status: state.refundStatus };
  order.refunds.set(refundId, refund);
  return { status: 200, body: refundJson(order, refund) };
}

/** Refunds that still count against the order: a cancelled refund gave its amount back. */
function refundedPaise(order: FakeOrder): number {
  return [...order.refunds.values()].filter((r) => r.status !== 'CANCELLED').reduce((sum, r) => sum + r.paise, 0);
}

function getRefund(state: State, orderId: string, refundId: string): Reply {
  const refund = state.orders.get(orderId)?.refunds.get(refundId);
  const order = state.orders.get(orderId);
  return refund && order ? { status: 200, body: refundJson(order, refund) } : error(404, 'refund not found', 'refund_not_found');
}

function refundJson(order: FakeOrder, refund: FakeRefund): string {
  return jsonWithLiteral('refund_amount', literalFromPaise(refund.paise), {
    cf_payment_id: order.cfPaymentId,
    cf_refund_id: refund.cfRefundId,
    order_id: order.orderId,
    refund_id: refund.refundId,
    entity: 'refund',
    refund_currency: 'INR',
    refund_note: refund.note,
    refund_status: refund.status,
    refund_arn: null,
    refund_charge: 0,
    status_description: refund.status === 'SUCCESS' ? 'Refund processed successfully' : 'In Progress',
    refund_type: 'MERCHANT_INITIATED',
    refund_mode: 'STANDARD',
    created_at: new Date().toISOString(),
    processed_at: null,
  });
}

// ---------------------------------------------------------------------------------------------------
// Webhooks

function paymentWebhookData(state: State, order: FakeOrder, result: 'SUCCESS' | 'FAILED' | 'USER_DROPPED'): Record<string, unknown> {
  const amount = Number(literalFromPaise(order.paise));
  const cfPaymentId = result === 'SUCCESS' && order.cfPaymentId !== null ? order.cfPaymentId : state.nextId++;
  const data: Record<string, unknown> = {
    order: { order_id: order.orderId, order_amount: amount, order_currency: order.currency, order_tags: order.tags },
    payment: {
      cf_payment_id: cfPaymentId,
      payment_status: result,
      payment_amount: amount,
      payment_currency: order.currency,
      payment_message: result === 'SUCCESS' ? 'Transaction Successful' : 'Transaction failed',
      payment_time: new Date().toISOString(),
      bank_reference: result === 'SUCCESS' ? '1234567890' : null,
      auth_id: null,
      payment_method: { upi: { channel: 'collect', upi_id: 'payer@upi' } },
      payment_group: 'upi',
    },
    customer_details: { customer_name: null, customer_id: order.customer.customer_id, customer_email: null, customer_phone: order.customer.customer_phone },
    payment_gateway_details: { gateway_name: 'CASHFREE', gateway_order_id: order.cfOrderId, gateway_payment_id: String(cfPaymentId) },
  };
  if (result === 'FAILED') {
    data.error_details = { error_code: 'TRANSACTION_DECLINED', error_description: 'Transaction declined by the bank', error_reason: 'bank_declined', error_source: 'bank' };
  }
  if (result === 'USER_DROPPED') {
    data.error_details = { error_code: null, error_description: 'User dropped and did not complete the two factor authentication', error_reason: null, error_source: null };
  }
  return data;
}

/**
 * A webhook delivery as Cashfree sends it: JSON `{data, event_time, type}`, and
 * x-webhook-signature = base64(HMAC-SHA256(x-webhook-timestamp + body, client secret)), timestamp in ms.
 */
export function signedWebhook(
  type: string,
  data: unknown,
  options: { secret: string; timestampMs: number },
): { body: string; headers: Record<string, string> } {
  return signedBody(JSON.stringify({ data, event_time: new Date(options.timestampMs).toISOString(), type }), options.secret, options.timestampMs);
}

/** Any body signed as Cashfree signs its webhooks (for bodies that are not a well-formed event). */
export function signedBody(body: string, secret: string, timestampMs: number): { body: string; headers: Record<string, string> } {
  const timestamp = String(timestampMs);
  const signature = createHmac('sha256', secret).update(timestamp + body).digest('base64');
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-webhook-signature': signature, 'x-webhook-timestamp': timestamp, 'x-webhook-version': API_VERSION },
  };
}
