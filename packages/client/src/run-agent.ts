import { FINAL_EXECUTION_STATUSES } from '@frameos/domain';
import type { Api } from './client.ts';
import { unwrap } from './client.ts';
import { ApprovalRequiredError } from './errors.ts';
import type { paths } from './schema.ts';

export type Execution = paths['/executions/{id}']['get']['responses'][200]['content']['application/json'];
export type ExecutionLog = paths['/executions/{id}/logs']['get']['responses'][200]['content']['application/json']['data'][number];

export interface RunAgentInput {
  deployment_id: string;
  inputs: Record<string, unknown>;
  /** pay_per_use agents: the most the run may charge (minor units). */
  max_charge?: number;
}

export interface RunAgentOptions {
  /** Each change of status and each new batch of log lines, while the run goes on. */
  onProgress?: (progress: { execution: Execution; newLogs: ExecutionLog[] }) => void;
  /** How often to look (ms, default 500). */
  pollMs?: number;
  /** Give up waiting after this long (ms, default 10 minutes); the run itself goes on. */
  timeoutMs?: number;
  /**
   * A run whose payment needs a person waits in `awaiting_approval`. By default runAgent throws
   * ApprovalRequiredError with the mandate id at once; `true` keeps waiting for the decision.
   */
  waitForApproval?: boolean;
  idempotencyKey?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a marketplace agent under a deployment and follows it to the end: POST /agents/:id/execute,
 * then the execution and its logs until it succeeds, fails, times out, is aborted or rejected. The
 * final execution is returned whatever its status (check `status`); refusals throw typed errors.
 */
export async function runAgent(api: Api, agentId: string, input: RunAgentInput, options: RunAgentOptions = {}): Promise<Execution> {
  const started = await unwrap(api.POST('/agents/{id}/execute', {
    params: { path: { id: agentId } },
    body: input,
    headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined,
  }));
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let logsAfter = 0;
  let lastStatus = '';
  for (;;) {
    const execution = await unwrap(api.GET('/executions/{id}', { params: { path: { id: started.execution_id } } }));
    const logs = await unwrap(api.GET('/executions/{id}/logs', { params: { path: { id: started.execution_id }, query: { after: logsAfter } } }));
    logsAfter = logs.next_after;
    if (options.onProgress && (logs.data.length > 0 || execution.status !== lastStatus)) options.onProgress({ execution, newLogs: logs.data });
    lastStatus = execution.status;
    if ((FINAL_EXECUTION_STATUSES as readonly string[]).includes(execution.status) && !logs.has_more) return execution;
    if (execution.status === 'awaiting_approval' && !options.waitForApproval) {
      throw new ApprovalRequiredError(execution.mandate_id ?? '', { executionId: execution.execution_id });
    }
    if (Date.now() > deadline) throw new Error(`runAgent: ${execution.execution_id} is still ${execution.status} after ${options.timeoutMs ?? 600_000} ms (the run goes on)`);
    if (!logs.has_more) await sleep(options.pollMs ?? 500);
  }
}
