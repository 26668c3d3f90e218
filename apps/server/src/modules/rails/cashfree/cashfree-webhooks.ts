/**
 * Inbound Cashfree webhooks: the signature check (HMAC over timestamp + raw body, a 5-minute window)
 * and the translation of the payment and refund events FrameOS acts on.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookPayloadError, WebhookSignatureError, type RailWebhookEvent, type RailWebhookInput } from '../rail-adapter.ts';
import { parseJson, schemaProblem, singleHeader } from '../rail-http.ts';
import { CURRENCY, EnvelopeSchema, PaymentDataSchema, paiseOrNull, RefundDataSchema } from './cashfree-wire.ts';

/** Cashfree's official SDK accepts any timestamp; five minutes bounds how long a captured webhook can be replayed. */
const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

const PAYMENT_WEBHOOKS: Readonly<Record<string, 'settled' | 'failed'>> = {
  PAYMENT_SUCCESS_WEBHOOK: 'settled',
  PAYMENT_FAILED_WEBHOOK: 'failed',
  PAYMENT_USER_DROPPED_WEBHOOK: 'failed',
};

export function parseCashfreeWebhook(input: RailWebhookInput, clientSecret: string): RailWebhookEvent {
  verifyCashfreeSignature(input, clientSecret);
  const envelope = EnvelopeSchema.safeParse(parseJson(input.rawBody.toString('utf8')));
  // Authentic (the signature verified) but not an event: its own error, so the sender is not told its signature is wrong.
  if (!envelope.success) throw new WebhookPayloadError('Cashfree webhook rejected: the signed body is not a JSON event with a type');
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
  if (!parsed.success) throw new WebhookPayloadError(`Cashfree ${type} rejected: the payload is malformed at ${schemaProblem(parsed.error, 'data')}`);
  const { order, payment, error_details: error } = parsed.data;
  const eventId = `${type}:${payment.cf_payment_id}`;
  const orderPaise = paiseOrNull(order.order_amount);
  if (orderPaise === null || order.order_currency !== CURRENCY) {
    throw new WebhookPayloadError(`Cashfree ${type} rejected: its order amount is not an exact INR amount`);
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
