import { DomainError } from '../errors.ts';

/**
 * The execution state machine. An execution is queued (its price held) or waits for a person's
 * approval of its mandate; a worker starts it; it ends succeeded, failed, timed_out, aborted or
 * rejected. A worker that lost its lease puts it back in the queue (`requeue`). Final states never
 * move again: a late answer from a worker whose run was aborted is dropped, not applied.
 */
export type ExecutionStatus = 'queued' | 'awaiting_approval' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'aborted' | 'rejected';
export type ExecutionTransition = 'approve' | 'reject' | 'start' | 'requeue' | 'succeed' | 'fail' | 'time_out' | 'abort';

export const EXECUTION_TRANSITIONS: Readonly<Record<ExecutionTransition, { from: readonly ExecutionStatus[]; to: ExecutionStatus }>> = {
  approve: { from: ['awaiting_approval'], to: 'queued' },
  reject: { from: ['awaiting_approval'], to: 'rejected' },
  start: { from: ['queued'], to: 'running' },
  requeue: { from: ['running'], to: 'queued' },
  succeed: { from: ['running'], to: 'succeeded' },
  fail: { from: ['queued', 'awaiting_approval', 'running'], to: 'failed' },
  time_out: { from: ['running'], to: 'timed_out' },
  abort: { from: ['queued', 'awaiting_approval', 'running'], to: 'aborted' },
};

export const FINAL_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'timed_out', 'aborted', 'rejected'];

export function isFinalExecutionStatus(status: ExecutionStatus): boolean {
  return FINAL_EXECUTION_STATUSES.includes(status);
}

/** The status `transition` leads to from `current`; a finished execution answers `execution_finished`. */
export function nextExecutionStatus(current: ExecutionStatus, transition: ExecutionTransition): ExecutionStatus {
  const { from, to } = EXECUTION_TRANSITIONS[transition];
  if (from.includes(current)) return to;
  if (isFinalExecutionStatus(current)) throw new DomainError('execution_finished', `The execution has already ended (${current}).`);
  throw new DomainError('invalid_transition', `An execution cannot ${transition} from ${current}.`);
}
