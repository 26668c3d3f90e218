import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { A2A_PROTOCOL_VERSION } from '@a2a-js/sdk';
import { A2A_ERROR_CODE } from '@a2a-js/sdk/errors';
import { buildAgentCard, DomainError, ERROR_CODES, isPublicErrorCode, notFound, signAgentCard, type A2AAgentCard } from '@frameos/domain';
import type { AppContext, RequestContext } from '../../context.ts';
import { principalScope } from '../auth/principal.ts';
import { claimKey, releaseKey } from '../idempotency/idempotency.service.ts';
import { loadRunnableVersion } from '../registry/registry.service.ts';
import { listDeploymentsPage } from '../executions/deployments.service.ts';
import { abortExecution, executeAgent, getExecution } from '../executions/executions.service.ts';
import { CancelTaskParamsSchema, FrameOSMetadataSchema, GetTaskParamsSchema, SendMessageParamsSchema, type SendMessageParams } from './a2a.schemas.ts';

type Execution = Awaited<ReturnType<typeof getExecution>>;

/** `google.rpc.ErrorInfo` domain of FrameOS's own refusals. */
export const FRAMEOS_ERROR_DOMAIN = 'frameos.dev';
/** JSON-RPC code of a FrameOS refusal (policy, funds, deployment…): the implementation-defined server error; data names the FrameOS code. */
export const FRAMEOS_REFUSAL_CODE = -32000;
/** How long message/send (SendMessage) waits for the run to end or be interrupted, unless returnImmediately. */
export const SEND_WAIT_MS = 30_000;

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

/** A JSON-RPC error object (code, message, data) to answer with. */
export class JsonRpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: Array<Record<string, unknown>>) {
    super(message);
  }
}

function errorInfo(reason: string, domain: string, metadata: Record<string, string> = {}): Record<string, unknown> {
  return { '@type': ERROR_INFO, reason, domain, ...(Object.keys(metadata).length > 0 ? { metadata } : {}) };
}

const invalidParams = (message: string) => new JsonRpcError(A2A_ERROR_CODE.INVALID_PARAMS, message);

/** Zod issues of params → -32602 naming the first field. */
function parseParams<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, params: unknown): T {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = ['params', ...(issue?.path ?? []).map(String)].join('.');
  throw invalidParams(`${field}: ${issue?.message ?? 'is invalid'}`);
}

/**
 * A FrameOS DomainError as a JSON-RPC error: invalid inputs are invalid params (-32602, every
 * problem as a BadRequest field violation); every other refusal is -32000 with the FrameOS code,
 * its HTTP status and its details (the policy's `reason`, …) in an ErrorInfo.
 */
export function jsonRpcErrorOf(error: DomainError): JsonRpcError {
  if (!isPublicErrorCode(error.code) || ERROR_CODES[error.code].status >= 500) {
    return new JsonRpcError(A2A_ERROR_CODE.INTERNAL_ERROR, 'Internal error.');
  }
  const metadata: Record<string, string> = { code: error.code, status: String(ERROR_CODES[error.code].status) };
  for (const [key, value] of Object.entries(error.details)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') metadata[key] = String(value);
  }
  const info = errorInfo(error.code.toUpperCase(), FRAMEOS_ERROR_DOMAIN, metadata);
  if (error.code === 'invalid_inputs' || error.code === 'validation_error') {
    const problems = Array.isArray(error.details.errors) ? (error.details.errors as Array<{ path?: unknown; message?: unknown }>) : [];
    const violations = problems.map((p) => ({ field: String(p.path ?? ''), description: String(p.message ?? '') }));
    return new JsonRpcError(A2A_ERROR_CODE.INVALID_PARAMS, error.message, [info, ...(violations.length > 0 ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations }] : [])]);
  }
  return new JsonRpcError(FRAMEOS_REFUSAL_CODE, error.message, [info]);
}

// ——— The Agent Card ———

/**
 * The signed card of a listed agent (approved and not suspended), for `baseUrl` (the server's public
 * origin). Anything else is 404 not_found, as the catalogue answers it to the public.
 */
