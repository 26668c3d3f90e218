import { accountShard, decidePaymentTransition, DomainError, splitMarketplaceCapture } from '@frameos/domain';
import type { Executor, Tx } from '@frameos/db';
import type { AppContext, RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { ensureLedgerAccount, lockLedgerAccount, postTransfer, type TransferAccount } from '../ledger/ledger.service.ts';
import { appendReceipt, lockReceiptChain } from '../receipts/receipts.service.ts';
import { moveIntent } from '../intents/intents.service.ts';
import { enqueueEvent } from '../webhooks/events.sql.ts';
import { MARKETPLACE_RAIL } from '../vendors/vendors.schemas.ts';
import { recordHold } from './rail-execution.service.ts';
import { lockPayment, updatePayment, type PaymentRow } from './payments.repo.ts';
import { paymentDto } from './payment-dto.ts';
import { lockExecutable } from './payments.service.ts';

/**
 * A marketplace agent is a vendor paid per execution over the `marketplace` rail, with the same
 * two-phase money as the external rails: the price is held when the execution is queued (wallet →
 * clearing, payment `pending`), and when the run ends the hold is captured — split between the
 * developer's payable account (in the developer's org) and the platform's revenue account — or
 * voided back to the wallet. Every step adds a receipt to the payer's chain and an outbound event.
 */

/** The platform organization, created by migration 0007: it owns the platform_revenue accounts. */
export const PLATFORM_ORG_ID = 'org_platform';

export interface ExecutionHold {
  paymentId: string;
  amount: number;
  currency: string;
}

/**
 * Holds a mandate's amount for an execution, in the caller's transaction: the mandate is checked
 * exactly as POST /execute checks it (usable, signature, policy against today's spend, funds), then
 * the funds move to clearing and the payment is `pending`, with its `payment.pending` receipt.
 * `issuedInThisTransaction` (only for a mandate issued earlier in this same transaction) skips the
 * signature check, which for such a mandate cannot fail; everything else is checked as always.
 */
export async function holdExecutionPrice(tx: Tx, ctx: RequestContext, mandateId: string, options: { issuedInThisTransaction?: boolean } = {}): Promise<ExecutionHold> {
  const state = await lockExecutable(tx, ctx, mandateId, null, options);
  const { mandate } = state;
  if (state.vendor.rail !== MARKETPLACE_RAIL) throw new DomainError('vendor_exists', `The organization's vendor ${mandate.vendor} is not the marketplace agent of that id.`);
  const { paymentId } = await recordHold(tx, ctx, state, MARKETPLACE_RAIL);
  return { paymentId, amount: mandate.amount, currency: mandate.currency };
}

export interface ExecutionCapture {
  /** What the run costs, at most what was held; the rest goes back to the wallet. */
  amount: number;
  developer: { developerId: string; orgId: string };
  executionId: string;
}

/** What resolving an execution's hold did: applied, or nothing because the payment had already ended (an abort raced the run). */
export type HoldResolution = { applied: true; payment: ReturnType<typeof paymentDto> } | { applied: false; payment: ReturnType<typeof paymentDto> };

/**
 * Captures an execution's hold, in the caller's transaction, under the payment's row lock: the
 * developer's share and the platform's fee (PLATFORM_FEE_BPS) as two captures naming the hold, the
 * unused rest released. A payment no longer pending (voided by an abort) is left as it is.
 */
export async function captureExecutionPayment(tx: Executor, app: AppContext, paymentId: string, capture: ExecutionCapture, now: Date): Promise<HoldResolution> {
  const payment = await lockedPendingPayment(tx, paymentId);
  if (payment.status !== 'pending') return { applied: false, payment: paymentDto(payment) };
  if (capture.amount > payment.amount) throw new DomainError('invalid_transfer', `a capture of ${capture.amount} exceeds the hold of ${payment.amount}`);
  if (capture.amount === 0) return voidExecutionPayment(tx, app, paymentId, { code: 'nothing_charged', message: 'The run reported no billable units.' }, now);
  decidePaymentTransition(payment.status, 'settle');
  const hold = holdOf(payment);
  const shard = accountShard(payment.agentAccountId);
  const money = (amount: number) => ({ amount, currency: payment.currency });
  const clearing = await clearingAccount(tx, payment, now);
  const split = splitMarketplaceCapture(capture.amount, app.config.platformFeeBps);
  const ownerRef = `${capture.developer.developerId}/${payment.vendor}`;
  let transferId: string | null = null;
  if (split.developer > 0) {
    const payable = await ensureLedgerAccount(tx, { orgId: capture.developer.orgId, type: 'developer_payable', ownerRef, currency: payment.currency, shard }, now);
    transferId = await postTransfer(tx, { orgId: payment.orgId, kind: 'payment_capture', reference: payment.id, from: clearing, to: payable, money: money(split.developer), holdTransferId: hold, now });
  }
  if (split.platform > 0) {
    const revenue = await ensureLedgerAccount(tx, { orgId: PLATFORM_ORG_ID, type: 'platform_revenue', ownerRef, currency: payment.currency, shard }, now);
    const feeTransfer = await postTransfer(tx, { orgId: payment.orgId, kind: 'payment_capture', reference: `${payment.id}:fee`, from: clearing, to: revenue, money: money(split.platform), holdTransferId: hold, now });
    transferId ??= feeTransfer;
  }
  if (capture.amount < payment.amount) await releaseRest(tx, payment, clearing, payment.amount - capture.amount, hold, now);
  await moveIntent(tx, payment.intentId, 'succeed');
  const settled = await updatePayment(tx, payment.id, {
    status: 'settled',
    amount: capture.amount,
    transferId,
    settledAt: now,
    updatedAt: now,
    railReference: capture.executionId,
    railDetails: { ...payment.railDetails, held_amount: String(payment.amount), developer_amount: String(split.developer), platform_fee: String(split.platform) },
  });
  return { applied: true, payment: await recordOutcome(tx, app, settled, 'payment.settled', now) };
}

/**
 * Voids an execution's hold (the run failed, timed out, was aborted or its output was invalid):
 * everything goes back to the wallet and the payment fails with the reason. The mandate stays used —
 * it was issued for this one run. Nothing happens to a payment that is no longer pending.
 */
export async function voidExecutionPayment(tx: Executor, app: AppContext, paymentId: string, reason: { code: string; message: string }, now: Date): Promise<HoldResolution> {
  const payment = await lockedPendingPayment(tx, paymentId);
  if (payment.status !== 'pending') return { applied: false, payment: paymentDto(payment) };
  decidePaymentTransition(payment.status, 'fail');
  const hold = holdOf(payment);
  const clearing = await clearingAccount(tx, payment, now);
  const transferId = await releaseRest(tx, payment, clearing, payment.amount, hold, now);
  const failed = await updatePayment(tx, payment.id, { status: 'failed', transferId, updatedAt: now, failureCode: reason.code, failureMessage: reason.message });
  return { applied: true, payment: await recordOutcome(tx, app, failed, 'payment.failed', now) };
}

/**
 * Locks the payment, then the payer's wallet and receipt chain — in the order a hold takes them
 * (lockExecutionState: mandate → policy → wallet → chain, then the clearing shard), before any
 * ledger account is touched. Resolving a hold that updated the clearing shard first and the chain
 * last would deadlock with a hold of the same payer (or of a payer on the same shard) taking them
 * the other way round.
 */
async function lockedPendingPayment(tx: Executor, paymentId: string): Promise<PaymentRow> {
  const payment = await lockPayment(tx, paymentId);
  if (!payment) throw new Error(`payment ${paymentId} of an execution does not exist`);
  if (payment.rail !== MARKETPLACE_RAIL) throw new DomainError('invalid_transfer', `payment ${paymentId} is not a marketplace payment`);
  if (payment.status === 'pending') {
    await lockLedgerAccount(tx, { orgId: payment.orgId, type: 'agent_wallet', ownerRef: payment.agentAccountId, currency: payment.currency });
    await lockReceiptChain(tx, payment.agentAccountId);
  }
  return payment;
}

function holdOf(payment: PaymentRow): string {
  if (!payment.transferId) throw new DomainError('invalid_transfer', `pending payment ${payment.id} has no hold to resolve`);
  return payment.transferId;
}

async function clearingAccount(tx: Executor, payment: PaymentRow, now: Date): Promise<TransferAccount> {
  return ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'rail_clearing', ownerRef: MARKETPLACE_RAIL, currency: payment.currency, shard: accountShard(payment.agentAccountId) }, now);
}

async function releaseRest(tx: Executor, payment: PaymentRow, clearing: TransferAccount, amount: number, hold: string, now: Date): Promise<string> {
  const wallet = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'agent_wallet', ownerRef: payment.agentAccountId, currency: payment.currency }, now);
  return postTransfer(tx, { orgId: payment.orgId, kind: 'payment_release', reference: payment.id, from: clearing, to: wallet, money: { amount, currency: payment.currency }, holdTransferId: hold, now });
}

async function recordOutcome(tx: Executor, app: AppContext, payment: PaymentRow, event: 'payment.settled' | 'payment.failed', now: Date) {
  await appendReceipt(tx, app, { orgId: payment.orgId, agentAccountId: payment.agentAccountId, event, payment }, now);
  const dto = paymentDto(payment);
  await enqueueEvent(tx, { id: newId('event'), orgId: payment.orgId, type: event, data: dto, at: now });
  return dto;
}
