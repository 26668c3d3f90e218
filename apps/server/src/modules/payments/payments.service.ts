import { accountShard, assertBalancedPostings, buildTransferPostings, DomainError, evaluatePolicy, nextMandateStatus, notFound, type PolicyRules } from '@frameos/domain';
import { railNotConfigured } from '../rails/rail-errors.ts';
import type { Executor, Tx } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { retryingTransaction, RetryTransaction } from '../../lib/transaction.ts';
import { storedResponseFor } from '../idempotency/idempotency.sql.ts';
import { toPage } from '../../lib/pagination.ts';
import { agentScope, canSeeAgentAccount, assertCanWrite } from '../auth/principal.ts';
import { assertMandateSignature, loadMandate } from '../mandates/mandates.service.ts';
import { buildReceipt } from '../receipts/receipts.service.ts';
import { policyDaySpend } from '../spend/spend.service.ts';
import { requireVendor } from '../vendors/vendors.service.ts';
import { MARKETPLACE_RAIL } from '../vendors/vendors.schemas.ts';
import { ledgerConstraintError, walletBalance } from '../ledger/ledger.service.ts';
import { countPaymentBacklog, findPayment, listPayments, type PaymentRow } from './payments.repo.ts';
import { lockExecutionState, recordSettlement, type ExecutionState } from './execution.repo.ts';
import { paymentDto } from './payment-dto.ts';
import { completeOnRail, holdForRail } from './rail-execution.service.ts';

export { paymentDto };

/**
 * Executes a mandate exactly once. Everything commits together or not at all: the mandate's move to
 * `used`, the balanced ledger transfer, the payment, its receipt and the stored idempotent response.
 * The rows it changes are locked first, in one statement and always in one order (mandate → policy →
 * wallet → receipt chain), so concurrent executes queue instead of deadlocking and the second one
 * finds the mandate used. The vendor payable account, shared by every agent paying that vendor, is
 * sharded by payer and locked only by the final write.
 */
export async function executeMandate(ctx: RequestContext, mandateId: string) {
  assertCanWrite(ctx.principal);
  // The answer is stored by the settlement statement (ledger rail) or, after the rail call, by the
  // transaction that records the rail's outcome: the hold alone answers nothing.
  const first = await retryingTransaction(ctx.db, async (tx) => {
    const state = await lockExecutable(tx, ctx, mandateId, agentScope(ctx.principal));
    if (state.vendor.rail === MARKETPLACE_RAIL) {
      throw new DomainError('rail_not_configured', 'A marketplace agent is paid by its executions (POST /agents/:id/execute), not by POST /execute.');
    }
    if (!ctx.app.rails.isConfigured(state.vendor.rail)) throw railNotConfigured(state.vendor.rail);
    if (state.vendor.rail === 'ledger') return { kind: 'settled' as const, response: await settleOnLedger(tx, ctx, state) };
    return { kind: 'held' as const, attempt: await holdForRail(tx, ctx, state) };
  });
  if (first.kind === 'settled') return first.response;
  // The hold is committed: call the rail outside any transaction, record its answer in a second one.
  return completeOnRail(ctx, first.attempt);
}

/**
 * Locks what paying a mandate changes and checks, under those locks, that it may pay now: the
 * mandate is usable and its signature verifies, the policy as it is now allows it against
 * everything already spent today (so concurrent payments cannot overrun the daily limit together),
 * and the wallet holds the amount.
 */
export async function lockExecutable(tx: Tx, ctx: RequestContext, mandateId: string, scope: string | null, options: { issuedInThisTransaction?: boolean } = {}): Promise<ExecutionState> {
  const state = await lockExecutionState(tx, ctx.principal.orgId, mandateId, scope);
  if (!state) return explainUnexecutable(tx, ctx, mandateId);
  const { mandate } = state;
  nextMandateStatus(mandate, 'use', ctx.now);
  // The signature guards a stored mandate against tampering between its issue and its use. A mandate
  // this very transaction issued (a marketplace run's hold) was signed from these values moments ago
  // and nobody else can have seen or changed its uncommitted row: verifying it again proves nothing.
  if (!options.issuedInThisTransaction) await assertMandateSignature(tx, ctx, mandate);
  const rules = state.policyRules as unknown as PolicyRules;
  const spentToday = await policyDaySpend(tx, mandate.policyId, rules, ctx.now);
  const verdict = evaluatePolicy(rules, { vendor: mandate.vendor, amount: mandate.amount, currency: mandate.currency, at: ctx.now, ip: ctx.ip, spentToday });
  if (!verdict.ok) throw new DomainError('policy_violation', verdict.message, { reason: verdict.reason });
  if (state.wallet.balance < mandate.amount) throw insufficientFunds(state.wallet.balance, mandate.amount, mandate.currency);
  return state;
}

