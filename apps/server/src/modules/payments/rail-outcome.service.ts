import { accountShard, decidePaymentTransition, DomainError, type PaymentTransition } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import type { RailPaymentResult } from '../rails/rail-adapter.ts';
import { ensureLedgerAccount, postTransfer } from '../ledger/ledger.service.ts';
import { appendReceipt, type ReceiptEvent } from '../receipts/receipts.service.ts';
import { releaseMandate } from '../mandates/mandates.service.ts';
import { moveIntent } from '../intents/intents.service.ts';
import { enqueueEvent } from '../webhooks/events.sql.ts';
import { updatePayment, type PaymentRow } from './payments.repo.ts';
import { paymentDto } from './payment-dto.ts';

/** What applying a rail's news did: applied, already in that state, recorded only (it would move backwards), or nothing to do. */
export type OutcomeEffect = 'applied' | 'already' | 'recorded' | 'none';

export interface AppliedOutcome {
  effect: OutcomeEffect;
  payment: PaymentRow;
  receiptId: string | null;
}

/**
 * Applies what a rail said about a payment (from the execute call, a webhook or reconciliation) to a
 * payment row the caller has locked. Only named transitions from `pending` apply; news that would
 * move a final payment backwards is recorded, and flagged when money may have moved that the ledger
 * does not show. Ledger transfer, payment, mandate, intent, receipt and outbound event all change in
 * the caller's transaction.
 */
export async function applyRailOutcome(tx: Executor, app: AppContext, payment: PaymentRow, result: RailPaymentResult, now: Date): Promise<AppliedOutcome> {
  switch (result.outcome) {
    case 'settled':
      return transition(tx, app, payment, 'settle', now, { reference: result.reference, details: result.details ?? {} });
    case 'failed':
      return transition(tx, app, payment, 'fail', now, { reference: result.reference, failureCode: result.code, failureMessage: result.message });
    case 'pending': {
      if (payment.status !== 'pending' || payment.railReference === result.reference) return { effect: 'none', payment, receiptId: null };
      const updated = await updatePayment(tx, payment.id, { railReference: result.reference, railDetails: { ...payment.railDetails, ...result.details }, updatedAt: now });
      return { effect: 'none', payment: updated, receiptId: null };
    }
    case 'not_found':
    case 'unknown':
      return { effect: 'none', payment, receiptId: null };
  }
}

interface TransitionFacts {
  reference: string | null;
  details?: Record<string, string>;
  failureCode?: string;
  failureMessage?: string;
}

async function transition(tx: Executor, app: AppContext, payment: PaymentRow, name: PaymentTransition, now: Date, facts: TransitionFacts): Promise<AppliedOutcome> {
  const decision = decidePaymentTransition(payment.status, name);
  if (decision.kind === 'already') return { effect: 'already', payment, receiptId: null };
  if (decision.kind === 'record') {
    const flagged = decision.attention ? await updatePayment(tx, payment.id, { attentionReason: decision.attention, updatedAt: now }) : payment;
    return { effect: 'recorded', payment: flagged, receiptId: null };
  }
  const moved = name === 'settle' ? await settleHeldPayment(tx, payment, now, facts) : await releaseHeldPayment(tx, payment, now, facts);
  const event: ReceiptEvent = name === 'settle' ? 'payment.settled' : 'payment.failed';
  const receipt = await appendReceipt(tx, app, {
    orgId: moved.orgId,
    agentAccountId: moved.agentAccountId,
    event,
    payment: { ...moved, railReference: moved.railReference },
  }, now);
  await enqueueEvent(tx, { id: newId('event'), orgId: moved.orgId, type: event, data: paymentDto(moved), at: now });
  return { effect: 'applied', payment: moved, receiptId: receipt.id };
}

/**
 * Clearing → vendor payable: the rail confirmed the money left. A rail may settle less than was held
 * (an x402 vendor asking less than the mandate allows, `details.amount_minor`): then only that moves
 * to the vendor, the rest goes back to the wallet, and the payment records what was actually paid.
 */
async function settleHeldPayment(tx: Executor, payment: PaymentRow, now: Date, facts: TransitionFacts): Promise<PaymentRow> {
  const shard = accountShard(payment.agentAccountId);
  const clearing = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'rail_clearing', ownerRef: payment.rail, currency: payment.currency, shard }, now);
  const payable = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'vendor_payable', ownerRef: payment.vendor, currency: payment.currency, shard }, now);
  const paid = paidAmount(payment.amount, facts.details);
  const hold = holdOf(payment);
  const transferId = await postTransfer(tx, { orgId: payment.orgId, kind: 'payment_capture', reference: payment.id, from: clearing, to: payable, money: { amount: paid, currency: payment.currency }, holdTransferId: hold, now });
  if (paid < payment.amount) {
    const wallet = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'agent_wallet', ownerRef: payment.agentAccountId, currency: payment.currency }, now);
    await postTransfer(tx, { orgId: payment.orgId, kind: 'payment_release', reference: payment.id, from: clearing, to: wallet, money: { amount: payment.amount - paid, currency: payment.currency }, holdTransferId: hold, now });
  }
  await moveIntent(tx, payment.intentId, 'succeed');
  return updatePayment(tx, payment.id, {
    status: 'settled',
    amount: paid,
    transferId,
    settledAt: now,
    updatedAt: now,
    railReference: facts.reference ?? payment.railReference,
    railDetails: { ...payment.railDetails, ...facts.details, ...(paid < payment.amount ? { held_amount: String(payment.amount) } : {}) },
  });
}

/** A pending payment's transfer is its hold (wallet → clearing); the capture or release that resolves it names it. */
function holdOf(payment: PaymentRow): string {
  if (!payment.transferId) throw new DomainError('invalid_transfer', `pending payment ${payment.id} has no hold to resolve`);
  return payment.transferId;
}

/** What the rail says it took, when it says so in whole minor units within the held amount; else all of it. */
function paidAmount(held: number, details: Record<string, string> | undefined): number {
  const reported = details?.amount_minor;
  if (reported === undefined || !/^[1-9]\d*$/.test(reported)) return held;
  const paid = Number(reported);
  return Number.isSafeInteger(paid) && paid <= held ? paid : held;
}

/** Clearing → wallet: the rail charged nothing, so the funds and the mandate are the agent's again. */
async function releaseHeldPayment(tx: Executor, payment: PaymentRow, now: Date, facts: TransitionFacts): Promise<PaymentRow> {
  const clearing = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'rail_clearing', ownerRef: payment.rail, currency: payment.currency, shard: accountShard(payment.agentAccountId) }, now);
  const wallet = await ensureLedgerAccount(tx, { orgId: payment.orgId, type: 'agent_wallet', ownerRef: payment.agentAccountId, currency: payment.currency }, now);
  const transferId = await postTransfer(tx, { orgId: payment.orgId, kind: 'payment_release', reference: payment.id, from: clearing, to: wallet, money: { amount: payment.amount, currency: payment.currency }, holdTransferId: holdOf(payment), now });
  // The intent stays mandated: its mandate may pay again.
  await releaseMandate(tx, payment.mandateId, now);
  return updatePayment(tx, payment.id, {
    status: 'failed',
    transferId,
    updatedAt: now,
    railReference: facts.reference ?? payment.railReference,
    failureCode: facts.failureCode ?? 'rail_failed',
    failureMessage: facts.failureMessage ?? null,
  });
}
