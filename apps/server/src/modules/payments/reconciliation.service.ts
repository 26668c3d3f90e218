import type { AppContext } from '../../context.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import type { RailPaymentResult } from '../rails/rail-adapter.ts';
import { applyRailOutcome } from './rail-outcome.service.ts';
import { listPendingRailPayments, lockPayment, updatePayment, type PaymentRow } from './payments.repo.ts';
import { reconciliationCounter } from '../metrics/counters.ts';

/** A payment younger than this may still be in its execute call; leave it to that call. */
const MIN_AGE_MS = 60_000;
/** A rail with a lagging lookup (Stripe search) gets this long before "not found" counts as proof. */
const NOT_FOUND_PROOF_AGE_MS = 15 * 60_000;
/** Still undecided after this long: a human should look. */
const ATTENTION_AGE_MS = 24 * 3_600_000;
const BATCH = 100;

export interface ReconciliationReport {
  examined: number;
  settled: number;
  failed: number;
  stillPending: number;
  flagged: number;
}

/**
 * Compares each rail's view with the ledger for payments still pending: asks the rail, and settles
 * or fails the payment through the same state machine the webhooks use (so racing a webhook or
 * another worker is harmless), or flags it when the rail cannot say for too long.
 */
export async function reconcilePendingPayments(app: AppContext): Promise<ReconciliationReport> {
  const now = app.clock();
  const report: ReconciliationReport = { examined: 0, settled: 0, failed: 0, stillPending: 0, flagged: 0 };
  for (const payment of await listPendingRailPayments(app.database.db, new Date(now.getTime() - MIN_AGE_MS), BATCH)) {
    report.examined++;
    const result = await askRail(app, payment, now);
    const applied = await retryingTransaction(app.database.db, async (tx) => {
      const locked = await lockPayment(tx, payment.id);
      if (!locked || locked.status !== 'pending') return null;
      const outcome = await applyRailOutcome(tx, app, locked, result, now);
      if (outcome.effect === 'none' && now.getTime() - locked.createdAt.getTime() > ATTENTION_AGE_MS && !locked.attentionReason) {
        await updatePayment(tx, locked.id, { attentionReason: `Still pending after 24 hours; the ${locked.rail} rail says: ${describe(result)}`, updatedAt: now });
        return 'flagged' as const;
      }
      return outcome.effect === 'applied' ? outcome.payment.status : null;
    });
    const key = applied === 'settled' ? 'settled' : applied === 'failed' ? 'failed' : applied === 'flagged' ? 'flagged' : 'stillPending';
    report[key]++;
    reconciliationCounter.inc({ result: key === 'stillPending' ? 'still_pending' : key });
  }
  if (report.examined > 0) app.log.info(report, 'reconciliation pass done');
  return report;
}

async function askRail(app: AppContext, payment: PaymentRow, now: Date): Promise<RailPaymentResult> {
  const adapter = app.rails.adapter(payment.rail);
  if (!adapter) return { outcome: 'unknown', message: `the ${payment.rail} rail is not configured on this server` };
  try {
    const result = await adapter.status({ paymentId: payment.id, reference: payment.railReference, amount: payment.amount, currency: payment.currency, details: payment.railDetails });
    if (result.outcome !== 'not_found') return result;
    const old = now.getTime() - payment.createdAt.getTime() > NOT_FOUND_PROOF_AGE_MS;
    // "Not found" proves nothing was charged only from a consistent lookup, or after the lag has passed.
    return adapter.consistentStatusLookup || old
      ? { outcome: 'failed', reference: null, code: 'rail_no_record', message: `${payment.rail} has no record of this payment; nothing was charged` }
      : { outcome: 'unknown', message: 'not found yet' };
  } catch (err) {
    return { outcome: 'unknown', message: err instanceof Error ? err.message : String(err) };
  }
}

function describe(result: RailPaymentResult): string {
  switch (result.outcome) {
    case 'unknown':
      return result.message;
    case 'pending':
      return 'still processing';
    default:
      return result.outcome;
  }
}