/** The ledger rail: the transfer in this transaction is the settlement (one locking, one writing statement). */
async function settleOnLedger(tx: Tx, ctx: RequestContext, state: ExecutionState) {
  const { mandate } = state;
  const paymentId = newId('payment');
  const transferId = newId('transfer');
  assertBalancedPostings(buildTransferPostings(state.wallet.id, `payable:${mandate.vendor}`, { amount: mandate.amount, currency: mandate.currency }));
  const row: PaymentRow = {
    id: paymentId,
    orgId: mandate.orgId,
    mandateId: mandate.id,
    intentId: mandate.intentId,
    agentAccountId: mandate.agentAccountId,
    policyId: mandate.policyId,
    vendor: state.vendor.vendorId,
    rail: state.vendor.rail,
    amount: mandate.amount,
    currency: mandate.currency,
    status: 'settled',
    transferId,
    failureCode: null,
    failureMessage: null,
    railReference: null,
    railDetails: {},
    refundedAmount: 0,
    attentionReason: null,
    createdAt: ctx.now,
    updatedAt: null,
    settledAt: ctx.now,
  };
  const receipt = buildReceipt(ctx.app, {
    orgId: row.orgId,
    agentAccountId: row.agentAccountId,
    event: 'payment.settled',
    payment: { id: row.id, mandateId: row.mandateId, intentId: row.intentId, vendor: row.vendor, rail: row.rail, amount: row.amount, currency: row.currency, status: row.status, transferId },
  }, { seq: state.chain.lastSeq + 1, prevHash: state.chain.headHash }, ctx.now);
  const payment = paymentDto(row);
  const response = { ...payment, receipt_id: receipt.id };
  await recordSettlement(tx, {
    orgId: row.orgId,
    now: ctx.now,
    amount: row.amount,
    currency: row.currency,
    walletId: state.wallet.id,
    payableShard: accountShard(row.agentAccountId),
    newPayableAccountId: newId('ledger_account'),
    transferId,
    payment: { id: row.id, mandateId: row.mandateId, intentId: row.intentId, agentAccountId: row.agentAccountId, policyId: row.policyId, vendor: row.vendor, rail: row.rail },
    receipt,
    response: storedResponseFor(ctx, response),
    event: { id: newId('event'), orgId: row.orgId, type: 'payment.settled', data: payment, at: ctx.now },
  }).catch((err: unknown) => {
    throw ledgerConstraintError(err);
  });
  return response;
}

function insufficientFunds(balance: number, amount: number, currency: string): DomainError {
  return new DomainError('insufficient_funds', `The wallet holds ${balance} ${currency} minor units; the payment needs ${amount}.`);
}

/** The slow path for the rare refusal: say precisely why a mandate cannot be executed. */
async function explainUnexecutable(tx: Tx, ctx: RequestContext, mandateId: string): Promise<never> {
  const mandate = await loadMandate(tx, ctx, mandateId);
  nextMandateStatus(mandate, 'use', ctx.now);
  const vendor = await requireVendor(tx, mandate.orgId, mandate.vendor);
  if (vendor.rail !== MARKETPLACE_RAIL && !ctx.app.rails.isConfigured(vendor.rail)) throw railNotConfigured(vendor.rail);
  const balance = await walletBalance(tx, mandate.orgId, mandate.agentAccountId, mandate.currency);
  if (balance === null) throw insufficientFunds(0, mandate.amount, mandate.currency);
  // Everything exists: the policy changed version while we waited for its lock. Start again.
  throw new RetryTransaction('the policy version moved while execute waited for its lock');
}

export async function getPayment(ctx: RequestContext, id: string) {
  const row = await findPayment(ctx.db, ctx.principal.orgId, id);
  if (!row || !canSeeAgentAccount(ctx.principal, row.agentAccountId)) throw notFound('Payment', id);
  return paymentDto(row);
}

export async function listPaymentsPage(ctx: RequestContext, limit: number, startingAfter?: string, agentAccountId?: string) {
  const rows = await listPayments(ctx.db, ctx.principal.orgId, limit, startingAfter, agentScope(ctx.principal) ?? agentAccountId);
  return toPage(rows, limit, paymentDto);
}

/** Payments waiting across every org, for the operator's metrics. */
export async function paymentBacklog(db: Executor): Promise<{ pending: number; needingAttention: number }> {
  return countPaymentBacklog(db);
}
