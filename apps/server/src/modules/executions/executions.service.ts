import { DomainError, inputProblems, nextExecutionStatus, notFound, type ExecutionTransition } from '@frameos/domain';
import type { Executor, Tx } from '@frameos/db';
import type { AppContext, RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { toPage } from '../../lib/pagination.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { agentScope, assertCanWrite, canSeeAgentAccount } from '../auth/principal.ts';
import { openIntent } from '../intents/intents.service.ts';
import { issueMandate } from '../mandates/mandates.service.ts';
import { loadPolicy } from '../policies/policies.service.ts';
import { walletBalance } from '../ledger/ledger.service.ts';
import { holdExecutionPrice, voidExecutionPayment } from '../payments/marketplace-payments.service.ts';
import { enqueueEvent } from '../webhooks/events.sql.ts';
import { loadRunnableVersion } from '../registry/registry.service.ts';
import { deploymentDto, loadDeployment } from './deployments.service.ts';
import { runsQueued } from './execution-wake.ts';
import { updateDeployment } from './deployments.repo.ts';
import { cancelPendingEmails } from './capabilities/scheduled-email.repo.ts';
import { findExecution, insertExecution, listExecutions, listLogLines, updateExecution, type ExecutionRow, type ExecutionStatusValue } from './executions.repo.ts';

export type { ExecutionRow } from './executions.repo.ts';

export function executionDto(row: ExecutionRow) {
  return {
    object: 'execution' as const,
    execution_id: row.id,
    id: row.id,
    agent_id: row.agentId,
    version: row.version,
    deployment_id: row.deploymentId,
    agent_account_id: row.agentAccountId,
    mandate_id: row.mandateId,
    status: row.status,
    inputs: row.inputs,
    outputs: row.outputs ?? null,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    pricing_model: row.pricingModel,
    cost: { amount: row.costAmount, currency: row.currency },
    held: { amount: row.heldAmount, currency: row.currency },
    payment_id: row.paymentId,
    attempts: row.attempts,
    duration_ms: row.durationMs,
    logs_truncated: row.logsTruncated,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    completed_at: row.completedAt?.toISOString() ?? null,
  };
}

export interface ExecuteInput {
  deployment_id: string;
  inputs: Record<string, unknown>;
  max_charge?: number | undefined;
}

/**
 * Queues a run of a deployed agent and answers at once (202). Before anything is queued the inputs
 * are checked against the manifest and the price goes through the deployment's policy like any
 * payment: intent → mandate → hold, in this one transaction, so a refusal (invalid inputs, policy
 * violation, insufficient funds) leaves nothing behind — no intent, no mandate, no hold. When the
 * policy wants a person, the run waits as `awaiting_approval` and its price is held once approved.
 */
export async function executeAgent(ctx: RequestContext, agentId: string, input: ExecuteInput) {
  assertCanWrite(ctx.principal);
  const queued = await inTransaction(ctx, async (tx) => {
    const deployment = await loadDeployment(tx, ctx, input.deployment_id);
    if (deployment.agentId !== agentId) throw notFound('Deployment', input.deployment_id);
    if (deployment.status === 'past_due') throw new DomainError('subscription_past_due', 'The subscription renewal of this deployment failed; top up the wallet and it is retried.');
    if (deployment.status !== 'active') throw new DomainError('deployment_not_active', `The deployment is ${deployment.status}.`);
    const runnable = await loadRunnableVersion(tx, agentId, deployment.version, { app: ctx.app });
    if (runnable.manifest.pricing.model === 'subscription' && (!deployment.paidUntil || deployment.paidUntil <= ctx.now)) {
      throw new DomainError('subscription_past_due', 'The subscription period has ended and is not renewed yet; keep the wallet funded and it is renewed.');
    }
    const problems = inputProblems(runnable.manifest, input.inputs);
    if (problems.length > 0) {
      throw new DomainError('invalid_inputs', `The inputs do not match the agent's manifest: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { errors: problems });
    }
    const { pricing } = runnable.manifest;
    const id = newId('execution');
    const row: ExecutionRow = {
      id,
      orgId: deployment.orgId,
      deploymentId: deployment.id,
      agentId,
      version: deployment.version,
      agentAccountId: deployment.agentAccountId,
      status: 'queued',
      inputs: input.inputs,
      outputs: null,
      errorCode: null,
      errorMessage: null,
      pricingModel: pricing.model,
      costAmount: 0,
      currency: pricing.currency,
      heldAmount: 0,
      mandateId: null,
      paymentId: null,
      attempts: 0,
      lockedUntil: null,
      callerIp: ctx.ip,
      durationMs: null,
      logCount: 0,
      logBytes: 0,
      logsTruncated: false,
      createdAt: ctx.now,
      startedAt: null,
      completedAt: null,
    };
    if (pricing.model !== 'subscription') {
      const amount = pricing.model === 'per_execution' ? pricing.amount : await usageHold(tx, ctx, deployment.policyId, input.max_charge, pricing.amount);
      const intent = await openIntent(tx, ctx, {
        vendor: agentId,
        amount,
        currency: pricing.currency,
        description: `Run ${id} of ${agentId}@${deployment.version}`,
        metadata: { execution_id: id, deployment_id: deployment.id },
        agent_account_id: deployment.agentAccountId,
      });
      const mandate = await issueMandate(tx, ctx, { intent_id: intent.id, policy_id: deployment.policyId }, false);
      row.mandateId = mandate.row.id;
      row.heldAmount = amount;
      if (mandate.row.status === 'active') {
        // Issued a few statements up in this transaction: the hold need not verify its signature again.
        row.paymentId = (await holdExecutionPrice(tx, ctx, mandate.row.id, { issuedInThisTransaction: true })).paymentId;
      } else {
        // Nothing is held until a person approves; a wallet that cannot pay now is refused now. (An
        // active mandate's hold checks the balance itself, under the wallet's lock.)
        const balance = await walletBalance(tx, deployment.orgId, deployment.agentAccountId, pricing.currency);
        if ((balance ?? 0) < amount) {
          throw new DomainError('insufficient_funds', `The wallet holds ${balance ?? 0} ${pricing.currency} minor units; the run needs ${amount}.`);
        }
        row.status = 'awaiting_approval';
        row.heldAmount = 0;
      }
    }
    await insertExecution(tx, row);
    return executionDto(row);
  });
  // Committed: a worker in this process (embedded mode) claims it now rather than at its next poll.
  if (queued.status === 'queued') runsQueued(ctx.app);
  return queued;
}

/** What a pay_per_use run holds: the caller's max_charge, or the policy's per-transaction cap; at least one unit. */
async function usageHold(tx: Executor, ctx: RequestContext, policyId: string, maxCharge: number | undefined, unitPrice: number): Promise<number> {
  const hold = maxCharge ?? (await loadPolicy(tx, ctx, policyId)).rules.per_tx_cap;
  if (hold < unitPrice) throw new DomainError('validation_error', `body.max_charge: must be at least the price of one unit (${unitPrice})`, { field: 'body.max_charge' });
  return hold;
}

/** An execution the caller may see: the org's, and for an agent key only its own account's. */
export async function loadExecution(db: Executor, ctx: RequestContext, id: string, forUpdate = false): Promise<ExecutionRow> {
  const row = await findExecution(db, ctx.principal.orgId, id, forUpdate);
  if (!row || !canSeeAgentAccount(ctx.principal, row.agentAccountId)) throw notFound('Execution', id);
  return row;
}

export async function getExecution(ctx: RequestContext, id: string) {
  return executionDto(await loadExecution(ctx.db, ctx, id));
}

export async function listExecutionsPage(ctx: RequestContext, query: { limit: number; starting_after?: string | undefined; deployment_id?: string | undefined; status?: ExecutionStatusValue | undefined }) {
  const rows = await listExecutions(ctx.db, ctx.principal.orgId, query.limit, {
    startingAfter: query.starting_after,
    deploymentId: query.deployment_id,
    status: query.status,
    agentAccountId: agentScope(ctx.principal),
  });
  return toPage(rows, query.limit, executionDto);
}

export async function getExecutionLogs(ctx: RequestContext, id: string, after: number, limit: number) {
  const execution = await loadExecution(ctx.db, ctx, id);
  const rows = await listLogLines(ctx.db, id, after, limit);
  const page = rows.slice(0, limit);
  return {
    object: 'list' as const,
    data: page.map((l) => ({ seq: l.seq, level: l.level, message: l.message, at: l.at.toISOString() })),
    has_more: rows.length > limit,
    next_after: page.at(-1)?.seq ?? after,
    logs_truncated: execution.logsTruncated,
  };
}

/**
 * Aborts a run that has not ended: it is `aborted` at once and its hold voided (nothing charged).
 * A worker still running it notices at its next lease renewal, stops the sandbox and drops its
 * result; the payment's row lock makes the void and a late capture exclusive.
 */
export async function abortExecution(ctx: RequestContext, id: string) {
  assertCanWrite(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const row = await loadExecution(tx, ctx, id, true);
    return executionDto(await endExecution(tx, ctx.app, row, 'abort', { code: 'aborted', message: `Aborted by ${ctx.principal.type === 'user' ? 'a member' : 'an API key'} of the organization.` }, ctx.now));
  });
}

/**
 * Ends an execution that did not succeed, in the caller's transaction: the transition (`fail`,
 * `time_out`, `abort`, `reject`), the hold voided, the outbound `execution.failed` event.
 */
export async function endExecution(tx: Executor, app: AppContext, row: ExecutionRow, transition: Exclude<ExecutionTransition, 'succeed' | 'start' | 'requeue' | 'approve'>, error: { code: string; message: string }, now: Date, extra: Partial<ExecutionRow> = {}): Promise<ExecutionRow> {
  const status = nextExecutionStatus(row.status, transition);
  if (row.paymentId) await voidExecutionPayment(tx, app, row.paymentId, { code: `execution_${status}`, message: error.message }, now);
  const ended = await updateExecution(tx, row.id, { ...extra, status, errorCode: error.code, errorMessage: error.message, costAmount: 0, completedAt: now, lockedUntil: null });
  await enqueueEvent(tx, { id: newId('event'), orgId: ended.orgId, type: 'execution.failed', data: executionDto(ended), at: now });
  return ended;
}

/** Deletes a deployment: no new runs; runs still queued or waiting for approval are aborted and their holds voided; scheduled emails not yet sent are cancelled. */
export async function deleteDeploymentAndQueue(ctx: RequestContext, id: string) {
  assertCanWrite(ctx.principal);
  if (ctx.principal.type === 'agent') throw new DomainError('forbidden', 'An agent key cannot delete deployments.');
  return inTransaction(ctx, async (tx) => {
    const row = await loadDeployment(tx, ctx, id, true);
    const pricing = (await loadRunnableVersion(tx, row.agentId, row.version, { allowSuspended: true })).manifest.pricing;
    await abortWaitingRuns(tx, ctx, id);
    // Under the deployment's row lock (taken above): a message being scheduled holds it FOR KEY SHARE, so none slips past this.
    await cancelPendingEmails(tx, id, ctx.now);
    const deleted = await updateDeployment(tx, id, { status: 'deleted', deletedAt: ctx.now, updatedAt: ctx.now, secretsSealed: null });
    return deploymentDto(deleted, pricing);
  });
}

async function abortWaitingRuns(tx: Tx, ctx: RequestContext, deploymentId: string): Promise<void> {
  for (const status of ['queued', 'awaiting_approval'] as const) {
    for (;;) {
      const rows = await listExecutions(tx, ctx.principal.orgId, 100, { deploymentId, status });
      for (const run of rows) {
        const locked = await findExecution(tx, ctx.principal.orgId, run.id, true);
        if (locked && locked.status === status) await endExecution(tx, ctx.app, locked, 'abort', { code: 'aborted', message: 'The deployment was deleted before the run started.' }, ctx.now);
      }
      if (rows.length <= 100) break;
    }
  }
}
