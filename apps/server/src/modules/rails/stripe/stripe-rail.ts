/**
 * The Stripe rail: an org pays a vendor by charging the org's saved customer + payment method off-session
 * with a PaymentIntent. A Stripe payment stays `pending` after `charge` even when Stripe answers
 * `succeeded`; the `payment_intent.succeeded` webhook (or a status poll) settles it, so there is exactly one
 * path by which money is recorded as received. Inbound webhooks: stripe-webhooks.ts; the event objects they
 * carry: stripe-events.ts.
 */
import Stripe from 'stripe';
import type { StripeRailConfig } from '../../../config.ts';
import {
  RailError,
  type RailAdapter,
  type RailCallOptions,
  type RailChargeRequest,
  type RailPaymentResult,
  type RailRefundRequest,
  type RailRefundResult,
  type RailStatusRequest,
} from '../rail-adapter.ts';
import { credentialRedactor } from '../rail-http.ts';
import { intentFailure } from './stripe-events.ts';
import { parseStripeWebhook } from './stripe-webhooks.ts';

/**
 * The only place the Stripe API version is pinned. The type annotation makes an SDK upgrade that moves to
 * another version a compile error here, so the version and the SDK's types cannot drift apart silently.
 */
export const STRIPE_API_VERSION: typeof Stripe.API_VERSION = '2026-10-28.endive';

/** Backstop for the SDK's socket timeout; the caller's AbortSignal normally fires first. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** Stripe metadata values are capped at 500 characters. */
const METADATA_VALUE_MAX = 500;

export interface StripeRailOptions {
  timeoutMs?: number;
}

export function createStripeRail(config: StripeRailConfig, options: StripeRailOptions = {}): RailAdapter {
  const stripe = new Stripe(config.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    // One attempt per call: timeouts, retries and circuit breaking live in the wrapper around every adapter.
    maxNetworkRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    telemetry: false,
    ...endpointOptions(config.apiBaseUrl),
  });
  const redact = credentialRedactor([config.secretKey], [STRIPE_KEY_PATTERN]);
  return {
    name: 'stripe',
    currencies: [],
    charge: (request, callOptions) => charge(stripe, redact, request, callOptions),
    status: (request, callOptions) => status(stripe, redact, request, callOptions),
    refund: (request, callOptions) => refund(stripe, redact, request, callOptions),
    parseWebhook: (input) => parseStripeWebhook(stripe, config.webhookSecret, input),
  };
}

type Redact = (text: string) => string;

// ---------------------------------------------------------------------------------------------------------
// Configuration

