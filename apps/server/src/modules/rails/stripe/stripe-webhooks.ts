/**
 * Inbound Stripe webhooks: the signature check (the SDK's, plus a refusal of timestamps in the future,
 * which the SDK does not check) and the translation of the events FrameOS acts on. The payload is parsed
 * with the schemas of stripe-events.ts: an authentic event whose object does not match is refused as a
 * malformed payload, never applied and never a 500.
 */
import type Stripe from 'stripe';
import type { z } from 'zod';
import { WebhookPayloadError, WebhookSignatureError, type RailWebhookEvent, type RailWebhookInput } from '../rail-adapter.ts';
import { firstLine, parseJson, schemaProblem, singleHeader } from '../rail-http.ts';
import { ChargeObjectSchema, EventEnvelopeSchema, intentFailure, PaymentIntentObjectSchema, paymentIdOf } from './stripe-events.ts';

/** Stripe's own default; older signatures are replays or badly delayed deliveries, and we refuse ones dated further ahead too. */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

export function parseStripeWebhook(stripe: Stripe, webhookSecret: string, input: RailWebhookInput): RailWebhookEvent {
  if (!webhookSecret) throw new WebhookSignatureError('Stripe webhooks are not accepted: STRIPE_WEBHOOK_SECRET is not configured');
  const header = singleHeader(input.headers, 'stripe-signature', 'Stripe');
  const signature = stripe.webhooks.signature;
  if (!signature) throw new Error('the Stripe SDK has no webhook signature helper');
  try {
    // The SDK's own check (what constructEvent does before parsing); receivedAt (ms) makes the tolerance
    // check use our clock, not the SDK's Date.now().
    signature.verifyHeader(input.rawBody, header, webhookSecret, STRIPE_WEBHOOK_TOLERANCE_SECONDS, undefined, input.now.getTime());
  } catch (error) {
    throw new WebhookSignatureError(`Stripe webhook rejected: ${firstLine(error, 'invalid signature')}`);
  }
  refuseFutureTimestamp(header, input.now);
  // Authentic from here on: a body that is not a well-formed event is a malformed payload, not a bad signature.
  const envelope = EventEnvelopeSchema.safeParse(parseJson(input.rawBody.toString('utf8')));
  if (!envelope.success) throw new WebhookPayloadError(`Stripe webhook rejected: the signed body is not a Stripe event (${schemaProblem(envelope.error, 'event')})`);
  return translateEvent(envelope.data);
}

/**
 * The SDK refuses signatures older than the tolerance but accepts any date in the future, so a
 * signature made ahead of time (or by a badly skewed clock) would stay usable indefinitely. The
 * timestamp is read the way the SDK reads it (the last `t=`), so it is the one the signature covers.
 */
function refuseFutureTimestamp(header: string, now: Date): void {
  let timestamp = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  if (!Number.isSafeInteger(timestamp)) throw new WebhookSignatureError('Stripe webhook rejected: the stripe-signature header has no timestamp');
  if (timestamp - Math.floor(now.getTime() / 1000) > STRIPE_WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError(`Stripe webhook rejected: its timestamp is more than ${STRIPE_WEBHOOK_TOLERANCE_SECONDS} s in the future`);
  }
}

type Envelope = z.infer<typeof EventEnvelopeSchema>;

/** The event's object read with `schema`, or a WebhookPayloadError saying which field is wrong. */
function objectOf<T>(event: Envelope, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(event.data.object);
  if (!parsed.success) throw new WebhookPayloadError(`Stripe ${event.type} rejected: ${schemaProblem(parsed.error, 'data.object')}`);
  return parsed.data;
}

function translateEvent(event: Envelope): RailWebhookEvent {
  const base = { eventId: event.id, type: event.type };
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = objectOf(event, PaymentIntentObjectSchema);
      return { kind: 'payment', ...base, paymentId: paymentIdOf(intent.metadata), reference: intent.id, outcome: 'settled' };
    }
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const intent = objectOf(event, PaymentIntentObjectSchema);
      const failure = intentFailure(intent);
      return {
        kind: 'payment',
        ...base,
        paymentId: paymentIdOf(intent.metadata),
        reference: intent.id,
        outcome: 'failed',
        ...(failure.code === undefined ? {} : { failureCode: failure.code }),
        ...(failure.message === undefined ? {} : { failureMessage: failure.message }),
      };
    }
    case 'charge.refunded': {
      const charge = objectOf(event, ChargeObjectSchema);
      const reference = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      // A charge without a PaymentIntent was not made by this rail.
      if (!reference) return { kind: 'ignored', ...base };
      return { kind: 'refund', ...base, paymentId: paymentIdOf(charge.metadata), reference, amountRefunded: charge.amount_refunded };
    }
    default:
      return { kind: 'ignored', ...base };
  }
}
