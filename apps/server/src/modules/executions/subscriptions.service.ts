import { DomainError } from '@frameos/domain';
import type { Tx } from '@frameos/db';
import type { AppContext, RequestContext } from '../../context.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import { openIntent } from '../intents/intents.service.ts';
import { issueMandate, mandateStatuses } from '../mandates/mandates.service.ts';
import { captureExecutionPayment, holdExecutionPrice } from '../payments/marketplace-payments.service.ts';
import { loadRunnableVersion, type RunnableVersion } from '../registry/registry.service.ts';
import { lockDueSubscriptions, updateDeployment, type DeploymentRow } from './deployments.repo.ts';

/** One subscription period. */
export const SUBSCRIPTION_PERIOD_MS = 30 * 86_400_000;

export type PeriodCharge = { paid: true; paidUntil: Date } | { paid: false; pendingMandateId: string };

/**
 * Charges one subscription period through the deployment's policy, in the caller's transaction:
 * intent → mandate → hold → capture (split between developer and platform) at once. When the policy
 * wants a person, nothing is held yet and the mandate's id is returned; the renewal job charges the
 * period once it is approved. A refusal (policy, funds) throws and leaves nothing behind.
 */
export async function chargeSubscriptionPeriod(tx: Tx, ctx: RequestContext, deployment: Pick<DeploymentRow, 'id' | 'agentId' | 'agentAccountId' | 'policyId'>, runnable: RunnableVersion, periodStart: Date): Promise<PeriodCharge> {
  const { pricing } = runnable.manifest;
  const paidUntil = new Date(periodStart.getTime() + SUBSCRIPTION_PERIOD_MS);
  const intent = await openIntent(tx, ctx, {
    vendor: deployment.agentId,
    amount: pricing.amount,
    currency: pricing.currency,
    description: `Subscription to ${deployment.agentId} until ${paidUntil.toISOString()}`,
    metadata: { deployment_id: deployment.id, period_start: periodStart.toISOString() },
    agent_account_id: deployment.agentAccountId,
  });
  const mandate = await issueMandate(tx, ctx, { intent_id: intent.id, policy_id: deployment.policyId }, false);
  if (mandate.row.status !== 'active') return { paid: false, pendingMandateId: mandate.row.id };
  await payPeriod(tx, ctx, mandate.row.id, deployment.id, runnable);
  return { paid: true, paidUntil };
}

async function payPeriod(tx: Tx, ctx: RequestContext, mandateId: string, deploymentId: string, runnable: RunnableVersion): Promise<void> {
  const hold = await holdExecutionPrice(tx, ctx, mandateId);
  await captureExecutionPayment(tx, ctx.app, hold.paymentId, { amount: hold.amount, developer: runnable.developer, executionId: `${deploymentId}/period` }, ctx.now);
}

/**
 * The renewal job: every subscription whose period has ended (or that waits on an approval) is
 * charged for the next period; a refusal marks it `past_due` (executions answer 402) and is retried
 * on the next pass — a failed attempt rolls back, so retrying leaves nothing behind.
 */
export async function renewSubscriptions(app: AppContext, workerContext: (orgId: string) => RequestContext): Promise<number> {
  let renewed = 0;
  const due = await retryingTransaction(app.database.db, async (tx) => (await lockDueSubscriptions(tx, app.clock(), 20)).map((d) => d.id));
  for (const id of due) {
    try {
      if (await renewOne(app, id, workerContext)) renewed += 1;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await retryingTransaction(app.database.db, async (tx) => {
        await updateDeployment(tx, id, { status: 'past_due', updatedAt: app.clock() });
      });
      app.log.warn({ deployment_id: id, code: err.code }, 'subscription renewal refused; deployment past due');
    }
  }
  return renewed;
}

async function renewOne(app: AppContext, id: string, workerContext: (orgId: string) => RequestContext): Promise<boolean> {
  return retryingTransaction(app.database.db, async (tx) => {
    const [deployment] = await lockDueSubscriptions(tx, app.clock(), 1, id);
    if (!deployment) return false;
    const row = deployment;
    const ctx = workerContext(row.orgId);
    const runnable = await loadRunnableVersion(tx, row.agentId, row.version, { allowSuspended: true });
    const periodStart = row.paidUntil && row.paidUntil > ctx.now ? row.paidUntil : ctx.now;
    if (row.pendingMandateId) {
      const status = (await mandateStatuses(tx, [row.pendingMandateId], ctx.now)).get(row.pendingMandateId);
      if (status === 'pending_approval') return false;
      if (status === 'active') {
        await payPeriod(tx, ctx, row.pendingMandateId, row.id, runnable);
        await updateDeployment(tx, row.id, { status: 'active', paidUntil: new Date(periodStart.getTime() + SUBSCRIPTION_PERIOD_MS), pendingMandateId: null, updatedAt: ctx.now });
        return true;
      }
      // A person declined (or nobody answered in time): pause rather than ask again on every pass.
      await updateDeployment(tx, row.id, { status: 'paused', pendingMandateId: null, updatedAt: ctx.now });
      app.log.warn({ deployment_id: row.id, mandate_status: status }, 'subscription renewal not approved; deployment paused');
      return false;
    }
    const charge = await chargeSubscriptionPeriod(tx, ctx, row, runnable, periodStart);
    if (charge.paid) await updateDeployment(tx, row.id, { status: 'active', paidUntil: charge.paidUntil, pendingMandateId: null, updatedAt: ctx.now });
    else await updateDeployment(tx, row.id, { status: 'past_due', pendingMandateId: charge.pendingMandateId, updatedAt: ctx.now });
    return charge.paid;
  });
}