interface EndpointOptions {
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

/** STRIPE_API_BASE_URL (a local fake or stripe-mock) becomes the SDK's host/port/protocol. */
function endpointOptions(apiBaseUrl: string | null): EndpointOptions {
  if (!apiBaseUrl) return {};
  const url = new URL(apiBaseUrl);
  if (url.pathname !== '/' && url.pathname !== '') {
    // The SDK always requests /v1/…; a path prefix would be silently dropped.
    throw new Error('STRIPE_API_BASE_URL must be an origin such as http://localhost:12111, without a path');
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, protocol };
}

/** Stripe already masks keys in its messages; this also covers anything echoed by proxies or fakes. */
const STRIPE_KEY_PATTERN = /\b(sk|rk)_(test|live)_[A-Za-z0-9]+/;

// ---------------------------------------------------------------------------------------------------------
// Calls

/** The SDK has no per-request AbortSignal, so the call races the signal; the socket is left to the SDK timeout. */
async function withSignal<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  if (signal.aborted) throw abortedError(signal);
  const call = run();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      call.catch(() => undefined); // the late answer is irrelevant once the caller gave up
      reject(abortedError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortedError(signal: AbortSignal): RailError {
  const reason = signal.reason instanceof Error ? signal.reason.name : 'aborted';
  return new RailError('rail_timeout', `Stripe call abandoned before an answer (${reason}); it may still complete at Stripe`, true);
}

// ---------------------------------------------------------------------------------------------------------
// charge

interface StripePayer {
  customer: string;
  paymentMethod: string;
}

function stripePayer(payer: Record<string, unknown>): StripePayer {
  const customer = payer.customer;
  const paymentMethod = payer.payment_method;
  if (typeof customer !== 'string' || customer === '' || typeof paymentMethod !== 'string' || paymentMethod === '') {
    throw new RailError(
      'payer_not_configured',
      'The paying organization has no Stripe customer and saved payment method; set them with PUT /rail-accounts/stripe {"customer":"cus_…","payment_method":"pm_…"}',
      false,
    );
  }
  return { customer, paymentMethod };
}

async function charge(stripe: Stripe, redact: Redact, request: RailChargeRequest, { signal }: RailCallOptions): Promise<RailPaymentResult> {
  const payer = stripePayer(request.payer);
  const params: Stripe.PaymentIntentCreateParams = {
    amount: request.amount,
    currency: request.currency.toLowerCase(),
    customer: payer.customer,
    payment_method: payer.paymentMethod,
    confirm: true,
    off_session: true,
    metadata: { payment_id: request.paymentId, org_id: request.orgId, vendor: request.vendor.vendorId },
    description: request.description,
  };
  try {
    // Our payment id is the idempotency key: a retry after a timeout replays the first PaymentIntent.
    const intent = await withSignal(signal, () => stripe.paymentIntents.create(params, { idempotencyKey: request.paymentId }));
    return chargeResult(intent);
  } catch (error) {
    return chargeFailure(error, redact);
  }
}

function chargeResult(intent: Stripe.PaymentIntent): RailPaymentResult {
  switch (intent.status) {
    case 'requires_action':
      // Off-session nobody can complete 3-D Secure, and nothing has been charged.
      return { outcome: 'failed', reference: intent.id, code: 'authentication_required', message: 'The payment method requires customer authentication, which is impossible off-session' };
    case 'requires_payment_method':
    case 'canceled':
      return failedIntent(intent);
    default:
      // succeeded, processing, requires_capture (and anything new): money may move, so only the webhook or a
      // status poll may settle or fail it.
      return { outcome: 'pending', reference: intent.id, details: { stripe_status: intent.status } };
  }
}

function failedIntent(intent: Stripe.PaymentIntent): RailPaymentResult {
  const failure = intentFailure(intent);
  return { outcome: 'failed', reference: intent.id, code: failure.code ?? intent.status, message: failure.message ?? `PaymentIntent is ${intent.status}` };
}

/** A card error is a decline: Stripe charged nothing. Every other error is "no answer" for the caller. */
function chargeFailure(error: unknown, redact: Redact): RailPaymentResult {
  if (error instanceof Stripe.errors.StripeCardError && !mayHaveCharged(error.payment_intent)) {
    return {
      outcome: 'failed',
      reference: error.payment_intent?.id ?? null,
      code: error.decline_code || error.code || 'card_declined',
      message: redact(error.message),
    };
  }
  throw toRailError(error, redact);
}

function mayHaveCharged(intent: Stripe.PaymentIntent | undefined): boolean {
  return intent !== undefined && ['succeeded', 'processing', 'requires_capture'].includes(intent.status);
}

// ---------------------------------------------------------------------------------------------------------
// status

async function status(stripe: Stripe, redact: Redact, request: RailStatusRequest, { signal }: RailCallOptions): Promise<RailPaymentResult> {
  try {
    const intent = request.reference
      ? await withSignal(signal, () => stripe.paymentIntents.retrieve(request.reference as string))
      : await findByPaymentId(stripe, request.paymentId, signal);
    return intent ? statusResult(intent) : { outcome: 'not_found' };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') return { outcome: 'not_found' };
    throw toRailError(error, redact);
  }
}

/**
 * Used when `charge` never returned a reference. Stripe's search index lags writes (usually < 1 min), so a
 * `not_found` for a very young payment is not proof; re-sending `charge` with the same payment id is the safe
 * follow-up because Stripe replays the idempotency key for 24 h.
 */
async function findByPaymentId(stripe: Stripe, paymentId: string, signal: AbortSignal): Promise<Stripe.PaymentIntent | null> {
  const query = `metadata['payment_id']:'${paymentId.replace(/[\\']/g, '\\$&')}'`;
  const result = await withSignal(signal, () => stripe.paymentIntents.search({ query, limit: 10 }));
  return mostAdvanced(result.data);
}

const STATUS_RANK: Record<string, number> = { succeeded: 5, processing: 4, requires_capture: 3 };

/** Several intents for one payment id would be a bug; the one that moved money is the one that matters. */
function mostAdvanced(intents: Stripe.PaymentIntent[]): Stripe.PaymentIntent | null {
  return [...intents].sort((a, b) => (STATUS_RANK[b.status] ?? 0) - (STATUS_RANK[a.status] ?? 0))[0] ?? null;
}

function statusResult(intent: Stripe.PaymentIntent): RailPaymentResult {
  switch (intent.status) {
    case 'succeeded':
      return { outcome: 'settled', reference: intent.id, details: settledDetails(intent) };
    case 'processing':
    case 'requires_capture':
      return { outcome: 'pending', reference: intent.id, details: { stripe_status: intent.status } };
    case 'canceled':
      return failedIntent(intent);
    case 'requires_payment_method':
      return intent.last_payment_error ? failedIntent(intent) : { outcome: 'unknown', message: 'PaymentIntent has not been attempted yet' };
    case 'requires_action':
      return chargeResult(intent);
    default:
      return { outcome: 'unknown', message: `PaymentIntent is ${intent.status}` };
  }
}

function settledDetails(intent: Stripe.PaymentIntent): Record<string, string> {
  const charge = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
  return charge ? { stripe_status: intent.status, charge } : { stripe_status: intent.status };
}

// ---------------------------------------------------------------------------------------------------------
// refund

/** Refund refusals where Stripe moved nothing and a retry cannot succeed. */
const REFUND_REFUSAL_CODES = new Set([
  'amount_too_large',
  'amount_too_small',
  'charge_already_refunded',
  'charge_disputed',
  'charge_not_refundable',
  'refund_disputed_payment',
  'balance_insufficient',
]);

async function refund(stripe: Stripe, redact: Redact, request: RailRefundRequest, { signal }: RailCallOptions): Promise<RailRefundResult> {
  const params: Stripe.RefundCreateParams = {
    payment_intent: request.reference,
    amount: request.amount,
    metadata: { payment_id: request.paymentId, refund_id: request.refundId, reason: request.reason.slice(0, METADATA_VALUE_MAX) },
  };
  try {
    const created = await withSignal(signal, () => stripe.refunds.create(params, { idempotencyKey: request.refundId }));
    return refundResult(created);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && isRefundRefusal(error)) {
      return { outcome: 'failed', code: error.code ?? 'refund_refused', message: redact(error.message) };
    }
    throw toRailError(error, redact);
  }
}

function isRefundRefusal(error: Stripe.errors.StripeInvalidRequestError): boolean {
  return (error.code !== undefined && REFUND_REFUSAL_CODES.has(error.code)) || error.param === 'amount';
}

function refundResult(created: Stripe.Refund): RailRefundResult {
  switch (created.status) {
    case 'succeeded':
      return { outcome: 'succeeded', reference: created.id };
    case 'failed':
    case 'canceled':
      return { outcome: 'failed', code: created.failure_reason ?? created.status, message: `Stripe refund ${created.id} is ${created.status}` };
    default:
      return { outcome: 'pending', reference: created.id };
  }
}

// ---------------------------------------------------------------------------------------------------------
// errors

/** Transient = worth retrying with the same idempotency key; non-transient = a retry would get the same answer. */
function toRailError(error: unknown, redact: Redact): RailError {
  if (error instanceof RailError) return error;
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new RailError('rail_error', redact(`Stripe call failed: ${error instanceof Error ? error.message : String(error)}`), false);
  }
  const message = redact(`Stripe: ${error.message || error.type}`);
  const httpStatus = error.statusCode;
  const E = Stripe.errors;
  if (error instanceof E.StripeConnectionError) return new RailError(isTimeout(error) ? 'rail_timeout' : 'rail_unreachable', message, true);
  if (error instanceof E.StripeRateLimitError) return new RailError('rail_rate_limited', message, true, httpStatus ?? 429);
  // 5xx, 409 lock conflicts and unparseable responses all come back as StripeAPIError.
  if (error instanceof E.StripeAPIError) return new RailError('rail_unavailable', message, true, httpStatus);
  if (error instanceof E.StripeAuthenticationError) return new RailError('rail_auth_failed', message, false, httpStatus ?? 401);
  if (error instanceof E.StripePermissionError) return new RailError('rail_permission_denied', message, false, httpStatus ?? 403);
  if (error instanceof E.StripeIdempotencyError) return new RailError('rail_idempotency_conflict', message, false, httpStatus);
  const code = error.code ? ` (${error.code})` : '';
  return new RailError('rail_request_rejected', `${message}${code}`, false, httpStatus);
}

function isTimeout(error: Stripe.errors.StripeConnectionError): boolean {
  const detail = error.detail;
  return typeof detail === 'object' && detail !== null && 'code' in detail && detail.code === 'ETIMEDOUT';
}
