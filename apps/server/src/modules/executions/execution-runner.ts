import { outputProblems, usageCost, type AgentManifest } from '@frameos/domain';
import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import { captureExecutionPayment } from '../payments/marketplace-payments.service.ts';
import { enqueueEvent } from '../webhooks/events.sql.ts';
import { loadAgentCode, loadRunnableVersion } from '../registry/registry.service.ts';
import { MAX_LOG_BYTES, runLimitsFor, type Sandbox, type SandboxLogLine, type SandboxOutcome } from '@frameos/sandbox';
import { findDeploymentById } from './deployments.repo.ts';
import { deploymentSecrets } from './deployments.service.ts';
import { chargedUnits, insertLogLines, lockExecutionById, renewLeases, requeueRuns, updateExecution, type ExecutionRow } from './executions.repo.ts';
import { endExecution, executionDto } from './executions.service.ts';
import { buildRunHost, type CapabilityHandlers, type RunFacts } from './run-host.ts';
import { claimRuns, startDecidedRuns, workerContext, type ClaimedRun } from './execution-queue.service.ts';
import { renewSubscriptions } from './subscriptions.service.ts';
import { onRunsQueued } from './execution-wake.ts';

/** How often a worker looks for subscriptions to renew. */
const RENEWAL_INTERVAL_MS = 60_000;

/** The most of an execution's log that is kept (1 MiB); beyond it lines are dropped and `logs_truncated` is set. */

/** How long a stopping worker lets its runs finish before handing them back to the queue. */
const STOP_GRACE_MS = 10_000;

/** One run in this worker: its abort switch and its log lines not yet written. */
interface RunInFlight {
  claim: ClaimedRun;
  abort: AbortController;
  /** Set when a stopping worker gives the run back: its sandbox is stopped and nothing is recorded. */
  abandoned: boolean;
  done: Promise<void>;
  pendingLogs: { seq: number; level: string; message: string; at: Date }[];
  nextSeq: number;
}

/**
 * The execution worker of one process: claims due runs up to RUNTIME_CONCURRENCY, runs each in the
 * sandbox, renews the leases of its runs while they go, and records each end in one transaction
 * (outputs, capture or void, event). A run that was aborted (or re-claimed after a lost lease)
 * meanwhile has its sandbox stopped and its result dropped.
 */
export class ExecutionWorker {
  private readonly inFlight = new Map<string, RunInFlight>();
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastRenewal = 0;
  /** A run was queued in this process while the loop was not sleeping: claim again before sleeping. */
  private nudged = false;
  private sleepingFull = false;

  constructor(private readonly app: AppContext, private readonly sandbox: Sandbox, private readonly capabilities: CapabilityHandlers = {}) {}

  start(): void {
    onRunsQueued(this.app, () => this.nudge());
    this.heartbeat = setInterval(() => void this.renew(), Math.max(500, Math.floor(this.app.config.runtime.leaseMs / 3)));
    this.heartbeat.unref();
    this.loop = this.run();
  }

  /**
   * Stops claiming, lets the runs in flight finish for up to `graceMs` (leases still renewed), then
   * hands the rest back to the queue — `queued` again, the attempt not counted, their holds kept —
   * so a restart costs a run nothing and another worker runs it at once rather than after its lease.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    onRunsQueued(this.app, null);
    this.wake?.();
    await this.loop;
    const finished = Promise.allSettled([...this.inFlight.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace_over'>((resolve) => (timer = setTimeout(() => resolve('grace_over'), graceMs)));
    const first = await Promise.race([finished, graceOver]);
    clearTimeout(timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (first !== 'grace_over') return;
    const left = [...this.inFlight.values()];
    for (const run of left) {
      run.abandoned = true;
      run.abort.abort();
    }
    try {
      const handedBack = await requeueRuns(this.app.database.db, left.map((r) => ({ id: r.claim.execution.id, attempt: r.claim.attempt })));
      this.app.log.info({ executions: handedBack }, 'worker stopping: runs handed back to the queue');
    } catch (err) {
      this.app.log.error({ err }, 'worker stopping: runs could not be handed back; their leases will lapse');
    }
  }

  /** Claims and runs until nothing is due, awaiting every run: tests and benchmarks drive the queue with it. */
  async drain(): Promise<number> {
    let total = 0;
    await renewSubscriptions(this.app, (orgId) => workerContext(this.app, orgId, '127.0.0.1'));
    for (;;) {
      await startDecidedRuns(this.app);
      const claimed = await claimRuns(this.app, this.app.config.runtime.concurrency);
      if (claimed.length === 0 && this.inFlight.size === 0) return total;
      total += claimed.length;
      await Promise.all(claimed.map((c) => this.execute(c)));
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      try {
        if (this.app.clock().getTime() - this.lastRenewal >= RENEWAL_INTERVAL_MS) {
          this.lastRenewal = this.app.clock().getTime();
          await renewSubscriptions(this.app, (orgId) => workerContext(this.app, orgId, '127.0.0.1'));
        }
        await startDecidedRuns(this.app);
        const runs = await claimRuns(this.app, this.app.config.runtime.concurrency - this.inFlight.size);
        claimed = runs.length;
        for (const run of runs) void this.execute(run).finally(() => this.wake?.());
      } catch (err) {
        this.app.log.error({ err }, 'execution claim failed');
      }
      if (this.stopped) break;
      const full = this.inFlight.size >= this.app.config.runtime.concurrency;
      const nudged = this.nudged;
      this.nudged = false;
      if (full || (claimed === 0 && !nudged)) {
        this.sleepingFull = full;
        await this.sleep(full ? 60_000 : this.app.config.runtime.pollMs);
        this.sleepingFull = false;
      }
    }
  }

