import { accountShard, DomainError } from '@frameos/domain';
import { railNotConfigured } from '../rails/rail-errors.ts';
import type { Tx } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { toRailError, type RailError, type RailPaymentResult } from '../rails/rail-adapter.ts';
import type { ResilientRail } from '../rails/resilient-rail.ts';
import { buildReceipt } from '../receipts/receipts.service.ts';
import { payerAccountSettings } from '../rail-accounts/rail-accounts.service.ts';
import { ledgerConstraintError } from '../ledger/ledger.service.ts';
import { recordRailHold, type ExecutionState } from './execution.repo.ts';
import { applyRailOutcome } from './rail-outcome.service.ts';
import { lockPayment } from './payments.repo.ts';
import { paymentDto } from './payment-dto.ts';

/** A payment recorded as pending with its funds held, about to be sent to its rail. */
export interface RailAttempt {
  paymentId: string;
  orgId: string;
  rail: string;
  vendor: { vendorId: string; settings: Record<string, unknown> };
  payer: Record<string, string>;
  amount: number;
  currency: string;
  receiptId: string;
}

/**
 * First half of a payment on an external rail, inside the execute transaction: checks the rail can
 * take it, then holds the funds and records the payment as pending (see recordRailHold).
 */
export async function holdForRail(tx: Tx, ctx: RequestContext, state: ExecutionState): Promise<RailAttempt> {
  const { mandate, vendor } = state;
  const adapter = ctx.app.rails.adapter(vendor.rail);
  if (!adapter) throw railNotConfigured(vendor.rail);
  if (adapter.currencies.length > 0 && !adapter.currencies.includes(mandate.currency)) {
    throw new DomainError('invalid_currency', `The ${vendor.rail} rail moves ${adapter.currencies.join(', ')} only; this mandate is in ${mandate.currency}.`);
  }
  let payer: Record<string, string> = {};
  if (ctx.app.rails.needsPayerAccount(vendor.rail)) {
    const settings = await payerAccountSettings(tx, mandate.orgId, vendor.rail);
    if (!settings) throw new DomainError('rail_account_missing', `Set up the organization's ${vendor.rail} account first: PUT /rail-accounts/${vendor.rail}`);
    payer = settings;
  }
  const { paymentId, receiptId } = await recordHold(tx, ctx, state, vendor.rail);
  return { paymentId, orgId: mandate.orgId, rail: vendor.rail, vendor: { vendorId: vendor.vendorId, settings: vendor.settings }, payer, amount: mandate.amount, currency: mandate.currency, receiptId };
}

/**
 * Holds the mandate's amount for a payment decided later (by a rail, or by a marketplace run), in
 * the caller's transaction and under the locks `lockExecutable` took: wallet → the rail's clearing
 * account, the payment `pending`, the mandate `used`, a `payment.pending` receipt.
 */
export async function recordHold(tx: Tx, ctx: RequestContext, state: ExecutionState, rail: string): Promise<{ paymentId: string; receiptId: string }> {
  const { mandate } = state;
  const paymentId = newId('payment');
  const transferId = newId('transfer');
  const payment = { id: paymentId, mandateId: mandate.id, intentId: mandate.intentId, agentAccountId: mandate.agentAccountId, policyId: mandate.policyId, vendor: mandate.vendor, rail };
  const receipt = buildReceipt(ctx.app, {
    orgId: mandate.orgId,
    agentAccountId: mandate.agentAccountId,
    event: 'payment.pending',
    payment: { ...payment, amount: mandate.amount, currency: mandate.currency, status: 'pending', transferId },
  }, { seq: state.chain.lastSeq + 1, prevHash: state.chain.headHash }, ctx.now);
  await recordRailHold(tx, {
    orgId: mandate.orgId,
    now: ctx.now,
    amount: mandate.amount,
    currency: mandate.currency,
    walletId: state.wallet.id,
    clearingShard: accountShard(mandate.agentAccountId),
    newClearingAccountId: newId('ledger_account'),
    transferId,
    payment,
    receipt,
  }).catch((err: unknown) => {
    throw ledgerConstraintError(err);
  });
  return { paymentId, receiptId: receipt.id };
}

/**
 * Second half: call the rail (no transaction open), then record its answer. The response — the
 * payment, settled, pending or failed with a clear reason — is stored for the Idempotency-Key here.
 */
export async function completeOnRail(ctx: RequestContext, attempt: RailAttempt) {
  const adapter = ctx.app.rails.adapter(attempt.rail)!;
  const result = await chargeOnce(ctx, adapter, attempt);
  return inTransaction(ctx, async (tx) => {
    const payment = await lockPayment(tx, attempt.paymentId);
    if (!payment) throw new Error(`payment ${attempt.paymentId} vanished after its hold committed`);
    const applied = await applyRailOutcome(tx, ctx.app, payment, result, ctx.now);
    return { ...paymentDto(applied.payment), receipt_id: applied.receiptId ?? attempt.receiptId };
  });
}

/**
 * Charges through the resilient adapter (timeouts, retries, breaker). When the provider gave no
 * answer even after retries, asks it whether the payment exists before deciding: "not found" from a
 * consistent lookup means nothing was charged and the payment fails (its mandate usable again);
 * anything unclear leaves it pending for reconciliation rather than risk releasing funds a provider
 * did take.
 */
async function chargeOnce(ctx: RequestContext, adapter: ResilientRail, attempt: RailAttempt): Promise<RailPaymentResult> {
  const request = {
    paymentId: attempt.paymentId,
    orgId: attempt.orgId,
    amount: attempt.amount,
    currency: attempt.currency,
    vendor: attempt.vendor,
    payer: attempt.payer,
    description: `FrameOS payment ${attempt.paymentId} to ${attempt.vendor.vendorId}`,
  };
  try {
    return await adapter.charge(request);
  } catch (err) {
    const railError = toRailError(err);
    ctx.app.log.warn({ rail: attempt.rail, payment_id: attempt.paymentId, code: railError.code, transient: railError.transient, err: railError.message }, 'rail charge failed');
    // A refusal (4xx) is the provider saying it did nothing.
    if (!railError.transient) return { outcome: 'failed', reference: null, code: railError.code, message: railError.message };
    return askAfterFailure(ctx, adapter, attempt, railError);
  }
}

async function askAfterFailure(ctx: RequestContext, adapter: ResilientRail, attempt: RailAttempt, cause: RailError): Promise<RailPaymentResult> {
  try {
    const status = await adapter.status({ paymentId: attempt.paymentId, reference: null, amount: attempt.amount, currency: attempt.currency, details: {} });
    if (status.outcome === 'not_found' && !adapter.consistentStatusLookup) {
      return { outcome: 'unknown', message: `${cause.message}; ${attempt.rail} cannot yet confirm whether anything was charged` };
    }
    if (status.outcome === 'not_found') {
      return { outcome: 'failed', reference: null, code: cause.code === 'rail_timeout' ? 'rail_timeout' : 'rail_unavailable', message: `${attempt.rail}: ${cause.message}. Nothing was charged; the mandate can be executed again.` };
    }
    return status;
  } catch (err) {
    ctx.app.log.warn({ rail: attempt.rail, payment_id: attempt.paymentId, err: err instanceof Error ? err.message : String(err) }, 'rail status unknown after a failed charge; left pending for reconciliation');
    return { outcome: 'unknown', message: cause.message };
  }
}
