import { DomainError, evaluatePolicy } from '@frameos/domain';
import type { RequestContext } from '../../lib/context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../../lib/transaction.ts';
import { toPage } from '../../http/common-schemas.ts';
import { agentScope, assertCanWrite } from '../auth/principal.ts';
import { moveIntent } from '../intents/intents.service.ts';
import { ensureLedgerAccount, lockLedgerAccount, postTransfer } from '../ledger/ledger.service.ts';
import { assertMandateSignature, assertUsable, loadMandate, markMandateUsed } from '../mandates/mandates.service.ts';
import { loadPolicy } from '../policies/policies.service.ts';
import { appendReceipt } from '../receipts/receipts.service.ts';
import { policyDaySpend } from '../spend/spend.service.ts';
import { requireVendor } from '../vendors/vendors.service.ts';
import { findPayment, insertPayment, listPayments, type PaymentRow } from './payments.repo.ts';

export function paymentDto(row: PaymentRow) {
  return {
    object: 'payment' as const,
    payment_id: row.id,
    id: row.id,
    status: row.status,
    mandate_id: row.mandateId,
    intent_id: row.intentId,
    agent_account_id: row.agentAccountId,
    policy_id: row.policyId,
    vendor: row.vendor,
    rail: row.rail,
    amount: row.amount,
    currency: row.currency,
    transfer_id: row.transferId,
    failure_code: row.failureCode,
    created_at: row.createdAt.toISOString(),
    settled_at: row.settledAt?.toISOString() ?? null,
  };
}

/**
 * Executes a mandate exactly once. Everything commits together or not at all: the mandate's move to
 * `used`, the balanced ledger transfer, the payment, its receipt and the stored idempotent response.
 * Locks are taken in one order (mandate → policy → wallet → vendor payable → receipt chain) so
 * concurrent executes queue instead of deadlocking; the second one finds the mandate used.
 */
export async function executeMandate(ctx: RequestContext, mandateId: string) {
  assertCanWrite(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const mandate = await loadMandate(tx, ctx, mandateId, true);
    assertUsable(mandate, ctx.now);
    await assertMandateSignature(tx, ctx, mandate);

    const policy = await loadPolicy(tx, ctx, mandate.policyId, true);
    const spentToday = await policyDaySpend(tx, policy.row.id, policy.rules, ctx.now);
    const verdict = evaluatePolicy(policy.rules, { vendor: mandate.vendor, amount: mandate.amount, currency: mandate.currency, at: ctx.now, ip: ctx.ip, spentToday });
    if (!verdict.ok) throw new DomainError('policy_violation', verdict.message, { reason: verdict.reason });

    const vendor = await requireVendor(tx, mandate.orgId, mandate.vendor);
    if (vendor.rail !== 'ledger') throw new DomainError('rail_not_configured', `The ${vendor.rail} rail is not configured on this server`);

    const walletKey = { orgId: mandate.orgId, type: 'agent_wallet' as const, ownerRef: mandate.agentAccountId, currency: mandate.currency };
    const wallet = await lockLedgerAccount(tx, walletKey);
    if (!wallet || wallet.balance < mandate.amount) {
      throw new DomainError('insufficient_funds', `The wallet holds ${wallet?.balance ?? 0} ${mandate.currency} minor units; the payment needs ${mandate.amount}.`);
    }
    const payable = await ensureLedgerAccount(tx, { orgId: mandate.orgId, type: 'vendor_payable', ownerRef: vendor.vendorId, currency: mandate.currency }, ctx.now);

    const paymentId = newId('payment');
    const transferId = await postTransfer(tx, {
      orgId: mandate.orgId,
      kind: 'payment',
      reference: paymentId,
      fromAccountId: wallet.id,
      toAccountId: payable.id,
      money: { amount: mandate.amount, currency: mandate.currency },
      now: ctx.now,
    });
    const row: PaymentRow = {
      id: paymentId,
      orgId: mandate.orgId,
      mandateId: mandate.id,
      intentId: mandate.intentId,
      agentAccountId: mandate.agentAccountId,
      policyId: mandate.policyId,
      vendor: vendor.vendorId,
      rail: vendor.rail,
      amount: mandate.amount,
      currency: mandate.currency,
      status: 'settled',
      transferId,
      failureCode: null,
      createdAt: ctx.now,
      settledAt: ctx.now,
    };
    await insertPayment(tx, row);
    await markMandateUsed(tx, mandate.id, ctx.now);
    await moveIntent(tx, mandate.intentId, 'succeeded');
    const receipt = await appendReceipt(tx, ctx.app, {
      orgId: row.orgId,
      agentAccountId: row.agentAccountId,
      event: 'payment.settled',
      payment: { id: row.id, mandateId: row.mandateId, intentId: row.intentId, vendor: row.vendor, rail: row.rail, amount: row.amount, currency: row.currency, status: row.status, transferId },
    }, ctx.now);
    return { ...paymentDto(row), receipt_id: receipt.id };
  });
}

export async function getPayment(ctx: RequestContext, id: string) {
  const row = await findPayment(ctx.db, ctx.principal.orgId, id);
  const scope = agentScope(ctx.principal);
  if (!row || (scope && row.agentAccountId !== scope)) throw new DomainError('not_found', `Payment ${id} not found`);
  return paymentDto(row);
}

export async function listPaymentsPage(ctx: RequestContext, limit: number, startingAfter?: string, agentAccountId?: string) {
  const rows = await listPayments(ctx.db, ctx.principal.orgId, limit, startingAfter, agentScope(ctx.principal) ?? agentAccountId);
  return toPage(rows, limit, paymentDto);
}