export async function agentCard(app: AppContext, agentId: string, baseUrl: string): Promise<A2AAgentCard> {
  let manifest;
  try {
    ({ manifest } = await loadRunnableVersion(app.database.db, agentId, undefined, { app }));
  } catch (error) {
    if (error instanceof DomainError && error.code === 'agent_not_available') throw notFound('Agent', agentId);
    throw error;
  }
  const card = buildAgentCard({ agentId, manifest, endpointUrl: `${baseUrl}/a2a/agents/${agentId}`, protocolVersion: A2A_PROTOCOL_VERSION });
  return signAgentCard(card, app.signingKey, `${baseUrl}/.well-known/jwks.json`);
}

// ——— Tasks ———

type TaskState = 'TASK_STATE_SUBMITTED' | 'TASK_STATE_WORKING' | 'TASK_STATE_COMPLETED' | 'TASK_STATE_FAILED' | 'TASK_STATE_CANCELED' | 'TASK_STATE_REJECTED' | 'TASK_STATE_AUTH_REQUIRED';

/** Execution status → A2A task state (docs/a2a.md). */
export const TASK_STATES: Record<Execution['status'], TaskState> = {
  queued: 'TASK_STATE_SUBMITTED',
  running: 'TASK_STATE_WORKING',
  succeeded: 'TASK_STATE_COMPLETED',
  failed: 'TASK_STATE_FAILED',
  timed_out: 'TASK_STATE_FAILED',
  aborted: 'TASK_STATE_CANCELED',
  rejected: 'TASK_STATE_REJECTED',
  // A person must authorize the payment (POST /mandates/:id/approve): an interrupted state, not a silent wait.
  awaiting_approval: 'TASK_STATE_AUTH_REQUIRED',
};

/** Without a status message nothing more needs saying; a failure says why, a wait says who must act. */
function statusText(e: Execution): string | null {
  if (e.status === 'awaiting_approval') {
    return `The payment for this run waits for a person's approval of mandate ${e.mandate_id ?? ''} (POST /mandates/${e.mandate_id ?? ''}/approve): the run starts once it is approved and ends rejected if it is rejected or expires. Poll GetTask.`;
  }
  if (e.error) return `${e.error.code}: ${e.error.message}`;
  return null;
}

/** The execution as an A2A Task (ProtoJSON): id = execution id, context = its deployment. */
export function taskOf(e: Execution): Record<string, unknown> {
  const contextId = e.deployment_id;
  const timestamp = e.completed_at ?? e.started_at ?? e.created_at;
  const text = statusText(e);
  const detail: Record<string, unknown> = { execution_id: e.execution_id, status: e.status };
  if (e.mandate_id) detail.mandate_id = e.mandate_id;
  if (e.error) detail.error = e.error;
  const status: Record<string, unknown> = { state: TASK_STATES[e.status], timestamp };
  if (text) {
    status.message = {
      messageId: `${e.execution_id}:${e.status}`,
      contextId,
      taskId: e.execution_id,
      role: 'ROLE_AGENT',
      parts: [{ text, mediaType: 'text/plain' }, { data: detail, mediaType: 'application/json' }],
    };
  }
  const frameos: Record<string, unknown> = {
    execution_id: e.execution_id,
    agent_id: e.agent_id,
    version: e.version,
    deployment_id: e.deployment_id,
    agent_account_id: e.agent_account_id,
    status: e.status,
    cost: e.cost,
    held: e.held,
  };
  for (const [key, value] of [['mandate_id', e.mandate_id], ['payment_id', e.payment_id], ['error', e.error], ['duration_ms', e.duration_ms]] as const) {
    if (value !== null) frameos[key] = value;
  }
  const task: Record<string, unknown> = { id: e.execution_id, contextId, status, metadata: { frameos } };
  if (e.status === 'succeeded' && e.outputs) {
    task.artifacts = [{ artifactId: 'outputs', name: 'outputs', parts: [{ data: e.outputs, mediaType: 'application/json' }] }];
  }
  return task;
}

/** A task of this agent the caller may see (another agent's or org's execution is not found). */
async function loadTask(ctx: RequestContext, agentId: string, id: string): Promise<Execution> {
  try {
    const execution = await getExecution(ctx, id);
    if (execution.agent_id === agentId) return execution;
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'not_found')) throw error;
  }
  throw new JsonRpcError(A2A_ERROR_CODE.TASK_NOT_FOUND, `Task ${id} not found.`, [errorInfo('TASK_NOT_FOUND', 'a2a-protocol.org')]);
}

