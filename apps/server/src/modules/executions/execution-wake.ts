import type { AppContext } from '../../context.ts';

/**
 * An in-process nudge from the code that queues runs to this process's execution worker (embedded
 * mode runs the API and the worker in one process): the worker claims at once instead of at its next
 * EXECUTION_POLL_MS. Only a hint — the queue is the executions table, and a worker in another
 * process still finds the run by polling.
 */
const listeners = new WeakMap<AppContext, () => void>();

export function onRunsQueued(app: AppContext, listener: (() => void) | null): void {
  if (listener) listeners.set(app, listener);
  else listeners.delete(app);
}

/** Call after the transaction that queued runs committed. */
export function runsQueued(app: AppContext): void {
  listeners.get(app)?.();
}
