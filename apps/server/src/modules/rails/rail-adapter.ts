/**
 * One interface for every way a payment can leave FrameOS. The payments service never knows which
 * provider it talks to: it records the attempt, calls `charge` with our payment id as the rail's
 * idempotency key, and records the outcome in a second transaction (never a transaction held across
 * the network). Adapters translate provider wire formats into these results and nothing else: no
 * database access, no ledger, no receipts.
 */

export const RAIL_NAMES = ['ledger', 'stripe', 'cashfree', 'x402'] as const;
export type RailName = (typeof RAIL_NAMES)[number];

/** Context for every call: cancel when the caller's timeout fires. */
export interface RailCallOptions {
  signal: AbortSignal;
}

export interface RailChargeRequest {
  /** Our payment id (`pay_…`). Sent as the provider's idempotency key / order id so a retry never charges twice. */
  paymentId: string;
  orgId: string;
  /** Integer minor units of `currency`. */
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
  /** The vendor being paid and its rail-specific settings (e.g. x402 `endpoint_url`). */
  vendor: { vendorId: string; settings: Record<string, unknown> };
  /** The paying organization's account at this rail (e.g. Stripe customer + saved payment method). */
  payer: Record<string, unknown>;
  /** Human-readable description for the provider's dashboard. */
  description: string;
}

/**
 * What a rail says about a payment. `pending` means the provider accepted it and will tell us later
 * (webhook or status poll). `failed` must only be returned when the provider says nothing was charged.
 * `unknown` (status only) means the provider cannot say yet; the payment stays pending for reconciliation.
 */
export type RailPaymentResult =
  | { outcome: 'settled'; reference: string; details?: Record<string, string> }
  | { outcome: 'pending'; reference: string; details?: Record<string, string> }
  | { outcome: 'failed'; reference: string | null; code: string; message: string }
  | { outcome: 'not_found' }
  | { outcome: 'unknown'; message: string };

export interface RailStatusRequest {
  paymentId: string;
  /** The provider's reference when we have one (it may be missing if `charge` timed out). */
  reference: string | null;
  amount: number;
  currency: string;
  details: Record<string, string>;
}

export interface RailRefundRequest {
  paymentId: string;
  /** Our refund id (`rfd_…`): the provider's idempotency key for the refund. */
  refundId: string;
  /** The provider's reference of the payment being refunded. */
  reference: string;
  amount: number;
  currency: string;
  reason: string;
}

export type RailRefundResult =
  | { outcome: 'succeeded'; reference: string }
  | { outcome: 'pending'; reference: string }
  | { outcome: 'failed'; code: string; message: string };

/** A verified inbound webhook, translated. */
export type RailWebhookEvent =
  | {
      kind: 'payment';
      eventId: string;
      type: string;
      /** Our payment id when the provider echoes it (metadata / order id). */
      paymentId: string | null;
      reference: string;
      outcome: 'settled' | 'failed';
      failureCode?: string;
      failureMessage?: string;
    }
  | {
      kind: 'refund';
      eventId: string;
      type: string;
      paymentId: string | null;
      reference: string;
      /** Total refunded on the payment so far, in minor units, as the provider reports it. */
      amountRefunded: number;
    }
  | {
      /** The final status of one of our refunds, for rails that report refunds one by one (Cashfree). */
      kind: 'refund_status';
      eventId: string;
      type: string;
      paymentId: string | null;
      reference: string;
      /** Our refund id (`rfd_…`), which the provider echoes. */
      refundId: string;
      /** That refund's amount in minor units, as the provider reports it. */
      amount: number;
      result: Exclude<RailRefundResult, { outcome: 'pending' }>;
    }
  | { kind: 'ignored'; eventId: string; type: string };

export interface RailWebhookInput {
  /** The exact bytes received: signatures are computed over them. */
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  now: Date;
}

export interface RailAdapter {
  readonly name: RailName;
  /** Currencies this rail can move (empty = any ISO 4217 currency). */
  readonly currencies: readonly string[];
  /**
   * Whether `status` without a reference answers from a consistent source (Cashfree's order by our id,
   * the chain's nonce state), so `not_found` proves nothing was charged. Stripe's search lags writes
   * by up to a minute, so there `not_found` right after a failed call proves nothing.
   */
  readonly consistentStatusLookup?: boolean;
  charge(request: RailChargeRequest, options: RailCallOptions): Promise<RailPaymentResult>;
  status(request: RailStatusRequest, options: RailCallOptions): Promise<RailPaymentResult>;
  refund(request: RailRefundRequest, options: RailCallOptions): Promise<RailRefundResult>;
  /**
   * Verifies and translates an inbound webhook; throws WebhookSignatureError when it is not authentic,
   * WebhookPayloadError when it is authentic but not a well-formed event.
   */
  parseWebhook?(input: RailWebhookInput): RailWebhookEvent;
}

/**
 * A provider call that did not produce an answer. `transient` errors (timeouts, connection resets,
 * 5xx, 429) are retried with backoff; others are not. `message` must never contain a credential.
 */
export class RailError extends Error {
  override name = 'RailError';
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Any failure of a rail call as a RailError; an unexpected one counts as transient (the outcome is unknown). */
export function toRailError(err: unknown): RailError {
  return err instanceof RailError ? err : new RailError('rail_error', 'unexpected rail failure', true);
}

/** An inbound webhook whose signature or timestamp is not acceptable: it may not come from the rail. Maps to 400 `webhook_signature_invalid`. */
export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

/**
 * An inbound webhook that is authentic (its signature verifies) but whose payload is not a well-formed
 * event of the rail: not JSON, not an event, or an object the adapter reads with fields of the wrong
 * shape. Nothing is applied. Maps to 400 `webhook_payload_invalid`.
 */
export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
}
