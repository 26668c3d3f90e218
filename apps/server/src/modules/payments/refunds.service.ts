import { accountShard, decideRefundTransition, DomainError, notFound, resolveRefundAmount } from '@frameos/domain';
import { railNotConfigured } from '../rails/rail-errors.ts';
import type { Executor } from '@frameos/db';
import type { AppContext, RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction, storeAnswer } from '../idempotency/request-transaction.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import { assertAdmin, canSeeAgentAccount } from '../auth/principal.ts';
import { toRailError, type RailRefundResult } from '../rails/rail-adapter.ts';
import { ensureLedgerAccount, postTransfer } from '../ledger/ledger.service.ts';
import { appendReceipt } from '../receipts/receipts.service.ts';
import { enqueueEvent } from '../webhooks/events.sql.ts';
import { addToRefundedAmount, findPayment, lockPayment, type PaymentRow } from './payments.repo.ts';
import { paymentDto } from './payment-dto.ts';
import { insertRefund, listRefundsOfPayment, lockRefund, updateRefund, type RefundRow } from './refunds.repo.ts';

export function refundDto(row: RefundRow) {
  return {
    object: 'refund' as const,
    refund_id: row.id,
    id: row.id,
    payment_id: row.paymentId,
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    status: row.status,
    rail_reference: row.railReference,
    transfer_id: row.transferId,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
  };
}

type Started = { kind: 'done'; answer: ReturnType<typeof refundDto> } | { kind: 'at_rail'; refund: RefundRow; payment: PaymentRow };

/**
 * Refunds a settled payment, fully or in part. The amount is reserved on the payment under its row
 * lock before anything else happens, so concurrent refunds queue and can never together exceed what
 * was captured. On the ledger rail the reversal commits at once; on an external rail the refund is
 * sent after the reservation commits (our refund id is the provider's idempotency key) and its
 * answer is recorded in a second transaction — a failure releases the reservation.
 */
export async function createRefund(ctx: RequestContext, paymentId: string, input: { amount?: number | undefined; reason: string }) {
  assertAdmin(ctx.principal);
  // A ledger refund answers in this transaction; one at an external rail answers after the rail call.
  const started: Started = await retryingTransaction(ctx.db, async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!payment || payment.orgId !== ctx.principal.orgId || !canSeeAgentAccount(ctx.principal, payment.agentAccountId)) {
      throw notFound('Payment', paymentId);
    }
    if (payment.status !== 'settled') throw new DomainError('payment_not_refundable', `Payment ${paymentId} is ${payment.status}; only a settled payment can be refunded`);
    if (!ctx.app.rails.canRefund(payment.rail)) throw new DomainError('refund_not_supported', `Payments on the ${payment.rail} rail cannot be refunded through FrameOS`);
    const amount = resolveRefundAmount(payment.amount, payment.refundedAmount, input.amount);
    await addToRefundedAmount(tx, payment.id, amount);
    const refund: RefundRow = {
      id: newId('refund'), orgId: payment.orgId, paymentId: payment.id, amount, currency: payment.currency, reason: input.reason,
      status: 'pending', railReference: null, transferId: null, failureCode: null, failureMessage: null, createdAt: ctx.now, completedAt: null,
    };
    await insertRefund(tx, refund);
    if (payment.rail === 'ledger') {
      const answer = refundDto(await completeRefund(tx, ctx.app, refund, null, ctx.now));
      await storeAnswer(tx, ctx, answer);
      return { kind: 'done', answer };
    }
    if (!ctx.app.rails.adapter(payment.rail)) throw railNotConfigured(payment.rail);
    return { kind: 'at_rail', refund, payment };
  });
  if (started.kind === 'done') return started.answer;

  const result = await refundAtRail(ctx, started.payment, started.refund);
  return inTransaction(ctx, async (tx) => refundDto(await applyRefundResult(tx, ctx.app, started.refund.id, result, ctx.now)));
}

