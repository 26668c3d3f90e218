import { DomainError } from '@frameos/domain';
import { railNotConfigured } from '../rails/rail-errors.ts';
import type { Executor } from '@frameos/db';
import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import { WebhookPayloadError, WebhookSignatureError, type RailWebhookEvent } from '../rails/rail-adapter.ts';
import { applyRailOutcome } from './rail-outcome.service.ts';
import { addToRefundedAmount, lockPayment, lockPaymentByRailReference, type PaymentRow } from './payments.repo.ts';
import { applyRefundResult, completeRefund } from './refunds.service.ts';
import { insertRefund, lockRefund, lockRefundsOfPayment, succeededRefundTotal } from './refunds.repo.ts';
import { claimRailEvent, setRailEventOutcome } from './rail-webhooks.repo.ts';

export type WebhookOutcome = 'applied' | 'already' | 'recorded' | 'ignored' | 'unmatched' | 'duplicate';

export interface WebhookInput {
  rail: 'stripe' | 'cashfree';
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Verifies an inbound rail webhook and applies it exactly once. The event id is claimed in the same
 * transaction as the payment change, so a duplicate — sequential or concurrent, on any process —
 * finds the claim and changes nothing. Events that would move a payment backwards are recorded,
 * not applied (see decidePaymentTransition).
 */
export async function receiveRailWebhook(app: AppContext, input: WebhookInput): Promise<{ outcome: WebhookOutcome; eventId: string; type: string }> {
  const adapter = app.rails.adapter(input.rail);
  if (!adapter?.parseWebhook) throw railNotConfigured(input.rail);
  const now = app.clock();
  let event: RailWebhookEvent;
  try {
    event = adapter.parseWebhook({ rawBody: input.rawBody, headers: input.headers, now });
  } catch (err) {
    if (err instanceof WebhookSignatureError) throw new DomainError('webhook_signature_invalid', err.message);
    if (err instanceof WebhookPayloadError) throw new DomainError('webhook_payload_invalid', err.message);
    throw err;
  }
  const outcome = await retryingTransaction(app.database.db, (tx) => applyEvent(tx, app, input.rail, event, now));
  return { outcome, eventId: event.eventId, type: event.type };
}

async function applyEvent(tx: Executor, app: AppContext, rail: string, event: RailWebhookEvent, now: Date): Promise<WebhookOutcome> {
  const paymentId = event.kind === 'ignored' ? null : event.paymentId;
  if (!(await claimRailEvent(tx, { rail, eventId: event.eventId, type: event.type, paymentId, receivedAt: now }))) return 'duplicate';
  if (event.kind === 'ignored') {
    await setRailEventOutcome(tx, rail, event.eventId, 'ignored', null);
    return 'ignored';
  }
  const payment = await findEventPayment(tx, rail, event.paymentId, event.reference);
  if (!payment) {
    await setRailEventOutcome(tx, rail, event.eventId, 'unmatched', event.paymentId);
    return 'unmatched';
  }
  const outcome = event.kind === 'payment'
    ? await applyPaymentEvent(tx, app, payment, event, now)
    : event.kind === 'refund' ? await applyRefundEvent(tx, app, payment, event.amountRefunded, now) : await applyRefundStatusEvent(tx, app, payment, event, now);
  await setRailEventOutcome(tx, rail, event.eventId, outcome, payment.id);
  return outcome;
}

async function findEventPayment(tx: Executor, rail: string, paymentId: string | null, reference: string): Promise<PaymentRow | null> {
  const byId = paymentId ? await lockPayment(tx, paymentId) : null;
  if (byId) return byId.rail === rail ? byId : null;
  return lockPaymentByRailReference(tx, rail, reference);
}

async function applyPaymentEvent(tx: Executor, app: AppContext, payment: PaymentRow, event: Extract<RailWebhookEvent, { kind: 'payment' }>, now: Date): Promise<WebhookOutcome> {
  const result = event.outcome === 'settled'
    ? { outcome: 'settled' as const, reference: payment.railReference ?? event.reference }
    : { outcome: 'failed' as const, reference: payment.railReference ?? event.reference, code: event.failureCode ?? 'payment_failed', message: event.failureMessage ?? 'The rail reported the payment failed' };
  const applied = await applyRailOutcome(tx, app, payment, result, now);
  if (applied.effect === 'recorded') app.log.warn({ payment_id: payment.id, status: payment.status, event: event.type, attention: applied.payment.attentionReason }, 'rail webhook would move a payment backwards: recorded, not applied');
  return applied.effect === 'none' ? 'already' : applied.effect;
}

/** The rail reports one of our refunds as final: complete it, or release its reservation (under the refund's lock). */
async function applyRefundStatusEvent(tx: Executor, app: AppContext, payment: PaymentRow, event: Extract<RailWebhookEvent, { kind: 'refund_status' }>, now: Date): Promise<WebhookOutcome> {
  const refund = await lockRefund(tx, event.refundId);
  if (!refund || refund.paymentId !== payment.id || refund.amount !== event.amount) return 'unmatched';
  if (refund.status !== 'pending') return 'already';
  await applyRefundResult(tx, app, refund.id, event.result, now);
  return 'applied';
}

/**
 * The rail reports the total refunded so far. Our own pending refunds are completed first (oldest
 * first); whatever the rail refunded beyond them (e.g. from its dashboard) is recorded as a refund
 * too, so the ledger matches the money that actually went back.
 */
async function applyRefundEvent(tx: Executor, app: AppContext, payment: PaymentRow, amountRefunded: number, now: Date): Promise<WebhookOutcome> {
  let unaccounted = Math.min(amountRefunded, payment.amount) - (await succeededRefundTotal(tx, payment.id));
  if (unaccounted <= 0) return 'already';
  let applied = false;
  for (const refund of await lockRefundsOfPayment(tx, payment.id)) {
    if (refund.status !== 'pending' || refund.amount > unaccounted) continue;
    await applyRefundResult(tx, app, refund.id, { outcome: 'succeeded', reference: refund.railReference ?? `${payment.railReference ?? payment.id}:refund` }, now);
    unaccounted -= refund.amount;
    applied = true;
  }
  if (unaccounted > 0 && payment.status === 'settled') {
    const fresh = (await lockPayment(tx, payment.id))!;
    const reservable = Math.min(unaccounted, fresh.amount - fresh.refundedAmount);
    if (reservable > 0) {
      await addToRefundedAmount(tx, payment.id, reservable);
      const refund = { id: newId('refund'), orgId: payment.orgId, paymentId: payment.id, amount: reservable, currency: payment.currency, reason: 'Refunded at the rail', status: 'pending' as const, railReference: null, transferId: null, failureCode: null, failureMessage: null, createdAt: now, completedAt: null };
      await insertRefund(tx, refund);
      await completeRefund(tx, app, refund, null, now);
      applied = true;
    }
  }
  // A refund reported for a payment we have not settled (or beyond what our ledger can reverse) is
  // kept in rail_webhook_events for a human, not applied.
  if (!applied) app.log.warn({ payment_id: payment.id, status: payment.status, amount_refunded: amountRefunded }, 'rail reported a refund the ledger cannot apply: recorded, not applied');
  return applied ? 'applied' : 'recorded';
}
