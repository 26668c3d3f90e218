import type { PaymentRow } from './payments.repo.ts';

/** The payment as the API returns it, and as `payment.*` webhooks carry it in `data`. */
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
    refunded_amount: row.refundedAmount,
    transfer_id: row.transferId,
    rail_reference: row.railReference,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    needs_attention: row.attentionReason,
    created_at: row.createdAt.toISOString(),
    settled_at: row.settledAt?.toISOString() ?? null,
  };
}