async function refundAtRail(ctx: RequestContext, payment: PaymentRow, refund: RefundRow): Promise<RailRefundResult | null> {
  const adapter = ctx.app.rails.adapter(payment.rail)!;
  try {
    return await adapter.refund({ paymentId: payment.id, refundId: refund.id, reference: payment.railReference ?? payment.id, amount: refund.amount, currency: refund.currency, reason: refund.reason });
  } catch (err) {
    const railError = toRailError(err);
    ctx.app.log.warn({ rail: payment.rail, refund_id: refund.id, code: railError.code, err: railError.message }, 'rail refund failed');
    // A refusal means nothing was refunded; no answer leaves the refund pending (its rail webhook completes it).
    return railError.transient ? null : { outcome: 'failed', code: railError.code, message: railError.message };
  }
}

/** Records the rail's answer to a refund, under the refund's row lock (webhooks may race the call). */
export async function applyRefundResult(tx: Executor, app: AppContext, refundId: string, result: RailRefundResult | null, now: Date): Promise<RefundRow> {
  const refund = await lockRefund(tx, refundId);
  if (!refund) throw new Error(`refund ${refundId} vanished`);
  if (result === null) return refund;
  if (result.outcome === 'pending') return refund.status === 'pending' ? updateRefund(tx, refund.id, { railReference: result.reference }) : refund;
  const decision = decideRefundTransition(refund.status, result.outcome === 'succeeded' ? 'succeed' : 'fail');
  if (decision.kind === 'already') return refund;
  if (result.outcome === 'succeeded') return completeRefund(tx, app, refund, result.reference, now);
  await lockPayment(tx, refund.paymentId);
  await addToRefundedAmount(tx, refund.paymentId, -refund.amount);
  return updateRefund(tx, refund.id, { status: decision.next, failureCode: result.code, failureMessage: result.message, completedAt: now });
}

/**
 * The money goes back: vendor payable → the agent's wallet, exactly the refunded amount, with a
 * `payment.refunded` receipt and outbound event, in the caller's transaction.
 */
export async function completeRefund(tx: Executor, app: AppContext, refund: RefundRow, railReference: string | null, now: Date): Promise<RefundRow> {
  const decision = decideRefundTransition(refund.status, 'succeed');
  if (decision.kind === 'already') throw new DomainError('invalid_transition', `Refund ${refund.id} is already ${refund.status}.`);
  const payment = await lockPayment(tx, refund.paymentId);
  if (!payment) throw new Error(`payment ${refund.paymentId} vanished`);
  const payable = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'vendor_payable', ownerRef: payment.vendor, currency: payment.currency, shard: accountShard(payment.agentAccountId) }, now);
  const wallet = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'agent_wallet', ownerRef: payment.agentAccountId, currency: payment.currency }, now);
  const transferId = await postTransfer(tx, { orgId: payment.orgId, kind: 'refund', reference: refund.id, from: payable, to: wallet, money: { amount: refund.amount, currency: refund.currency }, now });
  const completed = await updateRefund(tx, refund.id, { status: decision.next, transferId, railReference: railReference ?? refund.railReference, completedAt: now });
  await appendReceipt(tx, app, {
    orgId: payment.orgId,
    agentAccountId: payment.agentAccountId,
    event: 'payment.refunded',
    payment: { ...payment, transferId, railReference: payment.railReference },
    refund: { id: refund.id, amount: refund.amount },
  }, now);
  await enqueueEvent(tx, { id: newId('event'), orgId: payment.orgId, type: 'payment.refunded', data: paymentDto(payment), at: now });
  return completed;
}

export async function listRefundsPage(ctx: RequestContext, paymentId: string) {
  const payment = await findPayment(ctx.db, ctx.principal.orgId, paymentId);
  if (!payment || !canSeeAgentAccount(ctx.principal, payment.agentAccountId)) throw notFound('Payment', paymentId);
  return { object: 'list' as const, data: (await listRefundsOfPayment(ctx.db, paymentId)).map(refundDto), has_more: false };
}