  /**
   * A run was queued in this process: claim at once if the loop sleeps for want of work (not when it
   * sleeps because every slot is taken — a run ending wakes it then). A nudge while the loop is busy
   * claiming is remembered, so a run queued during a claim that missed it is not left for the poll.
   */
  private nudge(): void {
    if (this.stopped) return;
    if (this.wake && !this.sleepingFull) this.wake();
    else if (!this.wake) this.nudged = true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Renews the leases of this worker's runs; a run no longer ours (aborted, re-claimed) is stopped. */
  private async renew(): Promise<void> {
    const runs = [...this.inFlight.values()];
    if (runs.length === 0) return;
    try {
      const until = new Date(this.app.clock().getTime() + this.app.config.runtime.leaseMs);
      const kept = new Set(await renewLeases(this.app.database.db, runs.map((r) => ({ id: r.claim.execution.id, attempt: r.claim.attempt })), until));
      for (const run of runs) {
        if (!kept.has(run.claim.execution.id)) run.abort.abort();
        else await this.flushLogs(run);
      }
    } catch (err) {
      this.app.log.error({ err }, 'execution lease renewal failed');
    }
  }

  private async flushLogs(run: RunInFlight): Promise<void> {
    const lines = run.pendingLogs.splice(0);
    if (lines.length > 0) await insertLogLines(this.app.database.db, run.claim.execution.id, lines);
  }

  private async execute(claim: ClaimedRun): Promise<void> {
    const { execution } = claim;
    let settle = () => {};
    const flight: RunInFlight = { claim, abort: new AbortController(), abandoned: false, done: new Promise<void>((resolve) => (settle = resolve)), pendingLogs: [], nextSeq: execution.logCount + 1 };
    this.inFlight.set(execution.id, flight);
    const log = this.app.log.child({ execution_id: execution.id, agent_id: execution.agentId, attempt: claim.attempt });
    try {
      const facts = await this.runFacts(execution);
      let logBytes = execution.logBytes;
      let truncated = execution.logsTruncated;
      const onLog = (line: SandboxLogLine) => {
        const size = Buffer.byteLength(line.message, 'utf8');
        if (truncated || logBytes + size > MAX_LOG_BYTES) {
          truncated = true;
          return;
        }
        logBytes += size;
        flight.pendingLogs.push({ seq: flight.nextSeq++, level: line.level, message: line.message, at: this.app.clock() });
      };
      const outcome = await this.sandbox.run({
        runId: execution.id,
        code: facts.code,
        codeSha256: facts.codeSha256,
        inputs: execution.inputs,
        context: { execution_id: execution.id, config: facts.config, secrets: facts.secrets },
        capabilities: facts.capabilities,
        limits: runLimitsFor(facts.manifest.runtime, this.app.config.runtime, execution.logBytes),
        // The run's deadline bounds the capabilities' own time boxes (ctx.browser).
        host: buildRunHost(this.app, { ...facts, deadlineMs: this.app.clock().getTime() + Math.min(facts.manifest.runtime.timeout_ms, this.app.config.runtime.maxTimeoutMs) }, this.capabilities),
        onLog,
        signal: flight.abort.signal,
      });
      if (flight.abandoned) return;
      await this.finish(claim, facts.manifest, facts.developer, outcome, { logBytes, logCount: flight.nextSeq - 1, logsTruncated: truncated || outcome.logsTruncated }, flight.pendingLogs.splice(0));
      log.info({ status: outcome.status, duration_ms: outcome.durationMs }, 'execution ended');
    } catch (err) {
      // Our own failure (database, registry), not the agent's: the lease lapses and another attempt or worker ends it.
      log.error({ err }, 'execution could not be completed by this worker');
    } finally {
      this.inFlight.delete(execution.id);
      settle();
    }
  }

  private async runFacts(execution: ExecutionRow): Promise<RunFacts & { code: string; codeSha256: string; manifest: AgentManifest; developer: { developerId: string; orgId: string } }> {
    const deployment = await findDeploymentById(this.app.database.db, execution.deploymentId);
    if (!deployment) throw new Error(`deployment ${execution.deploymentId} of execution ${execution.id} does not exist`);
    const runnable = await loadRunnableVersion(this.app.database.db, execution.agentId, execution.version, { allowSuspended: true, app: this.app });
    const code = await loadAgentCode(this.app, runnable.codeSha256);
    const capabilities = [...runnable.manifest.capabilities, ...(runnable.manifest.pricing.model === 'pay_per_use' ? ['charge'] : [])];
    return {
      executionId: execution.id,
      orgId: execution.orgId,
      deploymentId: deployment.id,
      agentId: execution.agentId,
      allowedHosts: deployment.allowedHosts,
      unitPrice: runnable.manifest.pricing.amount,
      heldAmount: execution.heldAmount,
      capabilities,
      config: deployment.config,
      secrets: deploymentSecrets({ app: this.app }, deployment),
      code,
      codeSha256: runnable.codeSha256,
      manifest: runnable.manifest,
      developer: runnable.developer,
    };
  }

  /**
   * Records a run's end in one transaction, under the execution's row lock, only if the run is still
   * this worker's (running, same attempt): outputs checked against the manifest, the hold captured
   * (succeeded) or voided (anything else), the outbound event. The log lines not yet written go in the
   * same transaction (written whatever the check finds, as a separate flush before it wrote them).
   */
  private async finish(claim: ClaimedRun, manifest: AgentManifest, developer: { developerId: string; orgId: string }, outcome: SandboxOutcome, logs: { logBytes: number; logCount: number; logsTruncated: boolean }, lines: RunInFlight['pendingLogs']): Promise<void> {
    await retryingTransaction(this.app.database.db, async (tx) => {
      await insertLogLines(tx, claim.execution.id, lines);
      const run = await lockExecutionById(tx, claim.execution.id);
      if (!run || run.status !== 'running' || run.attempts !== claim.attempt) return;
      const now = this.app.clock();
      const extra = { durationMs: Math.round(outcome.durationMs), ...logs };
      if (outcome.status === 'succeeded') {
        const problems = outputProblems(manifest, outcome.outputs);
        if (problems.length > 0) {
          await endExecution(tx, this.app, run, 'fail', { code: 'invalid_output', message: `The outputs do not match the manifest: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` }, now, extra);
          return;
        }
        const cost = await runCost(tx, run, manifest);
        if (run.paymentId) await captureExecutionPayment(tx, this.app, run.paymentId, { amount: cost, developer, executionId: run.id }, now);
        const ended = await updateExecution(tx, run.id, { ...extra, status: 'succeeded', outputs: outcome.outputs, costAmount: cost, completedAt: now, lockedUntil: null });
        await enqueueEvent(tx, { id: newId('event'), orgId: ended.orgId, type: 'execution.succeeded', data: executionDto(ended), at: now });
        return;
      }
      const transition = outcome.status === 'timed_out' ? 'time_out' : outcome.status === 'aborted' ? 'abort' : 'fail';
      await endExecution(tx, this.app, run, transition, outcome.error, now, extra);
    });
  }
}

/** What a successful run costs: the price (per_execution), units × price (pay_per_use), nothing (subscription). */
async function runCost(tx: Parameters<typeof chargedUnits>[0], run: ExecutionRow, manifest: AgentManifest): Promise<number> {
  switch (manifest.pricing.model) {
    case 'per_execution':
      return run.heldAmount;
    case 'pay_per_use':
      return Math.min(usageCost(await chargedUnits(tx, run.id), manifest.pricing.amount), run.heldAmount);
    case 'subscription':
      return 0;
  }
}
