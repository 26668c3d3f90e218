import { DomainError } from '@frameos/domain';
import type { AppContext, RequestContext } from '../../context.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import { mandateStatuses } from '../mandates/mandates.service.ts';
import { holdExecutionPrice } from '../payments/marketplace-payments.service.ts';
import { lockDeploymentsForClaim } from './deployments.repo.ts';
import { awaitingApproval, claimQueuedRuns, countLiveRuns, deploymentsWithDueWork, lockExecutionById, lockLapsedRuns, updateExecution, type ExecutionRow } from './executions.repo.ts';
import { endExecution } from './executions.service.ts';

/**
 * The execution queue is the executions table itself, like the webhook deliveries (docs/architecture.md):
 * a run is written `queued` in the transaction that holds its price; a worker claims it by moving it
 * to `running` with a lease it renews while the sandbox runs. A worker that dies stops renewing; once
 * the lease has run out another worker finds the run, and either queues it again (its hold is still
 * in place, and a capture happens at most once under the payment's lock) or, after MAX_ATTEMPTS,
 * fails it and voids the hold. Nothing is left `running` and nothing is charged twice.
 */
export const MAX_ATTEMPTS = 2;

/** How many deployments one claim looks at. */
const DEPLOYMENTS_PER_CLAIM = 50;

/** A run a worker claimed, with the attempt number its lease belongs to. */
export interface ClaimedRun {
  execution: ExecutionRow;
  attempt: number;
}

/**
 * Claims up to `capacity` runs, never more per deployment than its max_concurrency minus the runs
 * of it that hold a live lease. Each deployment is locked (SKIP LOCKED) while its runs are claimed,
 * so two workers never claim for the same deployment at once and the cap holds across processes.
 */
export async function claimRuns(app: AppContext, capacity: number): Promise<ClaimedRun[]> {
  if (capacity <= 0) return [];
  const { leaseMs } = app.config.runtime;
  return retryingTransaction(app.database.db, async (tx) => {
    const now = app.clock();
    const due = await deploymentsWithDueWork(tx, now, DEPLOYMENTS_PER_CLAIM);
    const lapsed = new Set(due.filter((d) => d.lapsed).map((d) => d.deploymentId));
    const locked = await lockDeploymentsForClaim(tx, due.map((d) => d.deploymentId));
    const claimed: ClaimedRun[] = [];
    for (const deployment of locked) {
      // Only a deployment seen with a lapsed lease is searched for them (one query less per
      // deployment and claim); a lease that lapses after that look is found by the next claim.
      if (lapsed.has(deployment.id)) await recoverLapsedRuns(tx, app, deployment.id, now);
      if (deployment.status === 'paused' || claimed.length >= capacity) continue;
      const free = Math.min(deployment.maxConcurrency - (await countLiveRuns(tx, deployment.id, now)), capacity - claimed.length);
      const runs = await claimQueuedRuns(tx, deployment.id, free, now, new Date(now.getTime() + leaseMs));
      claimed.push(...runs.map((execution) => ({ execution, attempt: execution.attempts })));
    }
    return claimed;
  });
}

/** Runs whose worker lost its lease: queued again while attempts remain, otherwise failed with the hold voided. */
async function recoverLapsedRuns(tx: Parameters<typeof lockLapsedRuns>[0], app: AppContext, deploymentId: string, now: Date): Promise<void> {
  for (const run of await lockLapsedRuns(tx, deploymentId, now)) {
    if (run.attempts < MAX_ATTEMPTS) {
      await updateExecution(tx, run.id, { status: 'queued', lockedUntil: null });
      app.log.warn({ execution_id: run.id, attempt: run.attempts }, 'execution lease lapsed (worker lost); queued again');
    } else {
      await endExecution(tx, app, run, 'fail', { code: 'worker_lost', message: `The worker running it stopped ${run.attempts} times; nothing was charged.` }, now);
      app.log.error({ execution_id: run.id, attempts: run.attempts }, 'execution failed after its workers were lost');
    }
  }
}

/** A context to act for the org whose run it is, from the worker: the org key's rights, the original caller's IP for the policy. */
export function workerContext(app: AppContext, orgId: string, ip: string): RequestContext {
  return { app, db: app.database.db, principal: { type: 'org_key', keyId: 'worker', orgId }, ip, now: app.clock(), idempotency: null };
}

/**
 * Runs waiting for a person's approval of their mandate: approved → the price is held now and the
 * run queued (or failed if the wallet or policy refuses it now); rejected or expired → `rejected`.
 */
export async function startDecidedRuns(app: AppContext, limit = 50): Promise<number> {
  const waiting = await awaitingApproval(app.database.db, limit);
  if (waiting.length === 0) return 0;
  const statuses = await mandateStatuses(app.database.db, waiting.flatMap((w) => (w.mandateId ? [w.mandateId] : [])), app.clock());
  let moved = 0;
  for (const run of waiting) {
    const status = run.mandateId ? statuses.get(run.mandateId) : undefined;
    if (status === 'pending_approval' || status === undefined) continue;
    moved += 1;
    if (status === 'active') await holdApprovedRun(app, run.id);
    else await rejectRun(app, run.id, status === 'expired' ? { code: 'mandate_expired', message: 'Nobody approved the run before its mandate expired.' } : { code: 'mandate_rejected', message: 'A person rejected the run’s mandate.' });
  }
  return moved;
}

async function holdApprovedRun(app: AppContext, executionId: string): Promise<void> {
  try {
    await retryingTransaction(app.database.db, async (tx) => {
      const run = await lockExecutionById(tx, executionId);
      if (!run || run.status !== 'awaiting_approval' || !run.mandateId) return;
      const hold = await holdExecutionPrice(tx, workerContext(app, run.orgId, run.callerIp), run.mandateId);
      await updateExecution(tx, run.id, { status: 'queued', paymentId: hold.paymentId, heldAmount: hold.amount });
    });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    // The policy or the wallet refuses the approved price now: nothing was held; the run fails with the reason.
    await retryingTransaction(app.database.db, async (tx) => {
      const run = await lockExecutionById(tx, executionId);
      if (run && run.status === 'awaiting_approval') await endExecution(tx, app, run, 'fail', { code: err.code, message: err.message }, app.clock());
    });
  }
}

async function rejectRun(app: AppContext, executionId: string, error: { code: string; message: string }): Promise<void> {
  await retryingTransaction(app.database.db, async (tx) => {
    const run = await lockExecutionById(tx, executionId);
    if (run && run.status === 'awaiting_approval') await endExecution(tx, app, run, 'reject', error, app.clock());
  });
}
