/**
 * A local stand-in for api.stripe.com that speaks Stripe's wire format for the calls the Stripe rail makes:
 * form-encoded POSTs with bracket notation, Bearer auth, Idempotency-Key replay, Stripe's error JSON and the
 * test payment methods. Tests point the real `stripe` SDK at it through STRIPE_API_BASE_URL, so the adapter
 * is exercised through the SDK's own encoding, headers and error classes.
 *
 * Test payment methods (as in Stripe test mode):
 * - `pm_card_visa`: succeeds.
 * - `pm_card_chargeDeclined`: 402 card_error `card_declined` / `generic_decline`.
 * - `pm_card_authenticationRequired`: off-session → 402 card_error `authentication_required` (what Stripe
 *   does); on-session → 200 with status `requires_action`.
 * Fake-only payment methods (no Stripe equivalent for cards, used to reach other statuses):
 * - `pm_fake_requiresAction`: 200 `requires_action` even off-session.
 * - `pm_fake_processing`: 200 `processing` (like a bank debit).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const FAKE_STRIPE_SECRET_KEY = 'sk_test_fakeStripeKey4242424242424242';

export interface FakePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  payment_method: string | null;
  status: string;
  metadata: Record<string, string>;
  description: string | null;
  created: number;
  livemode: false;
  latest_charge: string | null;
  last_payment_error: StripeErrorBody | null;
  next_action: { type: string } | null;
  cancellation_reason: string | null;
  capture_method: 'automatic';
  confirmation_method: 'automatic';
  client_secret: string;
}

export interface FakeCharge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  paid: boolean;
  refunded: boolean;
  status: 'succeeded' | 'failed';
  currency: string;
  customer: string | null;
  payment_intent: string;
  payment_method: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  created: number;
  livemode: false;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string;
  currency: string;
  status: 'succeeded';
  reason: null;
  metadata: Record<string, string>;
  created: number;
}

export interface StripeErrorBody {
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  charge?: string;
  payment_intent?: FakePaymentIntent;
  doc_url?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: FormValue;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  contentType: string | null;
  authorized: boolean;
  /** Set after the response is chosen. */
  status?: number;
  replayed?: boolean;
}