const isSettled = (e: Execution): boolean => !['queued', 'running'].includes(e.status);

/** Polls the run until it ends or is interrupted (awaiting approval), the deadline passes or the client goes away. */
async function waitForRun(ctx: RequestContext, agentId: string, execution: Execution, signal: AbortSignal): Promise<Execution> {
  const deadline = Date.now() + SEND_WAIT_MS;
  let current = execution;
  let delay = 20;
  while (!isSettled(current) && !signal.aborted && Date.now() + delay < deadline) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
    current = await loadTask(ctx, agentId, current.execution_id);
  }
  return current;
}

// ——— The JSON-RPC methods ———

/** The inputs: the first data part holding a JSON object, else the first text part whose text is one. */
function inputsOf(message: SendMessageParams['message']): Record<string, unknown> {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const part of message.parts) {
    if (part.data !== undefined) {
      if (isObject(part.data)) return part.data;
      throw invalidParams('params.message.parts: a data part must hold a JSON object of the agent\'s inputs.');
    }
  }
  for (const part of message.parts) {
    if (part.text === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(part.text);
    } catch {
      continue;
    }
    if (isObject(value)) return value;
  }
  if (message.parts.some((p) => p.url !== undefined || p.raw !== undefined)) {
    throw new JsonRpcError(A2A_ERROR_CODE.CONTENT_TYPE_NOT_SUPPORTED, 'File parts are not supported: send the inputs as a data part (application/json).');
  }
  throw invalidParams('params.message.parts: send the agent\'s inputs as a data part holding a JSON object, or a text part whose text is one.');
}

/** The deployment named in the metadata, or the caller's one active deployment of the agent. */
async function chooseDeployment(ctx: RequestContext, agentId: string, named: string | undefined): Promise<string> {
  if (named) return named;
  const page = await listDeploymentsPage(ctx, 100, undefined, agentId);
  const active = page.data.filter((d) => d.status === 'active');
  if (active.length === 1) return active[0]!.deployment_id;
  throw invalidParams(active.length === 0
    ? `No active deployment of ${agentId} for this key: deploy it (POST /agents/${agentId}/deploy) or name one in message.metadata.deployment_id.`
    : `Several active deployments of ${agentId} for this key (${active.map((d) => d.deployment_id).join(', ')}): name one in message.metadata.deployment_id.`);
}

/**
 * SendMessage: the message becomes an execution under the deployment (the same checks as POST
 * /agents/:id/execute: inputs, policy, funds, approval), answered as its Task. The message id is
 * the idempotency key: the same message sent again answers the same task and is never paid twice.
 * Unless `configuration.returnImmediately`, waits up to SEND_WAIT_MS for the run to end or be
 * interrupted, as the specification asks; past that the task is answered as it is (poll GetTask).
 */
export async function sendMessage(ctx: RequestContext, agentId: string, rawParams: unknown, signal: AbortSignal): Promise<Record<string, unknown>> {
  const params = parseParams(SendMessageParamsSchema, rawParams);
  const { message, configuration } = params;
  if (message.role !== 'ROLE_USER') throw invalidParams('params.message.role: must be ROLE_USER');
  if (message.taskId) throw new JsonRpcError(A2A_ERROR_CODE.UNSUPPORTED_OPERATION, 'Follow-up messages to a task are not supported: every message starts a new run (task).');
  if (configuration?.taskPushNotificationConfig !== undefined) throw new JsonRpcError(A2A_ERROR_CODE.PUSH_NOTIFICATION_NOT_SUPPORTED, 'Push notifications are not supported: poll GetTask.');
  const metadata = parseParams(FrameOSMetadataSchema, { ...params.metadata, ...message.metadata });
  const inputs = inputsOf(message);
  const deploymentId = await chooseDeployment(ctx, agentId, metadata.deployment_id);

  const scope = principalScope(ctx.principal);
  const key = `a2a:${agentId}:${message.messageId}`;
  const hash = createHash('sha256').update(canonicalize({ agentId, deploymentId, inputs, max_charge: metadata.max_charge ?? null }) ?? '').digest('hex');
  const claim = await claimKey(ctx.db, scope, key, hash, ctx.now);
  let execution: Execution;
  switch (claim.kind) {
    case 'claimed': {
      const claimed = { scope, key, successStatus: 202 };
      try {
        execution = await executeAgent({ ...ctx, idempotency: claimed }, agentId, { deployment_id: deploymentId, inputs, max_charge: metadata.max_charge });
      } catch (error) {
        // Nothing was created: the same message may be sent again once the refusal is fixed.
        await releaseKey(ctx.db, claimed);
        throw error;
      }
      break;
    }
    case 'replay':
      execution = await loadTask(ctx, agentId, (JSON.parse(claim.body) as { execution_id: string }).execution_id);
      break;
    case 'reused':
      throw invalidParams(`params.message.messageId: ${message.messageId} was already sent with other contents; use a new message id.`);
    case 'in_use':
      throw jsonRpcErrorOf(new DomainError('idempotency_key_in_use', `Message ${message.messageId} is being processed; send it again in a moment.`));
  }
  const task = configuration?.returnImmediately ? execution : await waitForRun(ctx, agentId, execution, signal);
  return { task: taskOf(task) };
}

export async function getTask(ctx: RequestContext, agentId: string, rawParams: unknown): Promise<Record<string, unknown>> {
  const params = parseParams(GetTaskParamsSchema, rawParams);
  return taskOf(await loadTask(ctx, agentId, params.id));
}

/** CancelTask = abort: the run ends `aborted` (canceled) and its hold is voided; an ended run is not cancelable. */
export async function cancelTask(ctx: RequestContext, agentId: string, rawParams: unknown): Promise<Record<string, unknown>> {
  const params = parseParams(CancelTaskParamsSchema, rawParams);
  const execution = await loadTask(ctx, agentId, params.id);
  try {
    return taskOf(await abortExecution(ctx, execution.execution_id));
  } catch (error) {
    if (error instanceof DomainError && error.code === 'execution_finished') {
      throw new JsonRpcError(A2A_ERROR_CODE.TASK_NOT_CANCELABLE, `Task ${params.id} has already ended (${TASK_STATES[execution.status]}).`, [errorInfo('TASK_NOT_CANCELABLE', 'a2a-protocol.org')]);
    }
    throw error;
  }
}

/** Methods of the binding this endpoint does not offer, and the error each answers. */
export const UNSUPPORTED_METHODS: Record<string, JsonRpcError> = {
  SendStreamingMessage: new JsonRpcError(A2A_ERROR_CODE.UNSUPPORTED_OPERATION, 'Streaming is not supported (capabilities.streaming is false): use SendMessage and GetTask.'),
  SubscribeToTask: new JsonRpcError(A2A_ERROR_CODE.UNSUPPORTED_OPERATION, 'Streaming is not supported (capabilities.streaming is false): poll GetTask.'),
  ListTasks: new JsonRpcError(A2A_ERROR_CODE.UNSUPPORTED_OPERATION, 'ListTasks is not supported: list runs with GET /executions.'),
  GetExtendedAgentCard: new JsonRpcError(A2A_ERROR_CODE.EXTENDED_CARD_NOT_CONFIGURED, 'This agent has no extended agent card.'),
  CreateTaskPushNotificationConfig: new JsonRpcError(A2A_ERROR_CODE.PUSH_NOTIFICATION_NOT_SUPPORTED, 'Push notifications are not supported.'),
  GetTaskPushNotificationConfig: new JsonRpcError(A2A_ERROR_CODE.PUSH_NOTIFICATION_NOT_SUPPORTED, 'Push notifications are not supported.'),
  ListTaskPushNotificationConfigs: new JsonRpcError(A2A_ERROR_CODE.PUSH_NOTIFICATION_NOT_SUPPORTED, 'Push notifications are not supported.'),
  DeleteTaskPushNotificationConfig: new JsonRpcError(A2A_ERROR_CODE.PUSH_NOTIFICATION_NOT_SUPPORTED, 'Push notifications are not supported.'),
};