export interface StripeEventJson {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface FakeStripeCounts {
  paymentIntents: number;
  /** Charges that moved money (status `succeeded`). */
  succeededCharges: number;
  refunds: number;
}

export interface FakeStripe {
  /** e.g. `http://127.0.0.1:54321`, for StripeRailConfig.apiBaseUrl. */
  readonly url: string;
  readonly secretKey: string;
  readonly requests: readonly RecordedRequest[];
  readonly paymentIntents: ReadonlyMap<string, FakePaymentIntent>;
  readonly charges: ReadonlyMap<string, FakeCharge>;
  readonly refunds: readonly FakeRefund[];
  counts(): FakeStripeCounts;
  /** The next `n` authenticated requests fail with `status` before doing anything (nothing is created). */
  failNext(n: number, status?: number, error?: Partial<StripeErrorBody>): void;
  /** The next request is processed at once but answered only after `ms` (Stripe did the work; the caller gave up). */
  delayNext(ms: number): void;
  /** Resolves when the next request has arrived (body read), before it is answered. */
  nextRequest(): Promise<RecordedRequest>;
  /** Moves a PaymentIntent as time would (e.g. processing → succeeded, or canceled). */
  setIntentStatus(id: string, status: string, cancellationReason?: string): FakePaymentIntent;
  /** An event in Stripe's shape whose object is the stored PaymentIntent (`payment_intent.*`) or its charge (`charge.*`). */
  eventFor(type: string, paymentIntentId: string): StripeEventJson;
  stop(): Promise<void>;
}

export async function startFakeStripe(options: { secretKey?: string } = {}): Promise<FakeStripe> {
  const state = new FakeState(options.secretKey ?? FAKE_STRIPE_SECRET_KEY);
  const server = createServer((req, res) => {
    state.handle(req, res).catch((error: unknown) => send(res, 500, JSON.stringify({ error: { type: 'api_error', message: `fake-stripe bug: ${String(error)}` } })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return state.facade(`http://127.0.0.1:${port}`, server);
}

/** Builds an event JSON exactly as Stripe delivers it to a webhook endpoint. */
export function stripeEvent(type: string, object: object, options: { id?: string; created?: number } = {}): StripeEventJson {
  return {
    id: options.id ?? newId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object: { ...object } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/**
 * Serializes and signs an event with the SDK's own test helper. `timestamp` is in seconds (Stripe's unit);
 * the body is pretty-printed like Stripe's deliveries, so a verifier that re-serializes would fail. A
 * string is signed as it is (a body that is not an event, or not JSON).
 */
export function signedWebhook(event: object | string, secret: string, timestamp?: number): { body: Buffer; headers: Record<string, string> } {
  const payload = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
  return { body: Buffer.from(payload, 'utf8'), headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature } };
}

// ---------------------------------------------------------------------------------------------------------

export type FormValue = string | { [key: string]: FormValue };
type FormObject = { [key: string]: FormValue };

interface Reply {
  status: number;
  body: object;
}

interface StoredIdempotency {
  route: string;
  fingerprint: string;
  reply: Reply;
}

interface Failure {
  status: number;
  error: StripeErrorBody;
}

class FakeState {
  readonly requests: RecordedRequest[] = [];
  readonly paymentIntents = new Map<string, FakePaymentIntent>();
  readonly charges = new Map<string, FakeCharge>();
  readonly refunds: FakeRefund[] = [];
  private readonly idempotency = new Map<string, StoredIdempotency>();
  private readonly failures: Failure[] = [];
  private delayMs = 0;
  private waiters: Array<(request: RecordedRequest) => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly secretKey: string) {}

  facade(url: string, server: Server): FakeStripe {
    return {
      url,
      secretKey: this.secretKey,
      requests: this.requests,
      paymentIntents: this.paymentIntents,
      charges: this.charges,
      refunds: this.refunds,
      counts: () => this.counts(),
      failNext: (n, status = 500, error = {}) => this.queueFailures(n, status, error),
      delayNext: (ms) => {
        this.delayMs = ms;
      },
      nextRequest: () => new Promise((resolve) => this.waiters.push(resolve)),
      setIntentStatus: (id, status, reason) => this.setIntentStatus(id, status, reason),
      eventFor: (type, id) => this.eventFor(type, id),
      stop: () => this.stop(server),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake-stripe');
    const method = req.method ?? 'GET';
    const params = method === 'GET' ? parseForm(url.search.slice(1)) : parseForm(raw);
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      params,
      idempotencyKey: headerOf(req, 'idempotency-key'),
      stripeVersion: headerOf(req, 'stripe-version'),
      contentType: headerOf(req, 'content-type'),
      authorized: headerOf(req, 'authorization') === `Bearer ${this.secretKey}`,
    };
    this.requests.push(recorded);
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(recorded);

    const { reply, replayed } = this.respond(recorded, req);
    recorded.status = reply.status;
    recorded.replayed = replayed;
    const body = JSON.stringify(reply.body);
    const delay = this.takeDelay();
    if (delay > 0) await this.sleep(delay);
    if (res.destroyed) return;
    send(res, reply.status, body, replayed ? { 'idempotent-replayed': 'true' } : {});
  }

  private respond(request: RecordedRequest, req: IncomingMessage): { reply: Reply; replayed: boolean } {
    if (!request.authorized) return { reply: unauthorized(headerOf(req, 'authorization')), replayed: false };
    const failure = this.failures.shift();
    if (failure) return { reply: { status: failure.status, body: { error: failure.error } }, replayed: false };
    const key = request.method === 'POST' ? request.idempotencyKey : null;
    if (key === null) return { reply: this.route(request), replayed: false };
    return this.respondIdempotently(key, request);
  }

  /** Stripe keeps the first result for a key and replays it; different parameters or endpoint are an error. */
  private respondIdempotently(key: string, request: RecordedRequest): { reply: Reply; replayed: boolean } {
    const route = `${request.method} ${request.path}`;
    const fingerprint = canonical(request.params);
    const stored = this.idempotency.get(key);
    if (stored && (stored.route !== route || stored.fingerprint !== fingerprint)) {
      return { reply: idempotencyMismatch(key), replayed: false };
    }
    if (stored) return { reply: stored.reply, replayed: true };
    const reply = this.route(request);
    // Stripe saves a result once the endpoint started executing: successes and declines, not validation errors.
    // Snapshot: a replay returns the original answer even if the object changed since.
    if (reply.status === 200 || reply.status === 402) this.idempotency.set(key, { route, fingerprint, reply: structuredClone(reply) });
    return { reply, replayed: false };
  }

  private route(request: RecordedRequest): Reply {
    const { method, path } = request;
    const params = asObject(request.params);
    if (method === 'POST' && path === '/v1/payment_intents') return this.createPaymentIntent(params);
    if (method === 'GET' && path === '/v1/payment_intents/search') return this.searchPaymentIntents(params);
    const retrieve = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && retrieve?.[1]) return this.retrievePaymentIntent(decodeURIComponent(retrieve[1]));
    if (method === 'POST' && path === '/v1/refunds') return this.createRefund(params);
    return invalid(`Unrecognized request URL (${method}: ${path}).`, undefined, undefined, 404);
  }

  // ---- payment intents

  private createPaymentIntent(params: FormObject): Reply {
    const amount = integerParam(params.amount);
    if (amount === null || amount < 1) return invalid('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
    const currency = stringParam(params.currency);
    if (!currency || !/^[a-z]{3}$/.test(currency)) return invalid('Invalid currency.', 'currency', 'parameter_invalid_empty');
    const paymentMethod = stringParam(params.payment_method);
    const confirm = params.confirm === 'true';
    if (confirm && !paymentMethod) return invalid('You must provide a payment method to confirm this PaymentIntent.', 'payment_method', 'parameter_missing');
    if (paymentMethod && !KNOWN_PAYMENT_METHODS.has(paymentMethod)) {
      return invalid(`No such PaymentMethod: '${paymentMethod}'`, 'payment_method', 'resource_missing');
    }
    const intent = this.newIntent(params, amount, currency, paymentMethod);
    if (!confirm || !paymentMethod) return ok(intent);
    return this.confirm(intent, paymentMethod, params.off_session === 'true');
  }

  private newIntent(params: FormObject, amount: number, currency: string, paymentMethod: string | null): FakePaymentIntent {
    const id = newId('pi');
    const intent: FakePaymentIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency,
      customer: stringParam(params.customer),
      payment_method: paymentMethod,
      status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
      metadata: stringRecord(params.metadata),
      description: stringParam(params.description),
      created: nowSeconds(),
      livemode: false,
      latest_charge: null,
      last_payment_error: null,
      next_action: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      confirmation_method: 'automatic',
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
    };
    this.paymentIntents.set(id, intent);
    return intent;
  }

  private confirm(intent: FakePaymentIntent, paymentMethod: string, offSession: boolean): Reply {
    switch (paymentMethod) {
      case 'pm_card_visa':
        this.succeed(intent);
        return ok(intent);
      case 'pm_card_chargeDeclined':
        return this.decline(intent, 'card_declined', 'generic_decline', 'Your card was declined.');
      case 'pm_card_authenticationRequired':
        if (offSession) return this.decline(intent, 'authentication_required', 'authentication_required', 'Your card was declined. This transaction requires authentication.');
        return ok(requireAction(intent));
      case 'pm_fake_requiresAction':
        return ok(requireAction(intent));
      default:
        intent.status = 'processing';
        return ok(intent);
    }
  }

  private succeed(intent: FakePaymentIntent): void {
    const charge = this.newCharge(intent, 'succeeded');
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.latest_charge = charge.id;
  }

  private decline(intent: FakePaymentIntent, code: string, declineCode: string, message: string): Reply {
    const charge = this.newCharge(intent, 'failed', code, message);
    const error: StripeErrorBody = { type: 'card_error', code, decline_code: declineCode, message, charge: charge.id, doc_url: `https://stripe.com/docs/error-codes/${code}` };
    intent.status = 'requires_payment_method';
    intent.latest_charge = charge.id;
    intent.last_payment_error = error;
    return { status: 402, body: { error: { ...error, payment_intent: intent } } };
  }

  private newCharge(intent: FakePaymentIntent, status: FakeCharge['status'], failureCode: string | null = null, failureMessage: string | null = null): FakeCharge {
    const succeeded = status === 'succeeded';
    const charge: FakeCharge = {
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: succeeded ? intent.amount : 0,
      amount_refunded: 0,
      captured: succeeded,
      paid: succeeded,
      refunded: false,
      status,
      currency: intent.currency,
      customer: intent.customer,
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      // Stripe copies the PaymentIntent's metadata onto the charges it creates.
      metadata: { ...intent.metadata },
      failure_code: failureCode,
      failure_message: failureMessage,
      created: nowSeconds(),
      livemode: false,
    };
    this.charges.set(charge.id, charge);
    return charge;
  }

  private retrievePaymentIntent(id: string): Reply {
    const intent = this.paymentIntents.get(id);
    return intent ? ok(intent) : invalid(`No such payment_intent: '${id}'`, 'intent', 'resource_missing', 404);
  }

  /** Supports the one query form the rail uses: `metadata['key']:'value'`. */
  private searchPaymentIntents(params: FormObject): Reply {
    const query = stringParam(params.query) ?? '';
    const match = /^metadata\[(['"])(.+?)\1\]:(['"])((?:\\.|[^\\])*?)\3$/.exec(query.trim());
    if (!match?.[2] || match[4] === undefined) return invalid(`The query '${query}' is not supported by fake-stripe.`, 'query', 'parameter_invalid_string');
    const [field, value] = [match[2], match[4].replace(/\\(.)/g, '$1')];
    const data = [...this.paymentIntents.values()].filter((pi) => pi.metadata[field] === value);
    return ok({ object: 'search_result', data, has_more: false, next_page: null, url: '/v1/payment_intents/search' });
  }

  // ---- refunds

  private createRefund(params: FormObject): Reply {
    const intentId = stringParam(params.payment_intent);
    const intent = intentId ? this.paymentIntents.get(intentId) : undefined;
    if (!intentId || !intent) return invalid(`No such payment_intent: '${intentId ?? ''}'`, 'payment_intent', 'resource_missing');
    const charge = intent.latest_charge ? this.charges.get(intent.latest_charge) : undefined;
    if (!charge || charge.status !== 'succeeded') return invalid(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, 'payment_intent');
    const remaining = charge.amount_captured - charge.amount_refunded;
    if (remaining === 0) return invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    const amount = params.amount === undefined ? remaining : integerParam(params.amount);
    if (amount === null || amount < 1) return invalid('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
    if (amount > remaining) {
      return invalid(`Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`, 'amount', 'amount_too_large');
    }
    return ok(this.refundCharge(charge, amount, stringRecord(params.metadata)));
  }

  private refundCharge(charge: FakeCharge, amount: number, metadata: Record<string, string>): FakeRefund {
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    const created: FakeRefund = {
      id: newId('re'),
      object: 'refund',
      amount,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      currency: charge.currency,
      status: 'succeeded',
      reason: null,
      metadata,
      created: nowSeconds(),
    };
    this.refunds.push(created);
    return created;
  }

  // ---- controls

  private counts(): FakeStripeCounts {
    const succeededCharges = [...this.charges.values()].filter((c) => c.status === 'succeeded').length;
    return { paymentIntents: this.paymentIntents.size, succeededCharges, refunds: this.refunds.length };
  }

  private queueFailures(n: number, status: number, error: Partial<StripeErrorBody>): void {
    const base: StripeErrorBody =
      status === 429
        ? { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly.' }
        : { type: 'api_error', message: 'An unknown error occurred' };
    for (let i = 0; i < n; i++) this.failures.push({ status, error: { ...base, ...error } });
  }

  private takeDelay(): number {
    const delay = this.delayMs;
    this.delayMs = 0;
    return delay;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private setIntentStatus(id: string, status: string, cancellationReason?: string): FakePaymentIntent {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw new Error(`fake-stripe: no PaymentIntent ${id}`);
    if (status === 'succeeded' && intent.status !== 'succeeded') this.succeed(intent);
    intent.status = status;
    intent.cancellation_reason = status === 'canceled' ? (cancellationReason ?? 'abandoned') : null;
    return intent;
  }

  private eventFor(type: string, paymentIntentId: string): StripeEventJson {
    const intent = this.paymentIntents.get(paymentIntentId);
    if (!intent) throw new Error(`fake-stripe: no PaymentIntent ${paymentIntentId}`);
    if (!type.startsWith('charge.')) return stripeEvent(type, structuredClone(intent));
    const charge = intent.latest_charge ? this.charges.get(intent.latest_charge) : undefined;
    if (!charge) throw new Error(`fake-stripe: PaymentIntent ${paymentIntentId} has no charge`);
    return stripeEvent(type, structuredClone(charge));
  }

  private async stop(server: Server): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const KNOWN_PAYMENT_METHODS = new Set(['pm_card_visa', 'pm_card_chargeDeclined', 'pm_card_authenticationRequired', 'pm_fake_requiresAction', 'pm_fake_processing']);

function requireAction(intent: FakePaymentIntent): FakePaymentIntent {
  intent.status = 'requires_action';
  intent.next_action = { type: 'use_stripe_sdk' };
  return intent;
}

// ---- wire helpers

function ok(body: object): Reply {
  return { status: 200, body };
}

function invalid(message: string, param?: string, code?: string, status = 400): Reply {
  const error: StripeErrorBody = { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) };
  return { status, body: { error } };
}

/** Stripe answers a wrong key with 401 and shows only its last four characters. */
function unauthorized(authorization: string | null): Reply {
  const provided = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  const message = provided
    ? `Invalid API Key provided: ${provided.slice(0, 8)}${'*'.repeat(Math.max(0, provided.length - 12))}${provided.slice(-4)}`
    : 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').';
  return { status: 401, body: { error: { type: 'invalid_request_error', message } } };
}

function idempotencyMismatch(key: string): Reply {
  const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`;
  return { status: 400, body: { error: { type: 'idempotency_error', message } } };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'request-id': newId('req'),
    'stripe-version': Stripe.API_VERSION,
    ...headers,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** `a=1&metadata[payment_id]=pay_1&x[y][z]=2` → `{ a: '1', metadata: { payment_id: 'pay_1' }, x: { y: { z: '2' } } }`. */
export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = formKeyPath(key);
    let node = root;
    path.slice(0, -1).forEach((segment) => {
      const next = node[segment];
      node = typeof next === 'object' ? next : (node[segment] = {});
    });
    node[path[path.length - 1] ?? key] = value;
  }
  return root;
}

function formKeyPath(key: string): string[] {
  const head = /^[^[]+/.exec(key)?.[0] ?? key;
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
  return [head, ...rest];
}

function asObject(value: FormValue): FormObject {
  return typeof value === 'object' ? value : {};
}

function stringParam(value: FormValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function integerParam(value: FormValue | undefined): number | null {
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : null;
}

function stringRecord(value: FormValue | undefined): Record<string, string> {
  if (typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Order-independent fingerprint of the parameters, as Stripe compares them for idempotency. */
function canonical(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k] as FormValue)}`).join(',')}}`;
}

function money(minor: number, currency: string): string {
  return `${currency.toUpperCase()} ${(minor / 100).toFixed(2)}`;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
